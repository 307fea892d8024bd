import { AsyncLocalStorage } from "node:async_hooks";
import type { Now, Random, Sleep } from "./clock";
import {
  AuthError,
  copyError,
  RateLimitError,
  VendorApiError,
  vendorDisplayName,
  type ErrorContext,
  type Vendor,
  type VendorFailure,
} from "./errors";
import { LimiterDeadlineError, type RateLimiter } from "./limiter";
import type { Logger } from "./logger";
import type { NormalizedClientOptions } from "./options";
import { formatRetryEvent, withRetry, type GiveUp, type RetryEvent } from "./retry";
import { parseRetryHint } from "./retry-hint";
import { classifyFailure, isTokenRejected, MAX_SERVER_WAIT_MS, MIN_THROTTLE_WAIT_MS, type RetryDecision } from "./retry-policy";
import { TokenWaitError } from "./token-cache";
import type { TokenSource } from "./token-source";
import type { Transport, TransportRequest, TransportResponse } from "./transport";

// Tokens live for hours and are shared by every call of a client: a handful covers a run.
const MAX_ACCEPTED_TOKENS = 8;

// Token refreshes of one call are bounded by its time budget; this only stops a vendor that
// rejects every token at once (no time passes) from looping. 12 calls sharing one-use tokens need 12.
const MAX_TOKEN_REFRESHES_PER_CALL = 50;

/**
 * The end of the retry budget of the call in progress. Requests made for it, the token fetch
 * included (it runs inside the call), never wait in the limiter past this.
 */
const callDeadline = new AsyncLocalStorage<number>();

/** `45 s`, `1.5 s`. */
function seconds(ms: number): string {
  return `${Math.round(Math.max(0, ms) / 100) / 10} s`;
}

/** A vendor answer read as data: the value, or the fields of a refusal. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: VendorFailure };

/** One unauthenticated request/response exchange (e.g. a token fetch). */
export interface ExchangeSpec<T> {
  /** e.g. `subscribe`, `get access token`. */
  operation: string;
  /** e.g. `ORG:ding123`, `app:dingabc`. */
  target: string;
  /** Rate-limit bucket, e.g. `dingtalk:app:dingabc:subscribe`. */
  limiterKey: string;
  request: Omit<TransportRequest, "context">;
  parse(response: TransportResponse): Outcome<T>;
}

/** An authenticated call: the request is built per token so a refreshed token can be used. */
export interface CallSpec<T> extends Omit<ExchangeSpec<T>, "request"> {
  tokens: TokenSource;
  request(token: string): Omit<TransportRequest, "context">;
}

/** What a {@link VendorCaller} is built from. */
export interface VendorCallerDeps {
  vendor: Vendor;
  transport: Transport;
  limiter: RateLimiter;
  options: NormalizedClientOptions;
  /** What to tell the user about a refusal, when known. */
  hint(failure: VendorFailure, operation: string): string | undefined;
  logger: Logger;
  /** Replaces the default of logging one line per retry. */
  onRetry?: (event: RetryEvent) => void;
  sleep: Sleep;
  now: Now;
  random: Random;
}

/**
 * The request pipeline shared by both vendor clients:
 * token → limiter → send → interpret → classify → retry; a throttled answer also slows the
 * limiter's key down, and a rejected token is refetched (see {@link VendorCaller.call}).
 */
export class VendorCaller {
  /** Tokens the vendor accepted at least once (the latest few), to tell expiry from bad credentials. */
  private readonly accepted = new Set<string>();

  constructor(private readonly deps: VendorCallerDeps) {}

  /**
   * One rate-limited round trip. Resolves to the parsed value or throws a {@link VendorApiError};
   * a {@link RateLimitError} when the limiter would hold it past the call's retry budget.
   * Inside {@link VendorCaller.call} (a token fetch included) the budget is that call's.
   */
  async exchange<T>(spec: ExchangeSpec<T>): Promise<T> {
    const { limiter, options, now } = this.deps;
    const context = this.context(spec);
    const deadline = callDeadline.getStore() ?? now() + options.maxRetryElapsedMs;
    let startedAt: number;
    try {
      startedAt = await limiter.acquire(spec.limiterKey, options.maxQps, deadline);
    } catch (error) {
      if (error instanceof LimiterDeadlineError) throw this.heldBack(context, error, deadline);
      throw error;
    }
    const response = await this.deps.transport.send({ ...spec.request, context });
    this.deps.logger.debug(describeExchange(context, spec.request, response, now() - startedAt));
    const outcome = spec.parse(response);
    if (outcome.ok) return outcome.value;
    const failure: VendorFailure = {
      ...outcome.failure,
      retryAfterMs: outcome.failure.retryAfterMs ?? parseRetryHint(response.headers, now()),
    };
    const unhinted = new VendorApiError(context, failure);
    const decision = classifyFailure(unhinted);
    if (decision.retry && decision.kind === "throttle") {
      // The vendor's limit can be lower than maxQps: let the limiter slow the whole key down,
      // or every throttled caller comes back at once after the wait and is throttled again.
      const limit = Number(response.headers["x-ogw-ratelimit-limit"]);
      limiter.throttled(spec.limiterKey, decision.delayMs ?? MIN_THROTTLE_WAIT_MS, startedAt, limit > 0 ? limit : undefined);
      // What to advise depends on how the retries end (see giveUp): no hint yet.
      throw unhinted;
    }
    throw new VendorApiError(context, failure, this.deps.hint(failure, spec.operation));
  }

  /**
   * {@link VendorCaller.exchange} for a token endpoint: refusals not worth retrying become an
   * {@link AuthError} naming `keys`; retryable ones stay {@link VendorApiError} for the retry loop.
   */
  async exchangeForToken<T>(spec: ExchangeSpec<T>, keys: readonly string[]): Promise<T> {
    try {
      return await this.exchange(spec);
    } catch (error) {
      if (VendorApiError.isInstance(error) && !classifyFailure(error).retry) {
        throw AuthError.fromVendor(this.context(spec), error, error.hint, keys);
      }
      throw error;
    }
  }

  /**
   * An authenticated call with retries, within `maxRetryElapsedMs` from its start: no wait (retry,
   * limiter, token fetch) goes past that. A rejected token is dropped and refetched, as a retry
   * with backoff that does not use up `maxAttempts`: a token the vendor accepted before has
   * expired (tokens valid for one use, shared by many calls, need one round per call). A token
   * never accepted is refetched once, or twice once these credentials have worked (another call's
   * success may not be seen yet); after that a freshly issued token rejected too means bad credentials.
   */
  async call<T>(spec: CallSpec<T>): Promise<T> {
    const { logger, onRetry, options, sleep, now, random } = this.deps;
    let freshRejections = 0;
    let tokenRetries = 0;
    const refetched = new WeakSet<object>();
    const deadline = now() + options.maxRetryElapsedMs;
    const attempt = async (): Promise<T> => {
      const token = await this.token(spec, deadline);
      try {
        const value = await this.exchange({ ...spec, request: spec.request(token) });
        this.markAccepted(token);
        return value;
      } catch (error) {
        if (!isTokenRejected(error)) throw error;
        if (!spec.tokens.refreshable) throw this.tokenRefused(spec, error, "configured");
        if (!this.accepted.has(token) && ++freshRejections > (this.accepted.size > 0 ? 2 : 1)) {
          throw this.tokenRefused(spec, error, "fresh");
        }
        spec.tokens.invalidate(token);
        refetched.add(error);
        throw error;
      }
    };
    const classify = (error: unknown): RetryDecision => {
      if (typeof error !== "object" || error === null || !refetched.has(error)) return classifyFailure(error);
      // The first refetch goes at once (a token expired after hours); later ones back off.
      return ++tokenRetries === 1 ? { retry: true, kind: "token", free: true, delayMs: 0 } : { retry: true, kind: "token", free: true };
    };
    return callDeadline.run(deadline, () =>
      withRetry(this.label(spec), attempt, classify, {
        target: spec.target,
        maxAttempts: options.maxAttempts,
        maxElapsedMs: options.maxRetryElapsedMs,
        maxFreeRetries: MAX_TOKEN_REFRESHES_PER_CALL,
        sleep,
        now,
        random,
        onRetry: onRetry ?? ((event) => logger.info(formatRetryEvent(event))),
        onGiveUp: (error, giveUp) => this.giveUp(spec, error, giveUp),
      }),
    );
  }

  /** The error a call ends with when its retries run out: it says what happened and what to change. */
  private giveUp(spec: CallSpec<unknown>, error: unknown, giveUp: GiveUp): unknown {
    if (!VendorApiError.isInstance(error)) return error;
    const { vendor, options } = this.deps;
    const name = vendorDisplayName(vendor);
    if (giveUp.decision.kind === "token") {
      const keys = spec.tokens.keys.join(", ");
      const hint =
        `${name} kept rejecting the tokens issued for ${keys} (${giveUp.freeRetries + 1} fetched for this call), as if each expired at once; ` +
        `something else may be revoking them (for example another process fetching tokens for the same app). If it persists, check ${keys}.`;
      return AuthError.fromVendor(this.context(spec), error, hint, spec.tokens.keys);
    }
    const advice: string[] = [];
    if (giveUp.decision.kind === "throttle") {
      const kept = this.deps.hint(error, spec.operation);
      if (giveUp.attempts > 1 && kept) advice.push(kept);
      if (giveUp.attempts === 1 && giveUp.reason === "attempts") {
        advice.push(`${name} throttled the call and ${vendor}:maxAttempts is 1, so it was not retried; raise ${vendor}:maxAttempts or lower ${vendor}:maxQps.`);
      }
    }
    if (giveUp.reason === "budget") {
      const asked = error.retryAfterMs ?? (giveUp.decision.kind === "throttle" ? giveUp.delayMs : undefined);
      advice.push(
        asked !== undefined
          ? `${name} asked to wait ${seconds(asked)} before the next attempt${asked > MAX_SERVER_WAIT_MS ? ` (waits are capped at ${seconds(MAX_SERVER_WAIT_MS)})` : ""}, ` +
              `more than the ${seconds(giveUp.remainingMs)} left of ${vendor}:maxRetryElapsedMs (${options.maxRetryElapsedMs} ms). ` +
              `Raise ${vendor}:maxRetryElapsedMs, or run again later.`
          : `The retry budget ${vendor}:maxRetryElapsedMs (${options.maxRetryElapsedMs} ms) is used up; raise it to keep retrying longer.`,
      );
    }
    const text = advice.join(" ");
    return text ? copyError(error, { message: `${error.message} ${text}`, hint: text }) : error;
  }

  /** A token for the call; waiting for another call's fetch never goes past `deadline`. */
  private async token(spec: CallSpec<unknown>, deadline: number): Promise<string> {
    try {
      return await spec.tokens.get(deadline);
    } catch (error) {
      if (!(error instanceof TokenWaitError)) throw error;
      const { vendor, options } = this.deps;
      const reason =
        `the access token another call is fetching did not come within the ${seconds(error.availableMs)} left of ` +
        `${vendor}:maxRetryElapsedMs (${options.maxRetryElapsedMs} ms). Raise ${vendor}:maxRetryElapsedMs, or run again later.`;
      throw new RateLimitError({ ...this.context(spec), waitMs: error.availableMs, reason });
    }
  }

  /** The call was not sent: the limiter would have held it past the call's budget. */
  private heldBack(context: ErrorContext, error: LimiterDeadlineError, deadline: number): RateLimitError {
    const { vendor, options, now } = this.deps;
    const left = `the ${seconds(deadline - now())} left of ${vendor}:maxRetryElapsedMs (${options.maxRetryElapsedMs} ms)`;
    const reason =
      error.pausedMs > 0
        ? `${vendorDisplayName(vendor)} throttled an earlier call to this API and asked to wait; the next start is ${seconds(error.waitMs)} away ` +
          `(waits are capped at ${seconds(MAX_SERVER_WAIT_MS)}), more than ${left}. Raise ${vendor}:maxRetryElapsedMs, or run again later.`
        : `the client-side limit ${vendor}:maxQps (${options.maxQps} per second) would hold it ${seconds(error.waitMs)}, more than ${left}. ` +
          `Raise ${vendor}:maxQps or ${vendor}:maxRetryElapsedMs, or run fewer operations in parallel.`;
    return new RateLimitError({ ...context, waitMs: error.waitMs, reason });
  }

  private markAccepted(token: string): void {
    if (this.accepted.has(token)) return;
    this.accepted.add(token);
    if (this.accepted.size > MAX_ACCEPTED_TOKENS) this.accepted.delete(this.accepted.values().next().value!);
  }

  private tokenRefused(spec: CallSpec<unknown>, error: VendorApiError, why: "configured" | "fresh"): AuthError {
    const keys = spec.tokens.keys.join(", ");
    const hint =
      why === "configured"
        ? `The configured token was rejected (it cannot be refreshed); set a new ${keys}.`
        : `A freshly issued token was rejected too; check ${keys}.`;
    return AuthError.fromVendor(this.context(spec), error, hint, spec.tokens.keys);
  }

  private context(spec: { operation: string; target: string }): ErrorContext {
    return { vendor: this.deps.vendor, operation: spec.operation, target: spec.target };
  }

  private label(spec: { operation: string }): string {
    return `${vendorDisplayName(this.deps.vendor)} ${spec.operation}`;
  }
}

/**
 * The debug line of one round trip (`PULUMI_DINGTALK_FEISHU_DEBUG=1`): what was called, where
 * (host and path, never the query), the status, the time it took and the vendor's request id.
 */
function describeExchange(context: ErrorContext, request: Omit<TransportRequest, "context">, response: TransportResponse, ms: number): string {
  const id = response.headers["x-acs-request-id"] ?? response.headers["x-tt-logid"];
  return (
    `${vendorDisplayName(context.vendor)} ${context.operation} ${context.target}: ${request.method} ${request.url.host}${request.url.pathname} ` +
    `answered ${response.status} in ${Math.round(ms)} ms${id ? ` (request id ${id})` : ""}`
  );
}
