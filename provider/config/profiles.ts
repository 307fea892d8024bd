import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../core/errors";
import { registerSecret } from "../core/redact";
import { normalizeClientOptions, type ClientOptions } from "../core/options";
import { readClientOptions } from "./client-options";
import { assertPrintableSetting, SettingsSource, type SettingName } from "./settings-source";

/** The profile made of a vendor's top-level keys (`dingtalk:appKey`, …); resources that name no profile use it. */
export const DEFAULT_PROFILE = "default";

/** The longest profile name accepted. */
export const MAX_PROFILE_NAME_LENGTH = 64;

const PROFILE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

// How @pulumi/pulumi marks a secret inside a structured value (runtime/rpc `specialSigKey`, `specialSecretSig`).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** How one vendor's profiles are named and which keys a profile may hold. */
export interface ProfileSpec {
  /** `dingtalk` or `feishu`: the config namespace. */
  namespace: string;
  /** The environment variable holding the profiles as JSON, e.g. `DINGTALK_PROFILES`. */
  envVar: string;
  /** Every key a profile may set, e.g. `appKey`, `endpoint`, `maxQps`. */
  keys: readonly string[];
  /** Keys a profile takes from the top-level settings when it leaves them out (endpoint, tuning). */
  inherited: readonly string[];
  /** Keys whose values are secrets (registered for redaction as soon as they are read). */
  secrets: readonly string[];
}

/** One profile's values, as read from stack config or the environment. */
export interface RawProfile {
  /** Where the profile was read: the config key or the environment variable. */
  from: string;
  values: Readonly<Record<string, string>>;
}

/**
 * The name of one key of a profile, as read: `dingtalk:profiles.hr.endpoint` from the stack config,
 * `DINGTALK_PROFILES (hr.endpoint)` from the environment.
 */
export function rawProfileKeyName(spec: ProfileSpec, from: string, profile: string, key: string): string {
  return from === spec.envVar ? `${spec.envVar} (${profile}.${key})` : `${from}.${profile}.${key}`;
}

/**
 * Reads `<namespace>:profiles` from the stack config and `<envVar>` (JSON) from the environment.
 * A profile defined in both comes from the stack config, whole. Structured config arrives as an
 * object (or, from older engines, as JSON text) with `--secret` values wrapped inside; both forms
 * are read. Throws a {@link ConfigError} naming the exact key of anything malformed.
 */
export function readProfiles(config: pulumi.dynamic.Config | undefined, spec: ProfileSpec, env: NodeJS.ProcessEnv = process.env): Map<string, RawProfile> {
  const configKey = `${spec.namespace}:profiles`;
  const profiles = new Map<string, RawProfile>();
  const envText = env[spec.envVar]?.trim();
  if (envText) {
    for (const [name, values] of parseProfileMap(parseJson(envText, spec.envVar), spec.envVar, spec, (n, k) => rawProfileKeyName(spec, spec.envVar, n, k))) {
      profiles.set(name, { from: spec.envVar, values });
    }
  }
  const raw = config?.get(configKey) as unknown;
  if (raw !== undefined && raw !== "") {
    const value = typeof raw === "string" ? parseJson(raw, configKey) : raw;
    for (const [name, values] of parseProfileMap(value, configKey, spec, (n, k) => rawProfileKeyName(spec, configKey, n, k))) {
      profiles.set(name, { from: configKey, values });
    }
  }
  return profiles;
}

/** The names errors use for a profile's keys: `dingtalk:profiles.hr.appKey` (env `DINGTALK_PROFILES`). */
export function profileSettingNames<T extends Record<string, SettingName>>(table: T, spec: ProfileSpec, profile: string): T {
  if (profile === DEFAULT_PROFILE) return table;
  const out: Record<string, SettingName> = {};
  for (const [key, name] of Object.entries(table)) {
    const short = name.config.slice(name.config.indexOf(":") + 1);
    out[key] = { config: `${spec.namespace}:profiles.${profile}.${short}`, env: `${spec.envVar} (${profile}.${short})` };
  }
  return out as T;
}

/**
 * A settings source that reads one profile: its own values, and for the inherited keys
 * (endpoint, tuning options) the top-level ones when it leaves them out.
 */
export class ProfileSettingsSource extends SettingsSource {
  constructor(
    private readonly spec: ProfileSpec,
    private readonly profile: RawProfile,
    private readonly base: SettingsSource,
  ) {
    super(undefined, {});
  }

  /** Looks up `<namespace>:<key>` or `<namespace>:profiles.<name>.<key>` in the profile. */
  override get(configKey: string, envName: string): string | undefined {
    const key = configKey.slice(configKey.lastIndexOf(configKey.includes(".") ? "." : ":") + 1);
    const own = this.profile.values[key]?.trim();
    if (own) {
      assertPrintableSetting(own, { config: configKey, env: envName });
      return own;
    }
    if (this.spec.inherited.includes(key)) return this.base.get(`${this.spec.namespace}:${key}`, envName);
    return undefined;
  }
}

/**
 * The tuning options of one profile (`<namespace>:maxQps`, …); a named profile's errors name its
 * own keys (`dingtalk:profiles.<name>.maxQps`).
 */
export function readProfileClientOptions(source: SettingsSource, namespace: string, envPrefix: string, profile: string): Required<ClientOptions> {
  try {
    return normalizeClientOptions(readClientOptions(source, namespace, envPrefix));
  } catch (e) {
    if (profile === DEFAULT_PROFILE || !ConfigError.isInstance(e)) throw e;
    const own = (key: string) => `${namespace}:profiles.${profile}.${key}`;
    const message = e.message.replace(new RegExp(`${namespace}:(\\w+)( \\(${envPrefix}_\\w+\\))?`, "g"), (_m, key: string) => own(key));
    throw new ConfigError(message, e.keys.map((k) => own(k.replace(`${namespace}:`, ""))));
  }
}

/** Checks a profile name (a resource's `profile` input or a key of the map); undefined when it is fine. */
export function profileNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > MAX_PROFILE_NAME_LENGTH) return `must be at most ${MAX_PROFILE_NAME_LENGTH} characters`;
  if (!PROFILE_NAME.test(name)) return "must start with a letter and hold only letters, digits, '-' and '_'";
  return undefined;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Never echo the text: it holds secrets.
    throw new ConfigError(`${where} must be a JSON object of profiles ({"name": {"appKey": "...", ...}}); it is not valid JSON.`, where);
  }
}

function unwrapSecret(value: unknown): { value: unknown; secret: boolean } {
  if (value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) {
    return { value: unwrapSecret((value as Record<string, unknown>).value).value, secret: true };
  }
  return { value, secret: false };
}

function parseProfileMap(
  input: unknown,
  where: string,
  spec: ProfileSpec,
  keyName: (profile: string, key: string) => string,
): Map<string, Record<string, string>> {
  const map = unwrapSecret(input).value;
  if (!map || typeof map !== "object" || Array.isArray(map)) {
    throw new ConfigError(`${where} must be a map of profile name to settings (pulumi config set --path '${spec.namespace}:profiles.<name>.<key>' ...).`, where);
  }
  const out = new Map<string, Record<string, string>>();
  for (const [name, body] of Object.entries(map)) {
    const problem = name === DEFAULT_PROFILE ? `is reserved for the top-level ${spec.namespace}: keys` : profileNameProblem(name);
    if (problem) throw new ConfigError(`${where}: the profile name ${JSON.stringify(name.slice(0, MAX_PROFILE_NAME_LENGTH))} ${problem}.`, where);
    const profile = unwrapSecret(body).value;
    if (!profile || typeof profile !== "object" || Array.isArray(profile)) {
      throw new ConfigError(`${where}.${name} must be a map of settings (${spec.keys.join(", ")}).`, `${where}.${name}`);
    }
    const values: Record<string, string> = {};
    for (const [key, raw] of Object.entries(profile)) {
      const { value, secret } = unwrapSecret(raw);
      if (typeof value === "string" && (secret || spec.secrets.includes(key))) registerSecret(value);
      if (!spec.keys.includes(key)) {
        throw new ConfigError(`${keyName(name, key.slice(0, 64))} is not a setting of a ${spec.namespace} profile; use one of ${spec.keys.join(", ")}.`, keyName(name, key));
      }
      if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
        // `pulumi config set --path` stores an all-digit value as a number; past 2^53 it arrives rounded
        // (a 19-digit helpdesk id ends in 000), so the id the user set is already lost.
        throw new ConfigError(
          `${keyName(name, key)} arrived as a number too large to be exact (${value}); set it as text: ` +
            `pulumi config set --path --type string '${keyName(name, key).split(" ")[0]}' <value>.`,
          keyName(name, key),
        );
      }
      if (typeof value === "number" || typeof value === "boolean") values[key] = String(value);
      else if (typeof value === "string") values[key] = value;
      else throw new ConfigError(`${keyName(name, key)} must be a string.`, keyName(name, key));
    }
    out.set(name, values);
  }
  return out;
}
