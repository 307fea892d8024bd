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
 * - `"drop"`: the socket is destroyed without an answer; nothing changes.
 * - `"hang"`: no answer; the socket stays open until the client gives up or the emulator stops; nothing changes.
 * - `"applied-drop"`: the call is carried out (a subscription is made or removed, a token issued),
 *   then the socket is destroyed before the answer: the outcome is unknown to the client.
 * - `"applied-hang"`: the call is carried out, then no answer is sent.
 */
export type FailureKind = "500" | "503" | "429" | "drop" | "hang" | "applied-drop" | "applied-hang";

/** Every failure kind, in a stable order. */
export const FAILURE_KINDS: readonly FailureKind[] = ["500", "503", "429", "drop", "hang", "applied-drop", "applied-hang"];

/**
 * What a scripted fault answers. Besides every {@link FailureKind}:
 * - `"throttle"`: the vendor's current throttle answer carrying `waitHint`: DingTalk
 *   `403 Forbidden.AccessDenied.QpsLimitForApi` (hint in `Retry-After`), Feishu `429 99991400`
 *   (hint in `x-ogw-ratelimit-reset`).
 * - `"throttle-400"` (Feishu only): `400 99991400`, the way some older Feishu APIs throttle.
 * - `"scope-denied"`: the app lacks the API scope: DingTalk
 *   `403 Forbidden.AccessDenied.AccessTokenPermissionDenied` with `accessdenieddetail.requiredScopes`,
 *   Feishu `400 99991672` with `error.permission_violations`.
 * - `"ip-denied"` (Feishu only): `400 99991401`, the caller's IP is not on the app's allow-list.
 * - `"ip-ban-html"`, `"ip-ban-json"` (DingTalk only): the 5-minute IP ban, as an HTML page or as
 *   `{"status":1111,"punish":"deny"}`.
 * - `"success-false"` (DingTalk only): `200 {"success": false}`.
 */
export type ScriptedFaultKind =
  | FailureKind
  | "throttle"
  | "throttle-400"
  | "scope-denied"
  | "ip-denied"
  | "ip-ban-html"
  | "ip-ban-json"
  | "success-false";

/** Every scripted fault kind, in a stable order. */
export const SCRIPTED_FAULT_KINDS: readonly ScriptedFaultKind[] = [
  ...FAILURE_KINDS,
  "throttle",
  "throttle-400",
  "scope-denied",
  "ip-denied",
  "ip-ban-html",
  "ip-ban-json",
  "success-false",
];

/** The kinds only one vendor has, and that vendor. */
export const VENDOR_ONLY_KINDS: Readonly<Partial<Record<ScriptedFaultKind, "dingtalk" | "feishu">>> = {
  "throttle-400": "feishu",
  "ip-denied": "feishu",
  "ip-ban-html": "dingtalk",
  "ip-ban-json": "dingtalk",
  "success-false": "dingtalk",
};

/** The vendor operations a scripted fault can match. */
export type FaultOp = "token" | "subscribe" | "unsubscribe";

/**
 * One scripted fault: it answers the next `times` calls that match `vendor` and `op`, then is used up.
 * A call matches when it reaches the point where faults are decided (after its token was accepted).
 */
export interface ScriptedFault {
  /** What the calls get. */
  readonly fault: ScriptedFaultKind;
  /** Only this vendor's calls; required for the kinds only one vendor has. Default: both. */
  readonly vendor?: "dingtalk" | "feishu";
  /** Only this operation. Default: subscribe and unsubscribe (token calls only when named). */
  readonly op?: FaultOp;
  /**
   * How many matching calls it answers.
   * @default 1
   */
  readonly times?: number;
  /**
   * `throttle`, `throttle-400`: the wait hint sent as is (seconds, `0`, an absurd number, an HTTP
   * date); a list sends the header once per value.
   * @default "1"
   */
  readonly waitHint?: string | number | readonly (string | number)[];
  /** `scope-denied`: the scopes the answer says are required. Default: the vendor's scope for the API. */
  readonly requiredScopes?: readonly string[];
  /** Overrides the HTTP status of the answer (not for the drop and hang kinds). */
  readonly status?: number;
  /** Extra response headers; a list sends the header once per value. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
}

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
  /**
   * One-shot faults, used in order before `throttleQps` and `failureRate` are consulted.
   * `GET /_emulator/faults` shows what is left of them.
   */
  readonly script?: readonly ScriptedFault[];
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
  readonly script: readonly ScriptedFault[];
}

const headerValue = z.union([z.string(), z.number()]).transform(String);
const scriptedFaultSchema = z
  .object({
    fault: z.enum(SCRIPTED_FAULT_KINDS as [ScriptedFaultKind, ...ScriptedFaultKind[]]),
    vendor: z.enum(["dingtalk", "feishu"]).optional(),
    op: z.enum(["token", "subscribe", "unsubscribe"]).optional(),
    times: z.number().int().min(1).max(1_000_000).optional(),
    waitHint: z.union([headerValue, z.array(headerValue).min(1)]).optional(),
    requiredScopes: z.array(z.string().min(1)).optional(),
    status: z.number().int().min(100).max(599).optional(),
    headers: z.record(z.string().min(1), z.union([z.string(), z.array(z.string())])).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    const only = VENDOR_ONLY_KINDS[f.fault];
    if (only !== undefined && f.vendor !== only) {
      ctx.addIssue({ code: "custom", path: ["vendor"], message: `fault "${f.fault}" exists only for ${only}: set vendor to "${only}"` });
    }
  });

const faultConfigSchema = z
  .object({
    failureRate: z.number().min(0).max(1).optional(),
    failureKinds: z.array(z.enum(FAILURE_KINDS as [FailureKind, ...FailureKind[]])).min(1).optional(),
    seed: z.number().int().optional(),
    throttleQps: z.number().int().min(1).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    tokenMaxUses: z.number().int().min(1).optional(),
    includeTokenEndpoints: z.boolean().optional(),
    script: z.array(scriptedFaultSchema).max(1000).optional(),
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
    script: (c.script ?? []).map((f) => ({ ...f, times: f.times ?? 1 }) as ScriptedFault),
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
  if (config.script.length > 0) out.script = config.script.map((f) => ({ ...f }));
  return out;
}
