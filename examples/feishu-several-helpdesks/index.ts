// Ticket events of several Feishu helpdesks in one stack. Each helpdesk is a profile under
// feishu:profiles (its app, helpdesk id and token); the program names the profile per resource.
// Every operation on a subscription later acts with the profile and helpdesk recorded in its state.
import * as pulumi from "@pulumi/pulumi";
import { feishu } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();

// The profiles to wire up; each needs feishu:profiles.<name>.appId, appSecret, helpdeskId, helpdeskToken.
const helpdesks = config.getObject<string[]>("helpdesks") ?? ["it", "hr"];

const subscriptions = helpdesks.map(
  (profile) =>
    new feishu.HelpdeskEventSubscription(`${profile}-tickets`, {
      profile,
      events: [feishu.HelpdeskEvents.TicketCreated, feishu.HelpdeskEvents.TicketMessageCreated],
    }),
);

/** Per profile: the subscription id and the helpdesk it was made on. */
export const byProfile = Object.fromEntries(
  subscriptions.map((s, i) => [helpdesks[i], pulumi.all({ id: s.id, helpdeskId: s.helpdeskId, appId: s.appId })]),
);
