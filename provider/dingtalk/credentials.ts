import { jsonObject } from "../core/answer";
import type { Outcome, VendorCaller } from "../core/call";
import { joinEndpoint } from "../core/endpoint";
import { requireSetting } from "../core/settings";
import type { IssuedToken, TokenCache } from "../core/token-cache";
import { cachedTokenSource, credentialKey, staticTokenSource, type TokenSource } from "../core/token-source";
import type { TransportResponse } from "../core/transport";
import { readDingTalkFailure } from "./errors";

/**
 * The config key each credential field came from, as errors name it (`dingtalk:profiles.isv.suiteTicket`).
 * Omitted: the top-level keys (`dingtalk:appKey`, …).
 */
export type CredentialKeyNames = Readonly<Partial<Record<string, string>>>;

/** How the DingTalk client authenticates. */
export type DingTalkCredentials = (
  /** An internal (enterprise self-built) app. */
  | { kind: "app"; appKey: string; appSecret: string }
  /** A third-party enterprise app acting for an authorizing organization. */
  | { kind: "suite"; suiteKey: string; suiteSecret: string; suiteTicket: string; authCorpId: string }
  /** An access token obtained elsewhere; it cannot be refreshed. */
  | { kind: "token"; accessToken: string }
) & { keyNames?: CredentialKeyNames };

/** The config key a credential field is named by in errors. */
export function dingTalkKey(credentials: { keyNames?: CredentialKeyNames }, field: string): string {
  return credentials.keyNames?.[field] ?? `dingtalk:${field}`;
}

// The vendor documents 7200 s; used when an answer omits or garbles expireIn.
const DEFAULT_EXPIRES_IN_S = 7200;

/**
 * Checks every credential field (non-empty, no control characters), naming the `dingtalk:` key
 * at fault, and registers the secret ones for redaction.
 */
export function validateDingTalkCredentials(credentials: DingTalkCredentials): DingTalkCredentials {
  const k = (field: string) => dingTalkKey(credentials, field);
  const keyNames = credentials.keyNames;
  switch (credentials.kind) {
    case "app":
      return {
        kind: "app",
        keyNames,
        appKey: requireSetting(credentials.appKey, k("appKey")),
        appSecret: requireSetting(credentials.appSecret, k("appSecret"), { secret: true }),
      };
    case "suite":
      return {
        kind: "suite",
        keyNames,
        suiteKey: requireSetting(credentials.suiteKey, k("suiteKey")),
        suiteSecret: requireSetting(credentials.suiteSecret, k("suiteSecret"), { secret: true }),
        suiteTicket: requireSetting(credentials.suiteTicket, k("suiteTicket"), { secret: true }),
        authCorpId: requireSetting(credentials.authCorpId, k("authCorpId")),
      };
    case "token":
      return { kind: "token", keyNames, accessToken: requireSetting(credentials.accessToken, k("accessToken"), { secret: true }) };
  }
}

/** A non-secret name for the credentials, for rate-limit keys and messages: `app:<appKey>`, `suite:<suiteKey>@<corpId>`, `token:<fingerprint>`. */
export function dingTalkIdentity(credentials: DingTalkCredentials): string {
  switch (credentials.kind) {
    case "app":
      return `app:${credentials.appKey}`;
    case "suite":
      return `suite:${credentials.suiteKey}@${credentials.authCorpId}`;
    case "token":
      return `token:${credentialKey([], [credentials.accessToken])}`;
  }
}

/** Reads `{accessToken, expireIn}` from a token endpoint answer. */
export function parseDingTalkToken(response: TransportResponse): Outcome<IssuedToken> {
  const body = jsonObject(response.json);
  if (response.status === 200 && typeof body.accessToken === "string" && body.accessToken !== "") {
    const expireIn = typeof body.expireIn === "number" && body.expireIn > 0 ? body.expireIn : DEFAULT_EXPIRES_IN_S;
    return { ok: true, value: { token: body.accessToken, expiresInMs: expireIn * 1000 } };
  }
  return { ok: false, failure: readDingTalkFailure(response) };
}

/**
 * The token source for `credentials`: a configured token as is, or tokens from
 * `/v1.0/oauth2/accessToken` (internal app) or `/v1.0/oauth2/corpAccessToken` (third-party app),
 * cached in `cache` under the endpoint, the identity and a fingerprint of the secret.
 */
export function dingTalkTokenSource(init: {
  endpoint: URL;
  credentials: DingTalkCredentials;
  cache: TokenCache;
  caller: VendorCaller;
}): TokenSource {
  const { endpoint, credentials, cache, caller } = init;
  if (credentials.kind === "token") return staticTokenSource(credentials.accessToken, dingTalkKey(credentials, "accessToken"));
  const identity = dingTalkIdentity(credentials);
  const exchange = (path: string, json: Record<string, string>, keys: readonly string[]) => () =>
    caller.exchangeForToken(
      {
        operation: "get access token",
        target: identity,
        limiterKey: `dingtalk:${identity}:accessToken`,
        request: { method: "POST", url: joinEndpoint(endpoint, path), headers: {}, json },
        parse: parseDingTalkToken,
      },
      keys,
    );
  if (credentials.kind === "app") {
    const keys = ["appKey", "appSecret"].map((f) => dingTalkKey(credentials, f));
    const cacheKey = credentialKey(["dingtalk", endpoint.href, identity], [credentials.appSecret]);
    const fetch = exchange("/v1.0/oauth2/accessToken", { appKey: credentials.appKey, appSecret: credentials.appSecret }, keys);
    return cachedTokenSource(cache, cacheKey, fetch, keys);
  }
  const keys = ["suiteKey", "suiteSecret", "suiteTicket", "authCorpId"].map((f) => dingTalkKey(credentials, f));
  // Every corpAccessToken call issues a new token, so the cache matters most here.
  const cacheKey = credentialKey(["dingtalk", endpoint.href, identity], [credentials.suiteSecret]);
  const fetch = exchange(
    "/v1.0/oauth2/corpAccessToken",
    {
      suiteKey: credentials.suiteKey,
      suiteSecret: credentials.suiteSecret,
      authCorpId: credentials.authCorpId,
      suiteTicket: credentials.suiteTicket,
    },
    keys,
  );
  return cachedTokenSource(cache, cacheKey, fetch, keys);
}
