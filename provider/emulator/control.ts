/**
 * The `/_emulator/…` control endpoints, for tests and scripts driving a running emulator.
 *
 * | method | path | effect |
 * |---|---|---|
 * | GET | `/_emulator/faults` | current fault configuration |
 * | PUT | `/_emulator/faults` | replace it (JSON {@link FaultConfig}); 400 when invalid |
 * | DELETE | `/_emulator/faults` | no faults |
 * | GET | `/_emulator/state` | subscriptions, fault stats, call counters, faults |
 * | GET | `/_emulator/ledger` | `{ "ledger": LedgerEntry[] }` |
 * | POST | `/_emulator/reset` | clear subscriptions, ledger, faults and stats |
 *
 * Control calls are never faulted and never recorded in the ledger.
 *
 * @module
 */
import type { ServerResponse } from "node:http";
import type { FaultConfig } from "./fault-config";
import type { FaultStats } from "./faults";
import { parseJson, writeJson } from "./http";
import type { LedgerEntry } from "./ledger";
import type { SubscriptionSnapshot } from "./subscriptions";

/** Path prefix of the control endpoints. */
export const CONTROL_PREFIX = "/_emulator/";

/** Call counters reported by `GET /_emulator/state`. */
export interface CallCounters {
  /** Vendor calls recorded since the last reset (including those the ledger no longer keeps). */
  readonly calls: number;
  /** Of which DingTalk. */
  readonly dingtalk: number;
  /** Of which Feishu. */
  readonly feishu: number;
  /** Tokens kept: pre-issued and issued (a count, never the values). */
  readonly tokens: number;
}

/** The body of `GET /_emulator/state`. */
export interface EmulatorState {
  /** Live subscriptions. */
  readonly subscriptions: SubscriptionSnapshot;
  /** Injected fault counters. */
  readonly stats: FaultStats;
  /** Call counters. */
  readonly counters: CallCounters;
  /** Fault configuration in force. */
  readonly faults: FaultConfig;
}

/** What the control endpoints act on. */
export interface ControlTarget {
  setFaults(faults: FaultConfig): void;
  resetFaults(): void;
  faults(): FaultConfig;
  reset(): void;
  ledger(): LedgerEntry[];
  state(): EmulatorState;
}

type Handler = (target: ControlTarget, body: string | undefined) => { status: number; body: unknown };

const routes: Record<string, Partial<Record<string, Handler>>> = {
  "/_emulator/faults": {
    GET: (t) => ({ status: 200, body: { faults: t.faults() } }),
    PUT: (t, body) => {
      const parsed = parseJson(body);
      if (!parsed.ok) return { status: 400, body: { error: "body must be a JSON fault configuration" } };
      try {
        t.setFaults(parsed.value as FaultConfig);
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
      return { status: 200, body: { faults: t.faults() } };
    },
    DELETE: (t) => {
      t.resetFaults();
      return { status: 200, body: { faults: t.faults() } };
    },
  },
  "/_emulator/state": { GET: (t) => ({ status: 200, body: t.state() }) },
  "/_emulator/ledger": { GET: (t) => ({ status: 200, body: { ledger: t.ledger() } }) },
  "/_emulator/reset": {
    POST: (t) => {
      t.reset();
      return { status: 200, body: { reset: true } };
    },
  },
};

/** Answers one control call. */
export function handleControl(
  target: ControlTarget,
  method: string,
  path: string,
  body: string | undefined,
  res: ServerResponse,
): void {
  const methods = routes[path];
  if (methods === undefined) {
    return writeJson(res, 404, { error: `unknown control endpoint ${path}` });
  }
  const handler = methods[method];
  if (handler === undefined) {
    const allowed = Object.keys(methods).join(", ");
    return writeJson(res, 405, { error: `${method} not allowed on ${path}` }, { allow: allowed });
  }
  const out = handler(target, body);
  writeJson(res, out.status, out.body);
}
