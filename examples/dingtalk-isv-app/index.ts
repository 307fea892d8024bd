// A DingTalk third-party enterprise app (an ISV "suite") subscribing to the storage
// file-change events of one organization that installed it. The provider authenticates with
// the suite's credentials (dingtalk:suiteKey, suiteSecret, suiteTicket, authCorpId): its
// token acts for the authorizing organization, so one stack serves one customer organization.
import * as pulumi from "@pulumi/pulumi";
import { dingtalk } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();

// The provider reads dingtalk:authCorpId itself; the program reads it as well because the
// authorizing organization's corpId is also the scopeId of an organization-wide subscription.
const customerCorpId = new pulumi.Config("dingtalk").get("authCorpId") ?? process.env.DINGTALK_AUTH_CORP_ID;
if (!customerCorpId) {
  throw new Error("Set the organization that authorized the app: pulumi config set dingtalk:authCorpId <corpId>");
}
const operator = config.require("operatorUnionId");

// Every file change in the customer's organization.
const orgFiles = new dingtalk.StorageEventSubscription("customer-org-files", {
  scope: "ORG",
  scopeId: customerCorpId,
  unionId: operator,
});

// Optionally, chosen storage spaces of that organization only.
const spaces = (config.getObject<string[]>("spaceIds") ?? []).map(
  (spaceId) => new dingtalk.StorageEventSubscription(`customer-space-${spaceId}`, { scope: "SPACE", scopeId: spaceId, unionId: operator }),
);

export const orgSubscription = orgFiles.id;
export const spaceSubscriptions = spaces.map((s) => s.id);
/** `suite`: the subscriptions were made with the third-party app's credentials. */
export const credentialKind = orgFiles.credentialKind;
export const suiteKey = orgFiles.suiteKey;
export const authCorpId = orgFiles.authCorpId;
