import { ConfigError } from "../core/errors";
import { parseEndpoint } from "../core/endpoint";
import type { ClientOptions } from "../core/options";
import { describeSetting, type SettingName, SettingsSource } from "../config/settings-source";
import { CLIENT_OPTION_KEYS } from "../config/client-options";
import { DEFAULT_PROFILE, profileSettingNames, readProfileClientOptions, type ProfileSpec } from "../config/profiles";
import { validateDingTalkCredentials, type DingTalkCredentials } from "./credentials";

/** DingTalk's default endpoint; `https://api.dingtalk.io` is the international one. */
export const DEFAULT_DINGTALK_ENDPOINT = "https://api.dingtalk.com";

/** Every DingTalk setting: its stack config key and environment variable. */
export const DINGTALK_SETTINGS = {
  /** Internal app: its AppKey (client id). */
  appKey: { config: "dingtalk:appKey", env: "DINGTALK_APP_KEY" },
  /** Internal app: its AppSecret (client secret); set it as a secret. */
  appSecret: { config: "dingtalk:appSecret", env: "DINGTALK_APP_SECRET" },
  /** Third-party enterprise app: its SuiteKey. */
  suiteKey: { config: "dingtalk:suiteKey", env: "DINGTALK_SUITE_KEY" },
  /** Third-party enterprise app: its SuiteSecret; set it as a secret. */
  suiteSecret: { config: "dingtalk:suiteSecret", env: "DINGTALK_SUITE_SECRET" },
  /** Third-party enterprise app: the latest suite ticket DingTalk pushed (about every 5 hours); a secret. */
  suiteTicket: { config: "dingtalk:suiteTicket", env: "DINGTALK_SUITE_TICKET" },
  /** Third-party enterprise app: the corpId of the organization that authorized it. */
  authCorpId: { config: "dingtalk:authCorpId", env: "DINGTALK_AUTH_CORP_ID" },
  /** An access token obtained elsewhere, used as is (no refresh); a secret. */
  accessToken: { config: "dingtalk:accessToken", env: "DINGTALK_ACCESS_TOKEN" },
  /** API endpoint: `https://api.dingtalk.com` (default) or `https://api.dingtalk.io` (international). */
  endpoint: { config: "dingtalk:endpoint", env: "DINGTALK_ENDPOINT" },
} as const satisfies Record<string, SettingName>;

/** `dingtalk:profiles` / `DINGTALK_PROFILES`: named sets of the same keys as the top level. */
export const DINGTALK_PROFILE_SPEC: ProfileSpec = {
  namespace: "dingtalk",
  envVar: "DINGTALK_PROFILES",
  keys: [...Object.keys(DINGTALK_SETTINGS), ...CLIENT_OPTION_KEYS],
  inherited: ["endpoint", ...CLIENT_OPTION_KEYS],
  secrets: ["appSecret", "suiteSecret", "suiteTicket", "accessToken"],
};

/** The non-secret identity of the app, stored in state: every later operation must act with it. */
export interface DingTalkAppIdentity {
  /** `app`, `suite` or `accessToken` (a token obtained elsewhere). */
  credentialKind: DingTalkCredentials["kind"] | "accessToken";
  appKey?: string;
  suiteKey?: string;
  authCorpId?: string;
}

/** A third-party app's credentials before an organization is chosen (a profile may serve many). */
export type DingTalkSuiteCredentials = Omit<Extract<DingTalkCredentials, { kind: "suite" }>, "authCorpId"> & { authCorpId?: string };

/** Everything the DingTalk provider needs for one profile, read once per provider process. */
export interface DingTalkSettings {
  /** The profile these settings were read from ({@link DEFAULT_PROFILE} for the top-level keys). */
  profile: string;
  /** The names of this profile's keys, as errors show them. */
  names: typeof DINGTALK_SETTINGS;
  endpoint: URL;
  /** For a third-party app, `authCorpId` may be left to each resource. */
  credentials: Exclude<DingTalkCredentials, { kind: "suite" }> | DingTalkSuiteCredentials;
  identity: DingTalkAppIdentity;
  options: Required<ClientOptions>;
}

/**
 * Reads and validates the DingTalk settings of one profile; throws a {@link ConfigError}
 * naming the keys to set. A third-party app's `authCorpId` is optional: a resource can name it.
 */
export function readDingTalkSettings(source: SettingsSource, profile: string = DEFAULT_PROFILE): DingTalkSettings {
  const S = profileSettingNames(DINGTALK_SETTINGS, DINGTALK_PROFILE_SPEC, profile);
  const get = (name: SettingName) => source.get(name.config, name.env);
  const keyNames = profile === DEFAULT_PROFILE ? undefined : Object.fromEntries(Object.entries(S).map(([field, name]) => [field, name.config]));
  const endpoint = parseEndpoint(get(S.endpoint) ?? DEFAULT_DINGTALK_ENDPOINT, S.endpoint.config);
  const options = readProfileClientOptions(source, "dingtalk", "DINGTALK", profile);

  const app = [S.appKey, S.appSecret].filter((n) => get(n) !== undefined);
  const suite = [S.suiteKey, S.suiteSecret, S.suiteTicket, S.authCorpId].filter((n) => get(n) !== undefined);
  const token = get(S.accessToken);
  const chosen = [app.length > 0 && "internal app", suite.length > 0 && "third-party app", token && "access token"].filter(Boolean);
  if (chosen.length > 1) {
    throw new ConfigError(
      `DingTalk credentials conflict: settings for ${chosen.join(" and ")} are all set. Set exactly one of: ` +
        `${keys([S.appKey, S.appSecret])}; or ${keys([S.suiteKey, S.suiteSecret, S.suiteTicket, S.authCorpId])}; or ${keys([S.accessToken])}.`,
    );
  }
  if (app.length > 0) {
    requireAll([S.appKey, S.appSecret], get, "an internal app");
    const credentials = validateDingTalkCredentials({ kind: "app", keyNames, appKey: get(S.appKey)!, appSecret: get(S.appSecret)! });
    return { profile, names: S, endpoint, options, credentials, identity: { credentialKind: "app", appKey: get(S.appKey)! } };
  }
  if (suite.length > 0) {
    requireAll([S.suiteKey, S.suiteSecret, S.suiteTicket], get, "a third-party enterprise app");
    const suiteKey = get(S.suiteKey)!;
    const authCorpId = get(S.authCorpId);
    // Checked now (at preview), naming the key; the organization may be left to each resource.
    validateDingTalkCredentials({ kind: "suite", keyNames, suiteKey, suiteSecret: get(S.suiteSecret)!, suiteTicket: get(S.suiteTicket)!, authCorpId: authCorpId ?? suiteKey });
    return {
      profile,
      names: S,
      endpoint,
      options,
      credentials: { kind: "suite", keyNames, suiteKey, suiteSecret: get(S.suiteSecret)!, suiteTicket: get(S.suiteTicket)!, authCorpId },
      identity: { credentialKind: "suite", suiteKey, authCorpId },
    };
  }
  if (token) {
    const credentials = validateDingTalkCredentials({ kind: "token", keyNames, accessToken: token });
    return { profile, names: S, endpoint, options, credentials, identity: { credentialKind: "accessToken" } };
  }
  throw new ConfigError(
    `DingTalk credentials are missing. Set ${keys([S.appKey, S.appSecret])} for an internal app (pulumi config set --secret ${profile === DEFAULT_PROFILE ? "" : "--path "}${S.appSecret.config} ...), ` +
      `or ${keys([S.suiteKey, S.suiteSecret, S.suiteTicket, S.authCorpId])} for a third-party enterprise app, or ${keys([S.accessToken])}.`,
  );
}

function requireAll(names: SettingName[], get: (n: SettingName) => string | undefined, what: string): void {
  const missing = names.filter((n) => get(n) === undefined);
  if (missing.length > 0) {
    throw new ConfigError(`DingTalk credentials for ${what} are incomplete: set ${keys(missing)}.`);
  }
}

function keys(names: SettingName[]): string {
  return names.map(describeSetting).join(", ");
}
