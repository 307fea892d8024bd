export { StorageEventSubscription, type StorageEventSubscriptionArgs } from "./storage-event-subscription";
export { STORAGE_EVENT_SCOPES } from "./scopes";
export { DEFAULT_DINGTALK_ENDPOINT, DINGTALK_SETTINGS } from "./settings";
