import { ConfigError } from "./errors";

/** Client tuning options. All optional; see each `@default`. */
export interface ClientOptions {
  /**
   * Client-side request rate per API per credential, in requests per second.
   * DingTalk allows 20 QPS per app per API on a standard organization.
   * @default 20
   */
  maxQps?: number;
  /**
   * Attempts per call, the first one included (1 disables retries).
   * @default 6
   */
  maxAttempts?: number;
  /**
   * Give up retrying once this much time has passed since the first attempt, in milliseconds.
   * @default 120000
   */
  maxRetryElapsedMs?: number;
  /**
   * Overall deadline of one attempt (connect, headers and body), in milliseconds.
   * @default 15000
   */
  requestTimeoutMs?: number;
  /**
   * Deadline for establishing a connection, in milliseconds. Applies to the built-in
   * dispatcher; an injected dispatcher keeps its own.
   * @default 5000
   */
  connectTimeoutMs?: number;
}

/** {@link ClientOptions} with every default filled in. */
export type NormalizedClientOptions = Required<ClientOptions>;

interface Rule {
  default: number;
  min: number;
  max: number;
  integer: boolean;
}

/** Defaults and allowed ranges of {@link ClientOptions}, the single source of truth. */
export const CLIENT_OPTION_RULES: Readonly<Record<keyof ClientOptions, Readonly<Rule>>> = {
  maxQps: { default: 20, min: 0.1, max: 1000, integer: false },
  maxAttempts: { default: 6, min: 1, max: 20, integer: true },
  maxRetryElapsedMs: { default: 120_000, min: 0, max: 3_600_000, integer: true },
  requestTimeoutMs: { default: 15_000, min: 10, max: 600_000, integer: true },
  connectTimeoutMs: { default: 5_000, min: 10, max: 120_000, integer: true },
};

/**
 * Checks one option against {@link CLIENT_OPTION_RULES}.
 * @param label how the message names it, e.g. `dingtalk:maxQps (DINGTALK_MAX_QPS)`.
 * @param key the setting put in the {@link ConfigError}'s `keys`, e.g. `dingtalk:maxQps`.
 * @throws ConfigError naming the option and its allowed range.
 */
export function checkClientOption(name: keyof ClientOptions, value: unknown, label: string, key: string): number {
  const rule = CLIENT_OPTION_RULES[name];
  const valid =
    typeof value === "number" &&
    Number.isFinite(value) &&
    value >= rule.min &&
    value <= rule.max &&
    (!rule.integer || Number.isInteger(value));
  if (!valid) {
    const kind = rule.integer ? "an integer" : "a number";
    throw new ConfigError(`${label} must be ${kind} from ${rule.min} to ${rule.max} (got ${JSON.stringify(value) ?? String(value)}).`, key);
  }
  return value;
}

/**
 * Fills in defaults and validates ranges.
 * @param prefix prepended to option names in messages, e.g. `dingtalk:`.
 * @throws ConfigError naming the option and its allowed range.
 */
export function normalizeClientOptions(options: ClientOptions = {}, prefix = ""): NormalizedClientOptions {
  const out = {} as NormalizedClientOptions;
  for (const name of Object.keys(CLIENT_OPTION_RULES) as Array<keyof ClientOptions>) {
    const value = options[name];
    out[name] = value === undefined ? CLIENT_OPTION_RULES[name].default : checkClientOption(name, value, `${prefix}${name}`, `${prefix}${name}`);
  }
  return out;
}
