import type { Now, Random, Sleep } from "./clock";
import { AuthError, VendorApiError, vendorDisplayName, type ErrorContext, type Vendor, type VendorFailure } from "./errors";
import type { RateLimiter } from "./limiter";
import type { Logger } from "./logger";
import type { NormalizedClientOptions } from "./options";
import { formatRetryEvent, withRetry, type RetryEvent } from "./retry";
import { parseRetryHint } from "./retry-hint";
import { classifyFailure, DINGTALK_THROTTLE_DELAY_MS, isTokenRejected } from "./retry-policy";
import type { TokenSource } from "./token-source";
import type { Transport, TransportRequest, TransportResponse } from "./transport";

// Tokens live for hours and are shared by every call of a client: a handful covers a run.
const MAX_ACCEPTED_TOKENS = 8;

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

  /** One rate-limited round trip. Resolves to the parsed value or throws a {@link VendorApiError}. */
  async exchange<T>(spec: ExchangeSpec<T>): Promise<T> {
    const context = this.context(spec);
    const startedAt = await this.deps.limiter.acquire(spec.limiterKey, this.deps.options.maxQps);
    const response = await this.deps.transport.send({ ...spec.request, context });
    const outcome = spec.parse(response);
    if (outcome.ok) return outcome.value;
    const failure: VendorFailure = {
      ...outcome.failure,
      retryAfterMs: outcome.failure.retryAfterMs ?? parseRetryHint(response.headers, this.deps.now()),
    };
    const error = new VendorApiError(context, failure, this.deps.hint(failure, spec.operation));
    // The vendor's limit can be lower than maxQps: let the limiter slow the whole key down,
    // or every throttled caller comes back at once after the wait and is throttled again.
    const decision = classifyFailure(error);
    if (decision.retry && decision.kind === "throttle") {
      const limit = Number(response.headers["x-ogw-ratelimit-limit"]);
      this.deps.limiter.throttled(spec.limiterKey, decision.delayMs ?? DINGTALK_THROTTLE_DELAY_MS, startedAt, limit > 0 ? limit : undefined);
    }
    throw error;
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
   * An authenticated call with retries. A rejected token is dropped and refetched: once per call
   * for a token the vendor never accepted (bad credentials look like that), and again whenever
   * the rejected token had worked before (it expired; with many calls in flight the one fetched
   * for this call can expire before this call gets to use it).
   */
  async call<T>(spec: CallSpec<T>): Promise<T> {
    const { logger, onRetry, options, sleep, now, random } = this.deps;
    let refreshed = false;
    let refreshes = 0;
    const attempt = async (): Promise<T> => {
      for (;;) {
        const token = await spec.tokens.get();
        try {
          const value = await this.exchange({ ...spec, request: spec.request(token) });
          this.markAccepted(token);
          return value;
        } catch (error) {
          if (!isTokenRejected(error)) throw error;
          const expired = this.accepted.has(token);
          if (!spec.tokens.refreshable || (refreshed && !expired) || refreshes >= options.maxAttempts) {
            throw this.tokenRefused(spec, error, refreshed);
          }
          if (!expired) refreshed = true;
          refreshes++;
          spec.tokens.invalidate(token);
          logger.debug(`${this.label(spec)} ${spec.target}: token rejected (${error.httpStatus} ${error.vendorCode ?? ""}); fetching a new one`);
        }
      }
    };
    return withRetry(this.label(spec), attempt, classifyFailure, {
      target: spec.target,
      maxAttempts: options.maxAttempts,
      maxElapsedMs: options.maxRetryElapsedMs,
      sleep,
      now,
      random,
      onRetry: onRetry ?? ((event) => logger.info(formatRetryEvent(event))),
    });
  }

  private markAccepted(token: string): void {
    if (this.accepted.has(token)) return;
    this.accepted.add(token);
    if (this.accepted.size > MAX_ACCEPTED_TOKENS) this.accepted.delete(this.accepted.values().next().value!);
  }

  private tokenRefused(spec: CallSpec<unknown>, error: VendorApiError, afterRefresh: boolean): AuthError {
    const keys = spec.tokens.keys.join(", ");
    const hint = afterRefresh
      ? `A freshly issued token was rejected too; check ${keys}.`
      : `The configured token was rejected; set a new ${keys}.`;
    return AuthError.fromVendor(this.context(spec), error, hint, spec.tokens.keys);
  }

  private context(spec: { operation: string; target: string }): ErrorContext {
    return { vendor: this.deps.vendor, operation: spec.operation, target: spec.target };
  }

  private label(spec: { operation: string }): string {
    return `${vendorDisplayName(this.deps.vendor)} ${spec.operation}`;
  }
}
