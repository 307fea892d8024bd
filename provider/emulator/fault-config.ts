/**
 * The fault-injection settings: public shape, defaults and validation.
 *
 * @module
 */
import { z } from "zod";

/**
 * What an injected failure looks like to the client:
 * - `"500"`: DingTalk `500 systemError`, Feishu `500` code `155000`.
 * - `"503"`: DingTalk `503 operationTimeout`, Feishu `503` code `155000`.
 * - `"429"`: the vendor's HTTP 429 throttle answer: DingTalk `429 system.busy`
 *   (the older style; `throttleQps` produces the current `403 Qps…` one),
 *   Feishu `429` code `99991400` with the rate-limit headers.
 * - `"drop"`: the socket is destroyed without an answer.
 * - `"hang"`: no answer; the socket stays open until the client gives up or the emulator stops.
 */
export type FailureKind = "500" | "503" | "429" | "drop" | "hang";

/** Every failure kind, in a stable order. */
export const FAILURE_KINDS: readonly FailureKind[] = ["500", "503", "429", "drop", "hang"];

/**
 * Faults applied to vendor API calls (subscribe, unsubscribe, unknown paths are
 * never faulted). Token endpoints are faulted only with `includeTokenEndpoints`.
 * Setting a configuration replaces the previous one entirely.
 */
export interface FaultConfig {
  /**
   * Probability (0..1) that a call fails with one of `failureKinds`. The
   * decision is made before any state change: a failed call changes nothing.
   * @default 0
   */
  readonly failureRate?: number;
  /**
   * Kinds drawn uniformly when a call fails.
   * @default ["500"]
   */
  readonly failureKinds?: readonly FailureKind[];
  /**
   * Seed of the PRNG that draws failures, so runs are reproducible.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Calls admitted per app, per API, per 1-second window; the rest are
   * answered the vendor's throttle way. Unset means no limit.
   */
  readonly throttleQps?: number;
  /**
   * Delay added before handling each call, in milliseconds.
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * Each token expires after this many authenticated API uses (counted from
   * when the setting is applied). Unset means no limit.
   */
  readonly tokenMaxUses?: number;
  /**
   * Also apply `failureRate`, `throttleQps` and `latencyMs` to the token endpoints.
   * @default false
   */
  readonly includeTokenEndpoints?: boolean;
}

/** {@link FaultConfig} with every default filled in. */
export interface NormalizedFaultConfig {
  readonly failureRate: number;
  readonly failureKinds: readonly FailureKind[];
  readonly seed: number;
  readonly throttleQps: number | undefined;
  readonly latencyMs: number;
  readonly tokenMaxUses: number | undefined;
  readonly includeTokenEndpoints: boolean;
}

const faultConfigSchema = z
  .object({
    failureRate: z.number().min(0).max(1).optional(),
    failureKinds: z.array(z.enum(["500", "503", "429", "drop", "hang"])).min(1).optional(),
    seed: z.number().int().optional(),
    throttleQps: z.number().int().min(1).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    tokenMaxUses: z.number().int().min(1).optional(),
    includeTokenEndpoints: z.boolean().optional(),
  })
  .strict();

/**
 * Validates a fault configuration and fills in the defaults.
 *
 * @throws TypeError naming the offending option and the allowed values.
 */
export function normalizeFaultConfig(config: unknown): NormalizedFaultConfig {
  const parsed = faultConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "(config)"}: ${issue.message}`)
      .join("; ");
    throw new TypeError(`Invalid emulator fault configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    failureRate: c.failureRate ?? 0,
    failureKinds: c.failureKinds ?? ["500"],
    seed: c.seed ?? 1,
    throttleQps: c.throttleQps,
    latencyMs: c.latencyMs ?? 0,
    tokenMaxUses: c.tokenMaxUses,
    includeTokenEndpoints: c.includeTokenEndpoints ?? false,
  };
}

/** Turns a normalized configuration back into the public shape, dropping defaults. */
export function publicFaultConfig(config: NormalizedFaultConfig): FaultConfig {
  const out: { -readonly [K in keyof FaultConfig]: FaultConfig[K] } = {};
  if (config.failureRate > 0) {
    out.failureRate = config.failureRate;
    out.failureKinds = [...config.failureKinds];
    out.seed = config.seed;
  }
  if (config.throttleQps !== undefined) out.throttleQps = config.throttleQps;
  if (config.latencyMs > 0) out.latencyMs = config.latencyMs;
  if (config.tokenMaxUses !== undefined) out.tokenMaxUses = config.tokenMaxUses;
  if (config.includeTokenEndpoints) out.includeTokenEndpoints = true;
  return out;
}
