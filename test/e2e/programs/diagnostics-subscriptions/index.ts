import * as pulumi from "@pulumi/pulumi";
import { dingtalk, feishu } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();
const vendors = (config.get("vendors") ?? "dingtalk,feishu").split(",");

// Inputs come from config as plain strings so that a test can pass a value the types refuse
// (the provider's check must name it at preview).
const scopeIds = config.getObject<string[]>("scopeIds") ?? ["space-diagnostics"];
const profile = config.get("profile");
const dingtalkSubscriptions = vendors.includes("dingtalk")
  ? scopeIds.map(
      (scopeId, i) =>
        new dingtalk.StorageEventSubscription(i === 0 ? "files" : `files-${i}`, {
          scope: (config.get("scope") ?? "SPACE") as "ORG" | "SPACE",
          scopeId,
          unionId: config.get("unionId") ?? "diagnostics-operator",
          profile,
        }),
    )
  : [];

const feishuSubscription = vendors.includes("feishu")
  ? new feishu.HelpdeskEventSubscription("tickets", {
      events: config.getObject<feishu.HelpdeskEvent[]>("events") ?? [feishu.HelpdeskEvents.TicketCreated],
      profile,
    })
  : undefined;

export const dingtalkIds = dingtalkSubscriptions.map((s) => s.id);
export const feishuId = feishuSubscription?.id;
