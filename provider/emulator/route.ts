/**
 * How a vendor declares the paths it serves.
 *
 * @module
 */
import type { VendorCall } from "./call";
import type { LedgerOp } from "./ledger";
import type { VendorDialect } from "./reply";

/** One path a vendor serves. */
export interface Route {
  /** The only method the vendor accepts on this path. */
  readonly method: "POST";
  /** Exact path (no trailing slash, no query). */
  readonly path: string;
  /** What the ledger calls it. */
  readonly op: Exclude<LedgerOp, "unknown">;
  /** Ends the call. */
  readonly handle: (call: VendorCall) => Promise<void>;
}

/** A vendor: its answer shapes and the paths under its prefix. */
export interface VendorApi {
  /** Answer shapes. */
  readonly dialect: VendorDialect;
  /** Every path starting with this belongs to the vendor (404 if no route matches). */
  readonly prefix: string;
  /** Served paths. */
  readonly routes: readonly Route[];
}
