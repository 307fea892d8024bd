/**
 * The record of every vendor call the emulator answered (or refused to answer).
 *
 * @module
 */
import { redactStrings } from "./redact";

/** Which vendor API a call went to. */
export type LedgerVendor = "dingtalk" | "feishu";

/** What the call was for; `"unknown"` for unknown paths and wrong methods. */
export type LedgerOp = "token" | "subscribe" | "unsubscribe" | "unknown";

/**
 * The fault that shaped the answer, if any. `applied-dropped` and `applied-hang`: the call was
 * carried out (the subscription changed, the token was issued) and then its answer was lost.
 */
export type LedgerFault =
  | "throttled"
  | "injected"
  | "dropped"
  | "hang"
  | "applied-dropped"
  | "applied-hang"
  | "latency"
  | "token-expired";

/** One Feishu event pair as recorded. */
export interface LedgerEvent {
  /** e.g. `helpdesk.ticket`. */
  readonly type: string;
  /** e.g. `ticket.created_v1`. */
  readonly subtype: string;
}

/** One call. Never holds a secret or token value. */
export interface LedgerEntry {
  /** 1-based order of recording. */
  readonly seq: number;
  /** When the call was recorded, ms (from the emulator's clock). */
  readonly at: number;
  /** Vendor. */
  readonly vendor: LedgerVendor;
  /** Operation. */
  readonly op: LedgerOp;
  /** HTTP method as sent. */
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** HTTP status answered; `0` when no answer was sent (dropped or hanging). */
  readonly status: number;
  /** Vendor code answered: DingTalk success `"ok"`, Feishu success `"0"`, `""` when no answer was sent. */
  readonly code: string;
  /** Non-secret app id (appKey, suiteKey, app_id), `"pre-issued"`, or `"unknown"` when unauthenticated. */
  readonly app: string;
  /** DingTalk: the requested scope. */
  readonly scope?: string;
  /** DingTalk: the requested scope id. */
  readonly scopeId?: string;
  /** DingTalk: the operator's unionId. */
  readonly unionId?: string;
  /** Feishu: the helpdesk the call authenticated as. */
  readonly helpdeskId?: string;
  /**
   * Feishu: how `X-Lark-Helpdesk-Authorization` arrived: `"bare"` (the vendor doc's form) or
   * `"bearer"` (with the `Bearer ` prefix the official Node SDK adds).
   */
  readonly helpdeskAuthForm?: "bare" | "bearer";
  /** Feishu: the event pairs, when they were well-formed. */
  readonly events?: readonly LedgerEvent[];
  /** The fault that shaped the answer. */
  readonly fault?: LedgerFault;
}

/** A ledger entry before it gets its sequence number. */
export type LedgerRecord = Omit<LedgerEntry, "seq">;

/** The app recorded for calls whose token was missing or not recognized. */
export const UNKNOWN_APP = "unknown";

/** How many calls of each vendor the ledger recorded since it was last cleared (dropped ones included). */
export interface LedgerCounts {
  /** Every call. */
  readonly calls: number;
  /** DingTalk calls. */
  readonly dingtalk: number;
  /** Feishu calls. */
  readonly feishu: number;
}

/**
 * List of calls that masks any known secret before storing. It keeps the newest `limit`
 * entries: older ones are dropped, and `seq` keeps counting, so a gap shows what was dropped.
 */
export class Ledger {
  private items: LedgerEntry[] = [];
  private counts = { calls: 0, dingtalk: 0, feishu: 0 };

  /**
   * @param mask Replaces every secret and token inside one string (applied to every string field).
   * @param limit Most entries kept.
   */
  constructor(
    private readonly mask: (text: string) => string,
    private readonly limit: number = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Stores one call, with every known secret masked out of its string fields:
   * callers put secrets in unexpected fields (a token as unionId, a secret as appKey).
   */
  record(entry: LedgerRecord): LedgerEntry {
    this.counts.calls += 1;
    this.counts[entry.vendor] += 1;
    const stored = redactStrings({ seq: this.counts.calls, ...entry }, this.mask);
    this.items.push(stored);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    return stored;
  }

  /** A copy of every entry kept, oldest first. */
  entries(): LedgerEntry[] {
    return structuredClone(this.items);
  }

  /** Calls recorded since the last clear, per vendor (counting the dropped ones). */
  recorded(): LedgerCounts {
    return { ...this.counts };
  }

  /** Forgets every entry; numbering restarts at 1. */
  clear(): void {
    this.items = [];
    this.counts = { calls: 0, dingtalk: 0, feishu: 0 };
  }
}
