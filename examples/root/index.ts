// The repo's root program (Pulumi.yaml at the top): one subscription per vendor.
import * as pulumi from "@pulumi/pulumi";
import { dingtalk, feishu } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();

const orgFiles = new dingtalk.StorageEventSubscription("org-files", {
  scope: "ORG",
  scopeId: config.require("corpId"),
  unionId: config.require("operatorUnionId"),
});

const tickets = new feishu.HelpdeskEventSubscription("tickets", {
  events: [feishu.HelpdeskEvents.TicketMessageCreated, feishu.HelpdeskEvents.TicketCreated],
});

export const dingtalkSubscription = orgFiles.id;
export const dingtalkEndpoint = orgFiles.endpoint;
export const feishuSubscription = tickets.id;
export const feishuEvents = tickets.events;
