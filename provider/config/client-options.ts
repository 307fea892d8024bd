import { ConfigError } from "../core/errors";
import { checkClientOption, type ClientOptions } from "../core/options";
import { describeSetting, type SettingsSource } from "./settings-source";

/** The tuning options readable from stack config and environment, per vendor. */
export const CLIENT_OPTION_KEYS = ["maxQps", "maxAttempts", "maxRetryElapsedMs", "requestTimeoutMs", "connectTimeoutMs"] as const;

// Plain decimals only: Number() would also take 0x10, 0b11, 1e3 and Infinity.
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Reads `<namespace>:maxQps` (env `<PREFIX>_MAX_QPS`) and the other tuning options, and checks
 * each against its allowed range. Errors name the full key (`dingtalk:maxQps`) and carry it in `keys`.
 */
export function readClientOptions(source: SettingsSource, namespace: string, envPrefix: string): ClientOptions {
  const options: ClientOptions = {};
  for (const key of CLIENT_OPTION_KEYS) {
    const name = { config: `${namespace}:${key}`, env: `${envPrefix}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` };
    const raw = source.get(name.config, name.env);
    if (raw === undefined) continue;
    if (!DECIMAL.test(raw)) {
      throw new ConfigError(`${describeSetting(name)} must be a number written in plain decimal digits, got ${JSON.stringify(raw.slice(0, 40))}.`, name.config);
    }
    options[key] = checkClientOption(key, Number(raw), describeSetting(name), name.config);
  }
  return options;
}
