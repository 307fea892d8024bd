/**
 * Everything a request handler may read or change, shared by both vendors.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorCredentials } from "./credentials";
import type { FaultInjector } from "./faults";
import type { FeishuEventPairs } from "./feishu-events";
import type { Ledger } from "./ledger";
import type { SubscriptionStore } from "./subscriptions";
import type { TokenStore } from "./tokens";

/** The emulator's state and services, as the handlers see them. */
export interface EmulatorContext {
  /** Clock in milliseconds. */
  readonly now: () => number;
  /** Identities the emulator accepts. */
  readonly credentials: EmulatorCredentials;
  /** Issued tokens. */
  readonly tokens: TokenStore;
  /** Fault configuration and counters. */
  readonly faults: FaultInjector;
  /** Call record. */
  readonly ledger: Ledger;
  /** Live subscriptions. */
  readonly subscriptions: SubscriptionStore;
  /** Which Feishu event pairs are accepted. */
  readonly feishuEventPairs: FeishuEventPairs;
  /** Waits `ms`; settles early when the emulator stops. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Keeps a request open without answering until the client leaves or the emulator stops. */
  readonly park: (req: IncomingMessage, res: ServerResponse) => void;
}
