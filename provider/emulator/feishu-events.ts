/**
 * Validation of the helpdesk `events` body, with Feishu-style field violations.
 *
 * @module
 */
import type { FieldViolation } from "./feishu-replies";
import { isJsonObject } from "./http";
import type { LedgerEvent } from "./ledger";

/** The outcome of validating a subscribe/unsubscribe body. */
export type EventsValidation =
  | { readonly ok: true; readonly events: readonly LedgerEvent[] }
  | { readonly ok: false; readonly violations: readonly FieldViolation[] };

// Pushed event `helpdesk.<res>.<action>_vN` is subscribed as type `helpdesk.<res>`,
// subtype `<res>.<action>_vN` (vendor-apis.md).
/**
 * Which helpdesk event pairs are accepted: only {@link DOCUMENTED_EVENT_PAIRS}, or any pair
 * of the documented shape.
 */
export type FeishuEventPairs = "documented" | "shaped";

/**
 * The pairs the emulator accepts by default: the one Feishu's subscribe doc shows
 * (`helpdesk.ticket_message` / `ticket_message.created_v1`) and the two built by the documented
 * rule from the pushed events `helpdesk.ticket.created_v1` and `helpdesk.ticket.updated_v1`.
 */
export const DOCUMENTED_EVENT_PAIRS: readonly LedgerEvent[] = [
  { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
  { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
  { type: "helpdesk.ticket", subtype: "ticket.updated_v1" },
];

const TYPE_PATTERN = /^helpdesk\.([a-z][a-z0-9_]*)$/;
const SUBTYPE_PATTERN = /^([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*_v[0-9]+$/;

/**
 * Checks `{"events":[{"type","subtype"},…]}`: a non-empty array of matching pairs, each one
 * documented unless `pairs` is `"shaped"`.
 */
export function validateEvents(body: unknown, pairs: FeishuEventPairs = "documented"): EventsValidation {
  if (!isJsonObject(body)) {
    return { ok: false, violations: [{ field: "body", description: "the request body must be a JSON object" }] };
  }
  const events = body["events"];
  if (!Array.isArray(events) || events.length === 0) {
    return { ok: false, violations: [{ field: "events", description: "events must be a non-empty array" }] };
  }
  const violations: FieldViolation[] = [];
  const valid: LedgerEvent[] = [];
  events.forEach((event: unknown, i) => {
    const at = `events[${i}]`;
    if (!isJsonObject(event)) {
      violations.push({ field: at, description: "each event must be an object with type and subtype" });
      return;
    }
    const { type, subtype } = event;
    if (typeof type !== "string" || type === "") {
      violations.push({ field: `${at}.type`, description: "type is required and must be a string" });
    }
    if (typeof subtype !== "string" || subtype === "") {
      violations.push({ field: `${at}.subtype`, description: "subtype is required and must be a string" });
    }
    if (typeof type !== "string" || typeof subtype !== "string" || type === "" || subtype === "") return;
    const resource = TYPE_PATTERN.exec(type)?.[1];
    if (resource === undefined) {
      violations.push({ field: `${at}.type`, value: type, description: "type must look like helpdesk.<resource>" });
      return;
    }
    if (SUBTYPE_PATTERN.exec(subtype)?.[1] !== resource) {
      violations.push({
        field: `${at}.subtype`,
        value: subtype,
        description: `subtype must look like ${resource}.<action>_v<N> for type ${type}`,
      });
      return;
    }
    if (pairs === "documented" && !DOCUMENTED_EVENT_PAIRS.some((p) => p.type === type && p.subtype === subtype)) {
      violations.push({
        field: at,
        value: `${type}/${subtype}`,
        description: "not a documented helpdesk event (the emulator is strict: start it with feishuEventPairs \"shaped\" to allow any pair of the documented shape)",
      });
      return;
    }
    valid.push({ type, subtype });
  });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, events: valid };
}
