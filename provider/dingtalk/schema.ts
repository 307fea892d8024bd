import { z } from "zod";
import { identifier } from "../config/identifier";
import { STORAGE_EVENT_SCOPES } from "./scopes";

/** A validated DingTalk storage event subscription, as the provider works with it. */
export const storageEventSubscriptionSchema = z.object({
  scope: z.enum(STORAGE_EVENT_SCOPES, { error: "scope must be ORG or SPACE" }),
  scopeId: identifier("scopeId"),
  unionId: identifier("unionId"),
});

/** Plain, validated inputs of a StorageEventSubscription. */
export type StorageEventSubscriptionInputs = z.infer<typeof storageEventSubscriptionSchema>;

/** The resource id and the coverage a subscription is identified by: `ORG:<corpId>` or `SPACE:<spaceId>`. */
export function coverageId(s: Pick<StorageEventSubscriptionInputs, "scope" | "scopeId">): string {
  return `${s.scope}:${s.scopeId}`;
}
