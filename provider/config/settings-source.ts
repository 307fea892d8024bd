import type * as pulumi from "@pulumi/pulumi";

/**
 * Where provider settings come from: the stack config (`<namespace>:<key>`, which the
 * dynamic provider's `configure` receives, secrets already decrypted), then an environment
 * variable for pipelines. Values are trimmed; empty counts as unset.
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
    return trimmed ? trimmed : undefined;
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
