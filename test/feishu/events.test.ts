import { describe, expect, it } from "vitest";
import { diffEvents, HelpdeskEvents, normalizeEvents } from "../../provider/feishu/events";
import { helpdeskEventSubscriptionSchema } from "../../provider/feishu/schema";
import { toCheckFailures } from "../../provider/dynamic/check";

const { TicketCreated, TicketUpdated, TicketMessageCreated } = HelpdeskEvents;

describe("event sets", () => {
  it("normalizes order and duplicates", () => {
    expect(normalizeEvents([TicketMessageCreated, TicketUpdated, TicketCreated, TicketUpdated])).toEqual([TicketCreated, TicketUpdated, TicketMessageCreated]);
  });

  it("diffs into only the added and the removed pairs", () => {
    expect(diffEvents([TicketCreated, TicketMessageCreated], [TicketMessageCreated, TicketUpdated])).toEqual({ added: [TicketUpdated], removed: [TicketCreated] });
  });

  it("sees no change in a reorder", () => {
    expect(diffEvents([TicketCreated, TicketMessageCreated], [TicketMessageCreated, TicketCreated])).toEqual({ added: [], removed: [] });
  });

  it("treats a whole new set as all added and all removed", () => {
    expect(diffEvents([TicketCreated], [TicketUpdated])).toEqual({ added: [TicketUpdated], removed: [TicketCreated] });
  });
});

describe("helpdesk event schema", () => {
  const failures = (events: unknown) => {
    const r = helpdeskEventSubscriptionSchema.safeParse({ events });
    return r.success ? [] : toCheckFailures(r.error.issues);
  };

  it("accepts known and unknown-but-well-formed pairs", () => {
    expect(failures([TicketCreated, { type: "helpdesk.agent", subtype: "agent.status_changed_v2" }])).toEqual([]);
  });

  it.each([
    [[], "events", "must not be empty"],
    ["x", "events", "list"],
    [[{ type: "helpdesk.ticket" }], "events[0].subtype", "string"],
    [[{ type: "ticket", subtype: "ticket.created_v1" }], "events[0].type", "helpdesk.<resource>"],
    [[{ type: "helpdesk.ticket", subtype: "ticket.created" }], "events[0].subtype", "<resource>.<action>_vN"],
    [[{ type: "helpdesk.ticket", subtype: "ticket_message.created_v1" }], "events[0].subtype", "does not belong"],
    [[TicketCreated, TicketUpdated, TicketCreated], "events[2]", "duplicate event helpdesk.ticket/ticket.created_v1 (also at events[0])"],
  ])("rejects %j naming %s", (events, property, reason) => {
    const f = failures(events);
    expect(f.map((x) => x.property)).toContain(property);
    expect(f.find((x) => x.property === property)?.reason).toContain(reason);
  });
});
