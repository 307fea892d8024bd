/**
 * Pulumi dynamic resources for chat-platform event subscriptions:
 * {@link dingtalk.StorageEventSubscription} and {@link feishu.HelpdeskEventSubscription}.
 * @packageDocumentation
 */
export * as dingtalk from "./dingtalk";
export * as feishu from "./feishu";
export { ProviderError, VendorApiError, NetworkError, TimeoutError, AuthError, ConfigError } from "./core/errors";
export type { ErrorContext, ProviderErrorCode, TimeoutPhase, Vendor, VendorFailure } from "./core/errors";
