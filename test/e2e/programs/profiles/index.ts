// Each entry names its Pulumi resource, its profile (omitted: the top-level keys) and, for a
// DingTalk suite profile, the organization. Used by test/e2e/profiles.test.ts and integrity.test.ts.
import * as pulumi from "@pulumi/pulumi";
import { dingtalk, feishu } from "pulumi-dingtalk-feishu";

interface DingTalkEntry {
  name: string;
  scope: "ORG" | "SPACE";
  scopeId: string;
  unionId: string;
  profile?: string;
  authCorpId?: string;
  /** Passed as the `ignoreChanges` resource option. */
  ignoreChanges?: string[];
}

interface FeishuEntry {
  name: string;
  events: feishu.HelpdeskEvent[];
  profile?: string;
}

const config = new pulumi.Config();

const dingtalkSubscriptions = (config.getObject<DingTalkEntry[]>("dingtalk") ?? []).map(
  (e) =>
    new dingtalk.StorageEventSubscription(
      e.name,
      { scope: e.scope, scopeId: e.scopeId, unionId: e.unionId, profile: e.profile, authCorpId: e.authCorpId },
      { ignoreChanges: e.ignoreChanges },
    ),
);

const feishuSubscriptions = (config.getObject<FeishuEntry[]>("feishu") ?? []).map(
  (e) => new feishu.HelpdeskEventSubscription(e.name, { events: e.events, profile: e.profile }),
);

export const dingtalkIds = dingtalkSubscriptions.map((s) => s.id);
export const dingtalkProfiles = dingtalkSubscriptions.map((s) => s.profile);
export const feishuIds = feishuSubscriptions.map((s) => s.id);
export const feishuProfiles = feishuSubscriptions.map((s) => s.profile);
