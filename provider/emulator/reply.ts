/**
 * What a vendor handler answers, and how each vendor shapes its generic answers.
 *
 * @module
 */
import type { ScriptedFault } from "./fault-config";
import type { LedgerVendor } from "./ledger";

/** Response headers; a list sends the header once per value. */
export type ReplyHeaders = Readonly<Record<string, string | readonly string[]>>;

/** One HTTP answer plus the vendor code the ledger records. */
export interface Reply {
  /** HTTP status. */
  readonly status: number;
  /** Vendor code as a string (`"ok"` / `"0"` on success). */
  readonly code: string;
  /** JSON body. */
  readonly body: unknown;
  /** Extra response headers. */
  readonly headers: ReplyHeaders;
  /** A body that is not JSON (an HTML page), sent as is instead of `body`. */
  readonly raw?: { readonly contentType: string; readonly text: string };
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
  /** Answer to a scripted fault that answers (not the drop and hang kinds). */
  scripted(fault: ScriptedFault, limit: number | undefined): Reply;
  /** Answer to a path the vendor does not serve. */
  notFound(): Reply;
  /** Answer to a known path called with the wrong method. */
  methodNotAllowed(allowed: string): Reply;
}

/** A scripted wait hint as header values (one per list entry); `"1"` when none was chosen. */
export function hintValues(hint: ScriptedFault["waitHint"]): string | string[] {
  if (hint === undefined) return "1";
  return typeof hint === "string" || typeof hint === "number" ? String(hint) : hint.map(String);
}
