import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../core/errors";

// Every setting (keys, secrets, tokens, ids, endpoint, numbers) is printable ASCII; tokens travel
// in HTTP headers, which cannot carry a pasted zero-width space or a non-breaking space.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/u;

/**
 * Where provider settings come from: the stack config (`<namespace>:<key>`, which the
 * dynamic provider's `configure` receives, secrets already decrypted), then an environment
 * variable for pipelines. Values are trimmed; empty counts as unset; any other character than
 * printable ASCII is a {@link ConfigError} naming the setting (never echoing the value).
 */
export class SettingsSource {
  constructor(
    private readonly config: pulumi.dynamic.Config | undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The value of `namespace:key`, else of the environment variable `envName`. */
  get(configKey: string, envName: string): string | undefined {
    const fromConfig = this.config?.get(configKey);
    const value = fromConfig !== undefined && fromConfig !== "" ? fromConfig : this.env[envName];
    const trimmed = value?.trim();
    if (!trimmed) return undefined;
    assertPrintableSetting(trimmed, { config: configKey, env: envName });
    return trimmed;
  }
}

/** One setting's two names, as the README's configuration table lists them. */
export interface SettingName {
  /** The stack config key, for example `dingtalk:appKey`. */
  config: string;
  /** The environment variable, for example `DINGTALK_APP_KEY`. */
  env: string;
}

/** `dingtalk:appKey` (`DINGTALK_APP_KEY`), the way errors name a setting. */
export function describeSetting(name: SettingName): string {
  return `${name.config} (${name.env})`;
}

/**
 * Throws a {@link ConfigError} naming the setting when `value` holds anything but printable
 * ASCII (a pasted zero-width or non-breaking space, a line break): such a value cannot travel
 * in an HTTP header. The message gives the character's code point and position, never the value.
 */
export function assertPrintableSetting(value: string, name: SettingName): void {
  const bad = NOT_PRINTABLE_ASCII.exec(value);
  if (!bad) return;
  const codePoint = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  throw new ConfigError(
    `${describeSetting(name)} contains ${codePoint} at character ${bad.index + 1}, which an HTTP header cannot carry ` +
      "(often an invisible character pasted with the value); set it again without it.",
    name.config,
  );
}
