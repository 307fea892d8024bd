import { ConfigError } from "../core/errors";
import { parseEndpoint } from "../core/endpoint";
import { normalizeClientOptions, type ClientOptions } from "../core/options";
import { describeSetting, type SettingName, SettingsSource } from "../config/settings-source";
import { readClientOptions } from "../config/client-options";
import type { FeishuCredentials, HelpdeskCredentials } from "./credentials";

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

/** Everything the Feishu provider needs, read once per provider process. */
export interface FeishuSettings {
  endpoint: URL;
  credentials: FeishuCredentials;
  helpdesk: HelpdeskCredentials;
  /** The app's id, or `tenantAccessToken` when a token obtained elsewhere is used. */
  appId: string;
  options: Required<ClientOptions>;
}

const S = FEISHU_SETTINGS;

/** Reads and validates the Feishu settings; throws a {@link ConfigError} naming the keys to set. */
export function readFeishuSettings(source: SettingsSource): FeishuSettings {
  const get = (name: SettingName) => source.get(name.config, name.env);
  const endpoint = parseEndpoint(get(S.endpoint) ?? DEFAULT_FEISHU_ENDPOINT, S.endpoint.config);
  const options = normalizeClientOptions(readClientOptions(source, "feishu", "FEISHU"));

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
        ` (pulumi config set --secret feishu:appSecret ...).`,
    );
  }
  if (missing.length > 0) throw new ConfigError(`Feishu settings are incomplete: set ${keys(missing)}.`);

  const helpdesk = { helpdeskId: get(S.helpdeskId)!, helpdeskToken: get(S.helpdeskToken)! };
  if (token) return { endpoint, options, helpdesk, credentials: { kind: "token", tenantAccessToken: token }, appId: "tenantAccessToken" };
  const appId = get(S.appId)!;
  return { endpoint, options, helpdesk, credentials: { kind: "app", appId, appSecret: get(S.appSecret)! }, appId };
}

function keys(names: SettingName[]): string {
  return names.map(describeSetting).join(", ");
}
