import * as pulumi from "@pulumi/pulumi";
import { dingtalk, feishu } from "pulumi-dingtalk-feishu";

// Credentials and endpoints are not in this program nor in its stack config: the provider reads
// them from the environment variables of `pulumi` (DINGTALK_APP_KEY, FEISHU_APP_SECRET, ...).
const config = new pulumi.Config();

const files = new dingtalk.StorageEventSubscription("team-space-files", {
  scope: "SPACE",
  scopeId: config.require("spaceId"),
  unionId: config.require("operatorUnionId"),
});

const tickets = new feishu.HelpdeskEventSubscription("tickets", {
  events: [feishu.HelpdeskEvents.TicketCreated, feishu.HelpdeskEvents.TicketMessageCreated],
});

export const dingtalkSubscription = files.id;
export const feishuSubscription = tickets.id;
