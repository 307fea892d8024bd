import { registerSecret } from "./redact";

/** A token as issued by a vendor. */
export interface IssuedToken {
  token: string;
  /** Validity the vendor announced, in milliseconds from issue. */
  expiresInMs: number;
}

/** Counters of a {@link TokenCache}, for tests and benchmarks. */
export interface TokenCacheStats {
  /** Fetches started (one per cache miss, however many callers shared it). */
  fetches: number;
  /** Fetches that failed. */
  failures: number;
  /** Calls answered from a cached, still valid token. */
  hits: number;
  /** Calls that joined a fetch already in flight. */
  coalesced: number;
  /** Tokens dropped by {@link TokenCache.invalidate}. */
  invalidations: number;
}

/** Settings of {@link TokenCache}. */
export interface TokenCacheOptions {
  /** Treat a token as expired this long before the vendor's expiry. @default 300000 */
  earlyExpiryMs?: number;
  /** Clock, in milliseconds. @default Date.now */
  now?: () => number;
}

interface Entry {
  token: string;
  refreshAt: number;
}

/**
 * One token per credential key. Tokens are dropped early, and concurrent callers for the same
 * key share one in-flight fetch. Every token cached is registered for redaction.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly earlyExpiryMs: number;
  private readonly now: () => number;
  private readonly counters: TokenCacheStats = { fetches: 0, failures: 0, hits: 0, coalesced: 0, invalidations: 0 };

  constructor(options: TokenCacheOptions = {}) {
    this.earlyExpiryMs = options.earlyExpiryMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Returns the cached token for `key`, or fetches one with `fetch` (shared by concurrent callers).
   * @param key a non-secret identity of the credentials (see `credentialKey`).
   */
  async get(key: string, fetch: () => Promise<IssuedToken>): Promise<string> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.refreshAt) {
      this.counters.hits++;
      return entry.token;
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.counters.coalesced++;
      return inFlight;
    }
    const promise = this.fetchAndStore(key, fetch);
    this.pending.set(key, promise);
    try {
      return await promise;
    } finally {
      this.pending.delete(key);
    }
  }

  private async fetchAndStore(key: string, fetch: () => Promise<IssuedToken>): Promise<string> {
    this.counters.fetches++;
    const startedAt = this.now();
    let issued: IssuedToken;
    try {
      issued = await fetch();
    } catch (error) {
      this.counters.failures++;
      throw error;
    }
    registerSecret(issued.token, { fetched: true });
    // Short-lived tokens keep at least half their life usable.
    const margin = Math.min(this.earlyExpiryMs, issued.expiresInMs / 2);
    this.entries.set(key, { token: issued.token, refreshAt: startedAt + issued.expiresInMs - margin });
    return issued.token;
  }

  /** Drops the cached token for `key` only if it is still `token`. Returns whether it was dropped. */
  invalidate(key: string, token: string): boolean {
    const entry = this.entries.get(key);
    if (!entry || entry.token !== token) return false;
    this.entries.delete(key);
    this.counters.invalidations++;
    return true;
  }

  /** Forgets every token. */
  clear(): void {
    this.entries.clear();
  }

  /** A copy of the counters. */
  stats(): TokenCacheStats {
    return { ...this.counters };
  }
}

let shared: TokenCache | undefined;

/** The process-wide token cache used by clients that are not given one. */
export function sharedTokenCache(): TokenCache {
  shared ??= new TokenCache();
  return shared;
}
