import { realSleep, type Now, type Random, type Sleep } from "./clock";
import { copyError, NetworkError, ProviderError, TimeoutError, VendorApiError, vendorDisplayName } from "./errors";
import type { RetryDecision, RetryKind } from "./retry-policy";

/** Reported before each retry. Carries no secret. */
export interface RetryEvent {
  /** e.g. `DingTalk subscribe`. */
  operation: string;
  /** e.g. `ORG:ding123`. */
  target: string;
  /** The attempt that just failed, from 1. */
  attempt: number;
  maxAttempts: number;
  /** Wait before the next attempt. */
  delayMs: number;
  kind: RetryKind;
  /** Short cause, e.g. `503 operationTimeout`. */
  reason: string;
}

/** Settings of {@link withRetry}. */
export interface RetryOptions {
  /** What is being acted on, for {@link RetryEvent.target}. */
  target: string;
  /** Attempts, the first one included. */
  maxAttempts: number;
  /** No retry starts once this much time would have passed since the first attempt; no wait goes past it. */
  maxElapsedMs: number;
  /** Most retries a call may make that the classifier calls `free` (not counted in `maxAttempts`). @default 50 */
  maxFreeRetries?: number;
  /** @default 250 */
  baseDelayMs?: number;
  /** Cap of the backoff (server hints are capped by the retry policy). @default 8000 */
  maxDelayMs?: number;
  sleep?: Sleep;
  now?: Now;
  random?: Random;
  onRetry?: (event: RetryEvent) => void;
  /**
   * Called when a retryable failure is given up on (attempts or time used up); returns the error
   * to throw instead, e.g. one whose message says what the server asked for and which setting to raise.
   */
  onGiveUp?: (error: unknown, giveUp: GiveUp) => unknown;
}

/** Why {@link withRetry} stopped retrying a retryable failure. */
export interface GiveUp {
  /** `attempts`: `maxAttempts` (or the free-retry cap) reached; `budget`: the next wait would pass `maxElapsedMs`. */
  reason: "attempts" | "budget";
  /** Attempts made, free retries not counted. */
  attempts: number;
  /** Free retries made. */
  freeRetries: number;
  /** The verdict on the last failure. */
  decision: Extract<RetryDecision, { retry: true }>;
  /** The wait the next attempt would have needed. */
  delayMs: number;
  /** What was left of `maxElapsedMs`. */
  remainingMs: number;
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempt-1))). */
export function backoffDelay(attempt: number, random: Random, baseDelayMs = 250, maxDelayMs = 8000): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A short, secret-free cause for logs: `503 operationTimeout`, `network error (ECONNRESET)`, `timeout (deadline)`.
 * When the failure belongs to another request than `operation` (the token fetch a subscribe
 * needed), that request is named first: `get access token: 500 systemError`.
 */
export function describeFailure(error: unknown, operation?: string): string {
  const cause = describeCause(error);
  if (operation !== undefined && (VendorApiError.isInstance(error) || NetworkError.isInstance(error) || TimeoutError.isInstance(error))) {
    if (`${vendorDisplayName(error.vendor)} ${error.operation}` !== operation) return `${error.operation}: ${cause}`;
  }
  return cause;
}

function describeCause(error: unknown): string {
  if (VendorApiError.isInstance(error)) return [String(error.httpStatus), error.vendorCode].filter(Boolean).join(" ");
  if (TimeoutError.isInstance(error)) return `timeout (${error.phase})`;
  if (NetworkError.isInstance(error)) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? `network error (${code})` : "network error";
  }
  return ProviderError.isInstance(error) ? error.code : "error";
}

/** The one log line written per retry. */
export function formatRetryEvent(event: RetryEvent): string {
  return (
    `${event.operation} ${event.target}: attempt ${event.attempt}/${event.maxAttempts} failed (${event.reason}); ` +
    `retrying in ${(event.delayMs / 1000).toFixed(1)} s`
  );
}

/**
 * Runs `fn` until it succeeds, `classify` says the failure is final, or the attempt or elapsed-time
 * budget runs out. Server-advised delays win over backoff; a wait that would pass the time budget
 * is never started. The error thrown is a copy for this caller (the original may be shared by
 * callers of one token fetch), carrying `attempts` and, when retries ran out, "Gave up after N attempts."
 * @param operation label such as `DingTalk subscribe`.
 */
export async function withRetry<T>(
  operation: string,
  fn: (attempt: number) => Promise<T>,
  classify: (error: unknown) => RetryDecision,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxFreeRetries = options.maxFreeRetries ?? 50;
  const startedAt = now();
  let attempt = 1;
  let freeRetries = 0;
  for (let tries = 1; ; tries++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry) throw forCaller(error, attempt, false);
      const delayMs = decision.delayMs ?? backoffDelay(tries, random, options.baseDelayMs, options.maxDelayMs);
      const remainingMs = options.maxElapsedMs - (now() - startedAt);
      const outOfAttempts = decision.free ? freeRetries >= maxFreeRetries : attempt >= options.maxAttempts;
      if (outOfAttempts || delayMs > remainingMs) {
        const giveUp: GiveUp = { reason: outOfAttempts ? "attempts" : "budget", attempts: attempt, freeRetries, decision, delayMs, remainingMs };
        throw forCaller(options.onGiveUp ? options.onGiveUp(error, giveUp) : error, attempt, true);
      }
      options.onRetry?.({
        operation,
        target: options.target,
        attempt,
        maxAttempts: options.maxAttempts,
        delayMs,
        kind: decision.kind,
        reason: describeFailure(error, operation),
      });
      if (decision.free) freeRetries++;
      else attempt++;
      if (delayMs > 0) await sleep(delayMs);
    }
  }
}

function forCaller(error: unknown, attempts: number, exhausted: boolean): unknown {
  if (attempts <= 1 || !ProviderError.isInstance(error)) return error;
  const message = exhausted ? `${error.message} Gave up after ${attempts} attempts.` : undefined;
  return copyError(error, { attempts, message });
}
