// One DingTalk third-party enterprise app (an ISV "suite") serving every organization that
// installed it, from one stack. The suite's credentials are one profile (dingtalk:profiles.isv,
// without an authCorpId); each resource names the organization it acts for with `authCorpId`
// (for an ORG subscription it defaults to the scopeId, the organization's corpId). Each
// organization gets its own corp access token; every later operation acts for the organization
// recorded in the state.
import * as pulumi from "@pulumi/pulumi";
import { dingtalk } from "pulumi-dingtalk-feishu";

interface Organization {
  /** The corpId of an organization that installed the app. */
  corpId: string;
  /** The operator the subscriptions are made as, in that organization. */
  operatorUnionId: string;
  /** Storage spaces of that organization to subscribe one by one (optional). */
  spaceIds?: string[];
}

const config = new pulumi.Config();
const profile = config.get("profile") ?? "isv";
const organizations = config.requireObject<Organization[]>("organizations");

const subscriptions = organizations.flatMap((org) => [
  // The whole organization: authCorpId defaults to scopeId.
  new dingtalk.StorageEventSubscription(`org-${org.corpId}`, { profile, scope: "ORG", scopeId: org.corpId, unionId: org.operatorUnionId }),
  ...(org.spaceIds ?? []).map(
    (spaceId) =>
      new dingtalk.StorageEventSubscription(`space-${org.corpId}-${spaceId}`, {
        profile,
        authCorpId: org.corpId,
        scope: "SPACE",
        scopeId: spaceId,
        unionId: org.operatorUnionId,
      }),
  ),
]);

/** Every subscription id (`ORG:<corpId>`, `SPACE:<spaceId>`). */
export const ids = subscriptions.map((s) => s.id);
/** The organization each subscription acts for, in the same order. */
export const organizationsActedFor = subscriptions.map((s) => s.authCorpId);
