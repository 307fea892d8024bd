import { ConfigError } from "../core/errors";
import type { ClientOptions } from "../core/options";
import type { SettingsSource } from "./settings-source";

/** The tuning options readable from stack config and environment, per vendor. */
export const CLIENT_OPTION_KEYS = ["maxQps", "maxAttempts", "maxRetryElapsedMs", "requestTimeoutMs", "connectTimeoutMs"] as const;

/**
 * Reads `<namespace>:maxQps` (env `<PREFIX>_MAX_QPS`) and the other tuning options.
 * Range checks happen once, in `normalizeClientOptions`.
 */
export function readClientOptions(source: SettingsSource, namespace: string, envPrefix: string): ClientOptions {
  const options: Record<string, number> = {};
  for (const key of CLIENT_OPTION_KEYS) {
    const configKey = `${namespace}:${key}`;
    const envName = `${envPrefix}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const raw = source.get(configKey, envName);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      throw new ConfigError(`${configKey} (${envName}) must be a number, got "${raw}".`);
    }
    options[key] = value;
  }
  return options as ClientOptions;
}
