import { createHash } from "node:crypto";
import { registerSecret } from "./redact";
import type { IssuedToken, TokenCache } from "./token-cache";

/** Where an authenticated call gets its access token. */
export interface TokenSource {
  /** False for a token configured as is: there is nothing to refresh when it is rejected. */
  readonly refreshable: boolean;
  /** Settings the user should fix when the token is refused, e.g. `["dingtalk:accessToken"]`. */
  readonly keys: readonly string[];
  /**
   * Returns a token (cached where possible).
   * @param deadline the caller's retry-budget end: it never waits for another caller's fetch past it.
   */
  get(deadline?: number): Promise<string>;
  /** Drops `token` if it is still the current one, so the next {@link TokenSource.get} fetches anew. */
  invalidate(token: string): void;
}

/**
 * A cache key for a set of credentials: the non-secret identity parts in clear, plus a short
 * SHA-256 fingerprint of the secret parts (never the secrets themselves).
 */
export function credentialKey(identity: readonly string[], secrets: readonly string[]): string {
  const hash = createHash("sha256");
  for (const secret of secrets) hash.update(secret).update("\0");
  return [...identity, hash.digest("hex").slice(0, 16)].join("|");
}

/** A token configured by the user; registered for redaction; cannot be refreshed. */
export function staticTokenSource(token: string, key: string): TokenSource {
  registerSecret(token);
  return {
    refreshable: false,
    keys: [key],
    get: () => Promise.resolve(token),
    invalidate: () => {},
  };
}

/** Tokens fetched with `fetch` and shared through `cache` under `cacheKey`. */
export function cachedTokenSource(
  cache: TokenCache,
  cacheKey: string,
  fetch: () => Promise<IssuedToken>,
  keys: readonly string[],
): TokenSource {
  return {
    refreshable: true,
    keys,
    get: (deadline) => cache.get(cacheKey, fetch, deadline),
    invalidate: (token) => void cache.invalidate(cacheKey, token),
  };
}
