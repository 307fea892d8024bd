import { z } from "zod";
import { MAX_IDENTIFIER_LENGTH } from "../config/identifier";
import { profileName } from "../config/profile-name";
import { eventKey } from "./events";

const TYPE = /^helpdesk\.([a-z][a-z0-9_]*)$/;
const SUBTYPE = /^([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*_v[0-9]+$/;

const helpdeskEventSchema = z
  .object({
    type: z
      .string({ error: "type must be a string" })
      .min(1, { error: "type must not be empty" })
      .max(MAX_IDENTIFIER_LENGTH)
      .regex(TYPE, { error: "type must look like helpdesk.<resource>, for example helpdesk.ticket" }),
    subtype: z
      .string({ error: "subtype must be a string" })
      .min(1, { error: "subtype must not be empty" })
      .max(MAX_IDENTIFIER_LENGTH)
      .regex(SUBTYPE, { error: "subtype must look like <resource>.<action>_vN, for example ticket.created_v1" }),
  })
  .superRefine((e, ctx) => {
    const res = TYPE.exec(e.type)?.[1];
    const subRes = SUBTYPE.exec(e.subtype)?.[1];
    if (res && subRes && res !== subRes) {
      ctx.addIssue({ code: "custom", path: ["subtype"], message: `subtype ${e.subtype} does not belong to type ${e.type} (expected ${res}.<action>_vN)` });
    }
  });

/** The most event pairs one resource may hold; Feishu's helpdesk has a handful of event types. */
export const MAX_EVENTS = 50;

/** Validated inputs of a HelpdeskEventSubscription. */
export const helpdeskEventSubscriptionSchema = z.object({
  events: z
    .array(helpdeskEventSchema, { error: "events must be a list of {type, subtype}" })
    .min(1, { error: "events must not be empty" })
    .max(MAX_EVENTS, { error: `events must hold at most ${MAX_EVENTS} pairs` })
    .superRefine((events, ctx) => {
      const seen = new Map<string, number>();
      events.forEach((e, i) => {
        const key = eventKey(e);
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i], message: `duplicate event ${key} (also at events[${seen.get(key)}])` });
        else seen.set(key, i);
      });
    }),
  /** The profile whose app and helpdesk are used; omitted: the top-level `feishu:` keys. */
  profile: profileName().optional(),
});

/** Plain, validated inputs of a HelpdeskEventSubscription. */
export type HelpdeskEventSubscriptionInputs = z.infer<typeof helpdeskEventSubscriptionSchema>;
