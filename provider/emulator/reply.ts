/**
 * What a vendor handler answers, and how each vendor shapes its generic answers.
 *
 * @module
 */
import type { LedgerVendor } from "./ledger";

/** One HTTP answer plus the vendor code the ledger records. */
export interface Reply {
  /** HTTP status. */
  readonly status: number;
  /** Vendor code as a string (`"ok"` / `"0"` on success). */
  readonly code: string;
  /** JSON body. */
  readonly body: unknown;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The failure kinds that produce an answer (drop and hang do not). */
export type AnsweredFailure = "500" | "503" | "429";

/** The answers every vendor shapes its own way. */
export interface VendorDialect {
  /** Which vendor. */
  readonly vendor: LedgerVendor;
  /** Answer to a call over `throttleQps` (`limit` calls per second). */
  throttled(limit: number, resetSeconds: number): Reply;
  /** Answer to an injected failure; `limit` is the configured QPS, if any. */
  failure(kind: AnsweredFailure, limit: number | undefined): Reply;
  /** Answer to a path the vendor does not serve. */
  notFound(): Reply;
  /** Answer to a known path called with the wrong method. */
  methodNotAllowed(allowed: string): Reply;
}
