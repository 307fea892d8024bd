import { ConfigError } from "../core/errors";
import { parseEndpoint } from "../core/endpoint";
import type { ClientOptions } from "../core/options";
import { describeSetting, type SettingName, SettingsSource } from "../config/settings-source";
import { CLIENT_OPTION_KEYS } from "../config/client-options";
import { DEFAULT_PROFILE, profileSettingNames, readProfileClientOptions, type ProfileSpec } from "../config/profiles";
import { helpdeskAuthorization, validateFeishuCredentials, type FeishuCredentials, type HelpdeskCredentials } from "./credentials";

/** Feishu's default endpoint; Lark (international) is `https://open.larksuite.com`, same paths. */
export const DEFAULT_FEISHU_ENDPOINT = "https://open.feishu.cn";

/** Every Feishu setting: its stack config key and environment variable. */
export const FEISHU_SETTINGS = {
  /** Custom app: its App ID (`cli_…`). */
  appId: { config: "feishu:appId", env: "FEISHU_APP_ID" },
  /** Custom app: its App Secret; set it as a secret. */
  appSecret: { config: "feishu:appSecret", env: "FEISHU_APP_SECRET" },
  /** A tenant access token obtained elsewhere, used as is (no refresh); a secret. */
  tenantAccessToken: { config: "feishu:tenantAccessToken", env: "FEISHU_TENANT_ACCESS_TOKEN" },
  /** The helpdesk id, from the helpdesk admin console. */
  helpdeskId: { config: "feishu:helpdeskId", env: "FEISHU_HELPDESK_ID" },
  /** The helpdesk token, from the helpdesk admin console; it carries the helpdesk owner's power, so set it as a secret. */
  helpdeskToken: { config: "feishu:helpdeskToken", env: "FEISHU_HELPDESK_TOKEN" },
  /** API endpoint: `https://open.feishu.cn` (Feishu, default) or `https://open.larksuite.com` (Lark). */
  endpoint: { config: "feishu:endpoint", env: "FEISHU_ENDPOINT" },
} as const satisfies Record<string, SettingName>;

/** `feishu:profiles` / `FEISHU_PROFILES`: named sets of the same keys as the top level. */
export const FEISHU_PROFILE_SPEC: ProfileSpec = {
  namespace: "feishu",
  envVar: "FEISHU_PROFILES",
  keys: [...Object.keys(FEISHU_SETTINGS), ...CLIENT_OPTION_KEYS],
  inherited: ["endpoint", ...CLIENT_OPTION_KEYS],
  secrets: ["appSecret", "tenantAccessToken", "helpdeskToken"],
};

/** Everything the Feishu provider needs for one profile, read once per provider process. */
export interface FeishuSettings {
  /** The profile these settings were read from ({@link DEFAULT_PROFILE} for the top-level keys). */
  profile: string;
  /** The names of this profile's keys, as errors show them. */
  names: typeof FEISHU_SETTINGS;
  endpoint: URL;
  credentials: FeishuCredentials;
  helpdesk: HelpdeskCredentials;
  /** The app's id, or `tenantAccessToken` when a token obtained elsewhere is used. */
  appId: string;
  options: Required<ClientOptions>;
}

/** Reads and validates the Feishu settings of one profile; throws a {@link ConfigError} naming the keys to set. */
export function readFeishuSettings(source: SettingsSource, profile: string = DEFAULT_PROFILE): FeishuSettings {
  const S = profileSettingNames(FEISHU_SETTINGS, FEISHU_PROFILE_SPEC, profile);
  const get = (name: SettingName) => source.get(name.config, name.env);
  const keyNames = profile === DEFAULT_PROFILE ? undefined : Object.fromEntries(Object.entries(S).map(([field, name]) => [field, name.config]));
  const endpoint = parseEndpoint(get(S.endpoint) ?? DEFAULT_FEISHU_ENDPOINT, S.endpoint.config);
  const options = readProfileClientOptions(source, "feishu", "FEISHU", profile);

  const helpdeskMissing = [S.helpdeskId, S.helpdeskToken].filter((n) => get(n) === undefined);
  const appSet = [S.appId, S.appSecret].filter((n) => get(n) !== undefined);
  const token = get(S.tenantAccessToken);
  const missing: SettingName[] = [...helpdeskMissing];
  if (appSet.length > 0 && token) {
    throw new ConfigError(`Feishu credentials conflict: set either ${keys([S.appId, S.appSecret])} or ${keys([S.tenantAccessToken])}, not both.`);
  }
  if (appSet.length === 1) missing.push(...[S.appId, S.appSecret].filter((n) => get(n) === undefined));
  if (appSet.length === 0 && !token) {
    throw new ConfigError(
      `Feishu credentials are missing. Set ${keys([S.appId, S.appSecret])} (a custom app) or ${keys([S.tenantAccessToken])}` +
        (helpdeskMissing.length ? `, and ${keys(helpdeskMissing)}` : "") +
        ` (pulumi config set --secret ${profile === DEFAULT_PROFILE ? "" : "--path "}${S.appSecret.config} ...).`,
    );
  }
  if (missing.length > 0) throw new ConfigError(`Feishu settings are incomplete: set ${keys(missing)}.`);

  const helpdesk: HelpdeskCredentials = { helpdeskId: get(S.helpdeskId)!, helpdeskToken: get(S.helpdeskToken)!, keyNames };
  // Checked now (at preview), naming the key.
  helpdeskAuthorization(helpdesk);
  if (token) {
    const credentials = validateFeishuCredentials({ kind: "token", keyNames, tenantAccessToken: token });
    return { profile, names: S, endpoint, options, helpdesk, credentials, appId: "tenantAccessToken" };
  }
  const credentials = validateFeishuCredentials({ kind: "app", keyNames, appId: get(S.appId)!, appSecret: get(S.appSecret)! });
  return { profile, names: S, endpoint, options, helpdesk, credentials, appId: get(S.appId)! };
}

function keys(names: SettingName[]): string {
  return names.map(describeSetting).join(", ");
}
