import * as pulumi from "@pulumi/pulumi";
import { feishu } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();

// Pairs can come from stack config (a list of {type, subtype}); the default is the known set.
const events = config.getObject<feishu.HelpdeskEvent[]>("events") ?? [
  feishu.HelpdeskEvents.TicketMessageCreated,
  feishu.HelpdeskEvents.TicketCreated,
];

const tickets = new feishu.HelpdeskEventSubscription(config.get("resourceName") ?? "tickets", { events });

export const subscriptionId = tickets.id;
export const subscribedEvents = tickets.events;
export const helpdeskId = tickets.helpdeskId;
