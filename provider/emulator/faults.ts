/**
 * Decides which fault, if any, hits a call, and counts what was injected.
 *
 * @module
 */
import {
  FAILURE_KINDS,
  normalizeFaultConfig,
  type FailureKind,
  type FaultConfig,
  type FaultOp,
  type NormalizedFaultConfig,
  type ScriptedFault,
} from "./fault-config";
import { seededRandom } from "./prng";
import { WindowThrottle } from "./throttle";

/** How many of each fault the emulator injected since the last reset. */
export interface FaultStats {
  /** Calls answered with the vendor's throttle answer because of `throttleQps`. */
  throttled: number;
  /** Calls failed by `failureRate`, per kind. */
  failures: Record<FailureKind, number>;
  /** Calls delayed by `latencyMs`. */
  latency: number;
  /** Calls rejected because their token reached `tokenMaxUses`. */
  tokenExpired: number;
  /** Calls answered by a scripted fault (`script`). */
  scripted: number;
}

/** The fault chosen for one call; `undefined` when the call goes through. */
export type FaultDecision =
  | { readonly kind: "throttled"; readonly limit: number; readonly resetSeconds: number }
  | { readonly kind: "failure"; readonly failure: FailureKind }
  | { readonly kind: "scripted"; readonly fault: ScriptedFault }
  | undefined;

/** Who is calling what, as far as faults care. */
export interface FaultSubject {
  /** `"dingtalk"` or `"feishu"`. */
  readonly vendor: string;
  /** Non-secret app identity (throttling is per app). */
  readonly app: string;
  /** API name (throttling is per API). */
  readonly api: string;
  /** The operation (scripted faults match on it). */
  readonly op: FaultOp;
  /** Whether the call is a token endpoint (faulted only with `includeTokenEndpoints`). */
  readonly tokenEndpoint: boolean;
}

function emptyStats(): FaultStats {
  const failures = Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as Record<FailureKind, number>;
  return { throttled: 0, failures, latency: 0, tokenExpired: 0, scripted: 0 };
}

/** Holds the current fault configuration, the seeded PRNG, the throttle windows and the counters. */
export class FaultInjector {
  private current: NormalizedFaultConfig = normalizeFaultConfig({});
  private random = seededRandom(this.current.seed);
  private readonly throttle: WindowThrottle;
  private counters = emptyStats();
  // What is left of the script: entries are used up in order.
  private script: { fault: ScriptedFault; left: number }[] = [];

  /** @param now Clock in milliseconds (drives the throttle windows). */
  constructor(now: () => number) {
    this.throttle = new WindowThrottle(now);
  }

  /** The configuration in force. */
  get config(): NormalizedFaultConfig {
    return { ...this.current, script: this.script.map((s) => ({ ...s.fault, times: s.left })) };
  }

  /**
   * Replaces the configuration; restarts the PRNG from the seed and the throttle windows.
   * @throws TypeError when the configuration is invalid (nothing changes then).
   */
  set(config: FaultConfig): void {
    this.current = normalizeFaultConfig(config);
    this.script = this.current.script.map((fault) => ({ fault, left: fault.times ?? 1 }));
    this.random = seededRandom(this.current.seed);
    this.throttle.clear();
  }

  /** Back to no faults. Counters are kept; see {@link FaultInjector.resetStats}. */
  clear(): void {
    this.set({});
  }

  /** Zeroes the counters. */
  resetStats(): void {
    this.counters = emptyStats();
  }

  /** A copy of the counters. */
  stats(): FaultStats {
    return { ...this.counters, failures: { ...this.counters.failures } };
  }

  /** Milliseconds to wait before handling the call (counted as injected when > 0). */
  latencyFor(subject: Pick<FaultSubject, "tokenEndpoint">): number {
    if (!this.applies(subject) || this.current.latencyMs === 0) return 0;
    this.counters.latency += 1;
    return this.current.latencyMs;
  }

  /** The script first, then throttling (per app, per API), then the random failure draw. */
  decide(subject: FaultSubject): FaultDecision {
    const scripted = this.takeScripted(subject);
    if (scripted !== undefined) {
      this.counters.scripted += 1;
      return { kind: "scripted", fault: scripted };
    }
    if (!this.applies(subject)) return undefined;
    const { throttleQps, failureRate, failureKinds } = this.current;
    if (throttleQps !== undefined) {
      const verdict = this.throttle.admit(`${subject.vendor}\u0000${subject.app}\u0000${subject.api}`, throttleQps);
      if (!verdict.admitted) {
        this.counters.throttled += 1;
        return { kind: "throttled", limit: verdict.limit, resetSeconds: verdict.resetSeconds };
      }
    }
    if (failureRate > 0 && this.random() < failureRate) {
      const failure = failureKinds[Math.floor(this.random() * failureKinds.length)] ?? failureKinds[0]!;
      this.counters.failures[failure] += 1;
      return { kind: "failure", failure };
    }
    return undefined;
  }

  /** Counts a rejection caused by `tokenMaxUses`. */
  countTokenExpired(): void {
    this.counters.tokenExpired += 1;
  }

  private takeScripted(subject: FaultSubject): ScriptedFault | undefined {
    const index = this.script.findIndex(({ fault }) => {
      if (fault.vendor !== undefined && fault.vendor !== subject.vendor) return false;
      return fault.op === undefined ? subject.op !== "token" : fault.op === subject.op;
    });
    if (index < 0) return undefined;
    const entry = this.script[index]!;
    entry.left -= 1;
    if (entry.left <= 0) this.script.splice(index, 1);
    return entry.fault;
  }

  private applies(subject: Pick<FaultSubject, "tokenEndpoint">): boolean {
    return !subject.tokenEndpoint || this.current.includeTokenEndpoints;
  }
}
