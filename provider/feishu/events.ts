/** A Feishu helpdesk event pair, as the subscribe API takes it. */
export interface HelpdeskEvent {
  /** `helpdesk.<resource>`, for example `helpdesk.ticket`. */
  type: string;
  /** `<resource>.<action>_vN`, for example `ticket.created_v1`. */
  subtype: string;
}

/**
 * The known helpdesk event pairs. A pushed event `helpdesk.<res>.<action>_vN` is subscribed as
 * type `helpdesk.<res>`, subtype `<res>.<action>_vN`; other well-formed pairs are accepted too.
 */
export const HelpdeskEvents = {
  /** A message was added to a ticket (`helpdesk.ticket_message.created_v1`). */
  TicketMessageCreated: { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
  /** A ticket was created (`helpdesk.ticket.created_v1`). */
  TicketCreated: { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
  /** A ticket was updated (`helpdesk.ticket.updated_v1`). */
  TicketUpdated: { type: "helpdesk.ticket", subtype: "ticket.updated_v1" },
} as const satisfies Record<string, HelpdeskEvent>;

/** A stable key for one pair. */
export function eventKey(e: HelpdeskEvent): string {
  return `${e.type}/${e.subtype}`;
}

/** Pairs sorted by type then subtype, duplicates removed: the order a user writes does not matter. */
export function normalizeEvents(events: readonly HelpdeskEvent[]): HelpdeskEvent[] {
  const byKey = new Map(events.map((e) => [eventKey(e), { type: e.type, subtype: e.subtype }]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** What changed between two event sets: subscribe `added`, unsubscribe `removed`, leave the rest flowing. */
export function diffEvents(olds: readonly HelpdeskEvent[], news: readonly HelpdeskEvent[]): { added: HelpdeskEvent[]; removed: HelpdeskEvent[] } {
  const oldKeys = new Set(olds.map(eventKey));
  const newKeys = new Set(news.map(eventKey));
  return {
    added: normalizeEvents(news.filter((e) => !oldKeys.has(eventKey(e)))),
    removed: normalizeEvents(olds.filter((e) => !newKeys.has(eventKey(e)))),
  };
}
