import { z } from "zod";
import { identifier } from "../config/identifier";
import { profileName } from "../config/profile-name";
import { STORAGE_EVENT_SCOPES } from "./scopes";

/** A validated DingTalk storage event subscription, as the provider works with it. */
export const storageEventSubscriptionSchema = z.object({
  scope: z.enum(STORAGE_EVENT_SCOPES, { error: "scope must be ORG or SPACE" }),
  scopeId: identifier("scopeId"),
  unionId: identifier("unionId"),
  /** The profile whose credentials are used; omitted: the top-level `dingtalk:` keys. */
  profile: profileName().optional(),
  /** For a third-party app profile: the organization the subscription is made for. */
  authCorpId: identifier("authCorpId").optional(),
});

/** Plain, validated inputs of a StorageEventSubscription. */
export type StorageEventSubscriptionInputs = z.infer<typeof storageEventSubscriptionSchema>;

/** The resource id and the coverage a subscription is identified by: `ORG:<corpId>` or `SPACE:<spaceId>`. */
export function coverageId(s: Pick<StorageEventSubscriptionInputs, "scope" | "scopeId">): string {
  return `${s.scope}:${s.scopeId}`;
}

/** The coverage an id names (`ORG:<corpId>`, `SPACE:<spaceId>`), or undefined when it names none. */
export function parseCoverageId(id: string): Pick<StorageEventSubscriptionInputs, "scope" | "scopeId"> | undefined {
  const colon = id.indexOf(":");
  const scope = id.slice(0, colon);
  const scopeId = id.slice(colon + 1);
  if (colon < 0 || !(STORAGE_EVENT_SCOPES as readonly string[]).includes(scope)) return undefined;
  return identifier("scopeId").safeParse(scopeId).success ? { scope: scope as "ORG" | "SPACE", scopeId } : undefined;
}
