import { realSleep, type Now, type Sleep } from "./clock";
import { MAX_SERVER_WAIT_MS } from "./retry-policy";

/** Settings of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Clock, in milliseconds. @default Date.now */
  now?: Now;
  /** @default setTimeout-based sleep */
  sleep?: Sleep;
  /** Length of the window the rate is counted over, in milliseconds. @default 1000 */
  windowMs?: number;
  /**
   * Added to every window, in milliseconds. The vendor counts arrivals, which come later than
   * our starts and with jitter (timers firing late, a first call opening its connection), so a
   * window exactly as long as the vendor's lets one call too many into some of its windows.
   * @default 0
   */
  marginMs?: number;
}

/** Counters of a {@link RateLimiter}. */
export interface RateLimiterStats {
  /** Slots granted. */
  acquired: number;
  /** Slots that had to wait. */
  delayed: number;
  /** Sum of waits, in milliseconds. */
  totalDelayMs: number;
}

/**
 * {@link RateLimiter.acquire} would have to wait past the caller's deadline. Nothing was
 * reserved: the slot stays free for callers with more time.
 */
export class LimiterDeadlineError extends Error {
  /** How long the caller would have had to wait, in milliseconds. */
  readonly waitMs: number;
  /** How much of that is the key's pause after a vendor throttled it (0 when it is only the rate). */
  readonly pausedMs: number;

  constructor(key: string, waitMs: number, pausedMs: number) {
    super(`rate limiter: a start under ${key} is ${waitMs} ms away, past the caller's deadline`);
    this.name = "LimiterDeadlineError";
    this.waitMs = waitMs;
    this.pausedMs = pausedMs;
  }
}

/** The margin of the process-wide limiter: loopback and LAN jitter stay well under it. */
export const SHARED_LIMITER_MARGIN_MS = 30;

interface KeyState {
  /** Start times granted, the latest last; at most the full rate's worth. */
  starts: number[];
  /** No start before this (set when the vendor throttled). */
  pausedUntil: number;
  /** When the last throttle episode began; answers to calls started before it belong to it. */
  throttledAt: number;
  /** Bumped per throttle episode: callers waiting on an older reservation queue again. */
  epoch: number;
  /** Starts per window learned from the last throttle; grows back by one per window. */
  learned?: number;
  /** Starts per window used by the latest reservation. */
  lastPerWindow: number;
}

/**
 * Client-side sliding-window limiter: at most `maxQps` starts in any window, per key
 * (e.g. `dingtalk:<app>:subscribe`). Slots are reserved synchronously in call order, so waiting
 * callers are served first-in first-out.
 *
 * It also adapts to a vendor whose real limit is lower than `maxQps` (organizations differ):
 * on {@link RateLimiter.throttled} the key pauses for the vendor's wait, lowers its rate by a
 * quarter (or to the limit the vendor stated), then grows it back by one start per window.
 * Callers already waiting queue again behind the pause, so a throttled burst is not followed
 * by another one.
 */
export class RateLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly now: Now;
  private readonly sleep: Sleep;
  private readonly windowMs: number;
  private readonly marginMs: number;
  private readonly counters: RateLimiterStats = { acquired: 0, delayed: 0, totalDelayMs: 0 };

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.windowMs = options.windowMs ?? 1000;
    this.marginMs = options.marginMs ?? 0;
  }

  /**
   * Waits until a request under `key` may start without exceeding `maxQps` per window.
   * @param deadline the latest start the caller can use (its retry budget's end); a later slot
   *   is not reserved and {@link LimiterDeadlineError} is thrown at once instead of waiting.
   * @returns the time the request may start (pass it to {@link RateLimiter.throttled}).
   */
  async acquire(key: string, maxQps: number, deadline = Number.POSITIVE_INFINITY): Promise<number> {
    for (;;) {
      const { delay, epoch } = this.reserve(key, maxQps, deadline);
      if (delay > 0) await this.sleep(delay);
      // A throttle episode began while waiting: the reservation no longer holds.
      if (this.state(key).epoch === epoch) return this.now();
    }
  }

  /**
   * Tells the limiter the vendor throttled a request under `key` that started at `startedAt`:
   * pause the key for `waitMs` (at most {@link MAX_SERVER_WAIT_MS}) and lower its rate to `limit` per window when the vendor said
   * it (Feishu's `x-ogw-ratelimit-limit`), else by a quarter. Further throttled answers to
   * requests started before that belong to the same episode and change nothing.
   */
  throttled(key: string, waitMs: number, startedAt: number, limit?: number): void {
    const state = this.state(key);
    if (startedAt <= state.throttledAt) return;
    const now = this.now();
    state.throttledAt = now;
    const pause = Math.min(MAX_SERVER_WAIT_MS, Math.max(0, Number.isFinite(waitMs) ? waitMs : MAX_SERVER_WAIT_MS));
    state.pausedUntil = Math.max(state.pausedUntil, now + pause);
    const told = limit !== undefined && Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : undefined;
    // A quarter less, not half: at the vendor's documented rate a throttle is usually jitter, and
    // halving would cost several windows; a truly lower limit is still reached in a few episodes.
    state.learned = Math.max(1, told !== undefined ? Math.min(told, state.lastPerWindow) : Math.floor((state.lastPerWindow * 3) / 4));
    state.starts = [];
    state.epoch++;
  }

  /** Reserves the next free slot and returns how long to wait for it; throws if it comes after `deadline`. */
  private reserve(key: string, maxQps: number, deadline: number): { delay: number; epoch: number } {
    const now = this.now();
    const state = this.state(key);
    // Rates under 1 become one start per 1/rate windows; larger rates are rounded down.
    const full = Math.max(1, Math.floor(maxQps));
    const windowMs = (maxQps < 1 ? this.windowMs / maxQps : this.windowMs) + this.marginMs;
    const perWindow = this.perWindow(state, full, now);
    state.lastPerWindow = perWindow;
    const starts = state.starts;
    let at = Math.max(now, state.pausedUntil, starts.length > 0 ? starts[starts.length - 1]! : now);
    if (starts.length >= perWindow) at = Math.max(at, starts[starts.length - perWindow]! + windowMs);
    if (at > deadline) throw new LimiterDeadlineError(key, at - now, Math.max(0, state.pausedUntil - now));
    starts.push(at);
    if (starts.length > full) starts.splice(0, starts.length - full);
    this.counters.acquired++;
    const delay = at - now;
    if (delay > 0) {
      this.counters.delayed++;
      this.counters.totalDelayMs += delay;
    }
    return { delay, epoch: state.epoch };
  }

  /** The rate in force: the full one, or the learned one grown back by one per window since the pause. */
  private perWindow(state: KeyState, full: number, now: number): number {
    if (state.learned === undefined) return full;
    const grown = state.learned + Math.max(0, Math.floor((now - state.pausedUntil) / this.windowMs));
    if (grown < full) return grown;
    state.learned = undefined;
    return full;
  }

  private state(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { starts: [], pausedUntil: 0, throttledAt: Number.NEGATIVE_INFINITY, epoch: 0, lastPerWindow: 1 };
      this.keys.set(key, state);
    }
    return state;
  }

  /** A copy of the counters. */
  stats(): RateLimiterStats {
    return { ...this.counters };
  }
}

let shared: RateLimiter | undefined;

/** The process-wide limiter used by clients that are not given one. */
export function sharedRateLimiter(): RateLimiter {
  shared ??= new RateLimiter({ marginMs: SHARED_LIMITER_MARGIN_MS });
  return shared;
}
