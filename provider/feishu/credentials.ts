import { jsonObject } from "../core/answer";
import type { Outcome, VendorCaller } from "../core/call";
import { joinEndpoint } from "../core/endpoint";
import { registerSecret } from "../core/redact";
import { requireSetting } from "../core/settings";
import type { IssuedToken, TokenCache } from "../core/token-cache";
import { cachedTokenSource, credentialKey, staticTokenSource, type TokenSource } from "../core/token-source";
import type { TransportResponse } from "../core/transport";
import { readFeishuFailure } from "./errors";

/**
 * The config key each credential field came from, as errors name it (`feishu:profiles.hr.appSecret`).
 * Omitted: the top-level keys (`feishu:appId`, …).
 */
export type CredentialKeyNames = Readonly<Partial<Record<string, string>>>;

/** How the Feishu client obtains its tenant access token. */
export type FeishuCredentials = (
  /** A custom (self-built) app. */
  | { kind: "app"; appId: string; appSecret: string }
  /** A tenant access token obtained elsewhere; it cannot be refreshed. */
  | { kind: "token"; tenantAccessToken: string }
) & { keyNames?: CredentialKeyNames };

/** The helpdesk's id and token from the helpdesk admin console. The token carries the owner's power: a secret. */
export interface HelpdeskCredentials {
  helpdeskId: string;
  helpdeskToken: string;
  /** The config keys they came from, as errors name them; omitted: the top-level keys. */
  keyNames?: CredentialKeyNames;
}

/** The config key a credential field is named by in errors. */
export function feishuKey(credentials: { keyNames?: CredentialKeyNames }, field: string): string {
  return credentials.keyNames?.[field] ?? `feishu:${field}`;
}

// The vendor documents 7200 s; used when an answer omits or garbles expire.
const DEFAULT_EXPIRES_IN_S = 7200;

/** Checks every credential field, naming the `feishu:` key at fault, and registers the secret ones for redaction. */
export function validateFeishuCredentials(credentials: FeishuCredentials): FeishuCredentials {
  if (credentials.kind === "token") {
    return {
      kind: "token",
      keyNames: credentials.keyNames,
      tenantAccessToken: requireSetting(credentials.tenantAccessToken, feishuKey(credentials, "tenantAccessToken"), { secret: true }),
    };
  }
  return {
    kind: "app",
    keyNames: credentials.keyNames,
    appId: requireSetting(credentials.appId, feishuKey(credentials, "appId")),
    appSecret: requireSetting(credentials.appSecret, feishuKey(credentials, "appSecret"), { secret: true }),
  };
}

/**
 * Checks the helpdesk credentials and returns the `X-Lark-Helpdesk-Authorization` value,
 * base64 of `id:token`, registered for redaction.
 */
export function helpdeskAuthorization(helpdesk: HelpdeskCredentials): string {
  const id = requireSetting(helpdesk.helpdeskId, feishuKey(helpdesk, "helpdeskId"));
  const token = requireSetting(helpdesk.helpdeskToken, feishuKey(helpdesk, "helpdeskToken"), { secret: true });
  const value = Buffer.from(`${id}:${token}`, "utf8").toString("base64");
  registerSecret(value);
  return value;
}

/** A non-secret name for the credentials: `app:<appId>` or `token:<fingerprint>`. */
export function feishuIdentity(credentials: FeishuCredentials): string {
  return credentials.kind === "app"
    ? `app:${credentials.appId}`
    : `token:${credentialKey([], [credentials.tenantAccessToken])}`;
}

/** Reads `{code: 0, tenant_access_token, expire}` (top-level fields) from the token endpoint's answer. */
export function parseFeishuToken(response: TransportResponse): Outcome<IssuedToken> {
  const body = jsonObject(response.json);
  const token = body.tenant_access_token;
  if (response.status === 200 && body.code === 0 && typeof token === "string" && token !== "") {
    const expire = typeof body.expire === "number" && body.expire > 0 ? body.expire : DEFAULT_EXPIRES_IN_S;
    return { ok: true, value: { token, expiresInMs: expire * 1000 } };
  }
  return { ok: false, failure: readFeishuFailure(response) };
}

/**
 * The token source for `credentials`: a configured token as is, or tenant tokens from
 * `/open-apis/auth/v3/tenant_access_token/internal`, cached under the endpoint, app id and a
 * fingerprint of the secret.
 */
export function feishuTokenSource(init: {
  endpoint: URL;
  credentials: FeishuCredentials;
  cache: TokenCache;
  caller: VendorCaller;
}): TokenSource {
  const { endpoint, credentials, cache, caller } = init;
  if (credentials.kind === "token") return staticTokenSource(credentials.tenantAccessToken, feishuKey(credentials, "tenantAccessToken"));
  const identity = feishuIdentity(credentials);
  const keys = ["appId", "appSecret"].map((f) => feishuKey(credentials, f));
  const fetch = () =>
    caller.exchangeForToken(
      {
        operation: "get tenant access token",
        target: identity,
        limiterKey: `feishu:${identity}:tenant_access_token`,
        request: {
          method: "POST",
          url: joinEndpoint(endpoint, "/open-apis/auth/v3/tenant_access_token/internal"),
          headers: {},
          json: { app_id: credentials.appId, app_secret: credentials.appSecret },
        },
        parse: parseFeishuToken,
      },
      keys,
    );
  return cachedTokenSource(cache, credentialKey(["feishu", endpoint.href, identity], [credentials.appSecret]), fetch, keys);
}
