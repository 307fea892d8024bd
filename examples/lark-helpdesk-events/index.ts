// Lark, Feishu's international edition: the same helpdesk API on https://open.larksuite.com.
// The resource is the same `feishu.HelpdeskEventSubscription`; only feishu:endpoint differs,
// and a Lark app, helpdesk and token come from the Lark developer and helpdesk consoles.
import * as pulumi from "@pulumi/pulumi";
import { feishu } from "pulumi-dingtalk-feishu";

const LARK_ENDPOINT = "https://open.larksuite.com";

// The provider reads feishu:endpoint itself. The program insists on it too, so that a stack
// meant for Lark never falls back to the default endpoint (Feishu, https://open.feishu.cn).
const endpoint = new pulumi.Config("feishu").get("endpoint") ?? process.env.FEISHU_ENDPOINT;
if (!endpoint) {
  throw new Error(`Set the Lark endpoint: pulumi config set feishu:endpoint ${LARK_ENDPOINT}`);
}
if (new URL(endpoint).hostname === "open.feishu.cn") {
  pulumi.log.warn(`feishu:endpoint is Feishu's (${endpoint}); for Lark set it to ${LARK_ENDPOINT}`);
}

const config = new pulumi.Config();
const events = config.getObject<feishu.HelpdeskEvent[]>("events") ?? [
  feishu.HelpdeskEvents.TicketCreated,
  feishu.HelpdeskEvents.TicketUpdated,
  feishu.HelpdeskEvents.TicketMessageCreated,
];

const tickets = new feishu.HelpdeskEventSubscription("lark-tickets", { events });

export const subscriptionId = tickets.id;
export const subscribedEvents = tickets.events;
export const larkEndpoint = tickets.endpoint;
export const helpdeskId = tickets.helpdeskId;
