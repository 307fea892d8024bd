import { realSleep, type Now, type Sleep } from "./clock";

/** Settings of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Clock, in milliseconds. @default Date.now */
  now?: Now;
  /** @default setTimeout-based sleep */
  sleep?: Sleep;
  /** Length of the window the rate is counted over, in milliseconds. @default 1000 */
  windowMs?: number;
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
 * Client-side sliding-window limiter: at most `maxQps` starts in any window, per key
 * (e.g. `dingtalk:<app>:subscribe`). Slots are reserved synchronously in call order, so waiting
 * callers are served first-in first-out.
 */
export class RateLimiter {
  private readonly grants = new Map<string, number[]>();
  private readonly now: Now;
  private readonly sleep: Sleep;
  private readonly windowMs: number;
  private readonly counters: RateLimiterStats = { acquired: 0, delayed: 0, totalDelayMs: 0 };

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.windowMs = options.windowMs ?? 1000;
  }

  /** Waits until a request under `key` may start without exceeding `maxQps` per window. */
  async acquire(key: string, maxQps: number): Promise<void> {
    const delay = this.reserve(key, maxQps);
    if (delay > 0) await this.sleep(delay);
  }

  /** Reserves the next free slot and returns how long to wait for it. */
  private reserve(key: string, maxQps: number): number {
    const now = this.now();
    // Rates under 1 become one start per 1/rate windows; larger rates are rounded down.
    const perWindow = Math.max(1, Math.floor(maxQps));
    const windowMs = maxQps < 1 ? this.windowMs / maxQps : this.windowMs;
    const starts = this.grants.get(key) ?? [];
    this.grants.set(key, starts);
    const last = starts.length > 0 ? starts[starts.length - 1]! : now;
    const at =
      starts.length >= perWindow
        ? Math.max(now, last, starts[starts.length - perWindow]! + windowMs)
        : Math.max(now, last);
    starts.push(at);
    if (starts.length > perWindow) starts.splice(0, starts.length - perWindow);
    this.counters.acquired++;
    const delay = at - now;
    if (delay > 0) {
      this.counters.delayed++;
      this.counters.totalDelayMs += delay;
    }
    return delay;
  }

  /** A copy of the counters. */
  stats(): RateLimiterStats {
    return { ...this.counters };
  }
}

let shared: RateLimiter | undefined;

/** The process-wide limiter used by clients that are not given one. */
export function sharedRateLimiter(): RateLimiter {
  shared ??= new RateLimiter();
  return shared;
}
