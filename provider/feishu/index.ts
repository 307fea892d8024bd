export { HelpdeskEventSubscription, type HelpdeskEventSubscriptionArgs } from "./helpdesk-event-subscription";
export { HelpdeskEvents, type HelpdeskEvent } from "./events";
export { DEFAULT_FEISHU_ENDPOINT, FEISHU_SETTINGS } from "./settings";
