// Both vendors' subscriptions declared as data: add or remove an entry in stack config and
// run `pulumi up`. Each entry's `name` is its Pulumi resource name; renaming one without an
// alias is safe (the new resource adopts the subscription, the old one does not unsubscribe it).
import * as pulumi from "@pulumi/pulumi";
import { dingtalk, feishu } from "pulumi-dingtalk-feishu";

interface DingTalkEntry {
  name: string;
  scope: "ORG" | "SPACE";
  scopeId: string;
  unionId: string;
  /** Earlier names of this resource, so a rename keeps the resource instead of replacing it. */
  aliases?: string[];
}

interface FeishuEntry {
  name: string;
  events: feishu.HelpdeskEvent[];
  aliases?: string[];
}

const config = new pulumi.Config();
const aliasesOf = (names?: string[]) => names?.map((name) => ({ name }));

const dingtalkSubscriptions = (config.getObject<DingTalkEntry[]>("dingtalk") ?? []).map(
  (e) => new dingtalk.StorageEventSubscription(e.name, { scope: e.scope, scopeId: e.scopeId, unionId: e.unionId }, { aliases: aliasesOf(e.aliases) }),
);

const feishuSubscriptions = (config.getObject<FeishuEntry[]>("feishu") ?? []).map(
  (e) => new feishu.HelpdeskEventSubscription(e.name, { events: e.events }, { aliases: aliasesOf(e.aliases) }),
);

export const dingtalkIds = dingtalkSubscriptions.map((s) => s.id);
export const feishuIds = feishuSubscriptions.map((s) => s.id);
export const feishuEvents = feishuSubscriptions.map((s) => s.events);
