import { MAX_TIMER_MS } from "./clock";
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

interface Pending {
  promise: Promise<string>;
  /** The deadline of the caller whose fetch this is; its limiter wait is bounded by it. */
  deadline: number;
}

/**
 * A caller joining a token fetch already in flight would wait past its own deadline (the fetch
 * belongs to a caller with more time). Nothing was cancelled: the fetch goes on for the others.
 */
export class TokenWaitError extends Error {
  /** How long the caller could still wait, in milliseconds. */
  readonly availableMs: number;

  constructor(availableMs: number) {
    super(`the token fetch in flight did not finish within the ${availableMs} ms the caller had left`);
    this.name = "TokenWaitError";
    this.availableMs = availableMs;
  }
}

/**
 * One token per credential key. Tokens are dropped early, and concurrent callers for the same
 * key share one in-flight fetch. Every token cached is registered for redaction.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Pending>();
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
   * @param deadline the caller's deadline (clock of `now`): joining a fetch started by a caller
   *   with a later deadline, it waits only until its own, then gets a {@link TokenWaitError}.
   */
  async get(key: string, fetch: () => Promise<IssuedToken>, deadline = Number.POSITIVE_INFINITY): Promise<string> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.refreshAt) {
      this.counters.hits++;
      return entry.token;
    }
    const inFlight = this.pending.get(key);
    if (inFlight) {
      this.counters.coalesced++;
      return inFlight.deadline <= deadline ? inFlight.promise : this.within(inFlight.promise, deadline);
    }
    const promise = this.fetchAndStore(key, fetch);
    this.pending.set(key, { promise, deadline });
    try {
      return await promise;
    } finally {
      this.pending.delete(key);
    }
  }

  /** `promise`, or a {@link TokenWaitError} once `deadline` passes, whichever comes first. */
  private async within(promise: Promise<string>, deadline: number): Promise<string> {
    const availableMs = Math.max(0, deadline - this.now());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TokenWaitError(availableMs)), Math.min(availableMs, MAX_TIMER_MS));
      timer.unref?.();
    });
    try {
      return await Promise.race([promise, expiry]);
    } finally {
      clearTimeout(timer);
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
