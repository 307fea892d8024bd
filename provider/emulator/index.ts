/**
 * Local emulator of the DingTalk storage-event and Feishu helpdesk-event APIs.
 *
 * @module
 */
export { startEmulator, type Emulator } from "./server";
export type { EmulatorOptions } from "./options";
export {
  DEFAULT_CREDENTIALS,
  type DingTalkAppCredentials,
  type DingTalkCredentials,
  type DingTalkPreIssuedToken,
  type DingTalkSuiteCredentials,
  type EmulatorCredentials,
  type FeishuAppCredentials,
  type FeishuCredentials,
  type FeishuHelpdeskCredentials,
} from "./credentials";
export {
  FAILURE_KINDS,
  SCRIPTED_FAULT_KINDS,
  type FailureKind,
  type FaultConfig,
  type FaultOp,
  type ScriptedFault,
  type ScriptedFaultKind,
} from "./fault-config";
export { DOCUMENTED_EVENT_PAIRS, type FeishuEventPairs } from "./feishu-events";
export type { FaultStats } from "./faults";
export type { LedgerCounts, LedgerEntry, LedgerEvent, LedgerFault, LedgerOp, LedgerVendor } from "./ledger";
export type { DingTalkSubscription, FeishuSubscription, SubscriptionSnapshot } from "./subscriptions";
export type { CallCounters, EmulatorState } from "./control";
export { HELPDESK_HEADER } from "./feishu";
export { PRE_ISSUED_APP } from "./tokens";
export { UNKNOWN_APP } from "./ledger";
