/**
 * Fixed 1-second windows per (vendor, app, API), the way both vendors count QPS.
 *
 * @module
 */

/** The outcome of asking the limiter to admit one call. */
export type ThrottleVerdict =
  | { readonly admitted: true }
  | { readonly admitted: false; readonly limit: number; readonly resetSeconds: number };

const WINDOW_MS = 1000;
// Keys come from callers (app ids), so past this many windows the finished ones are swept.
const SWEEP_AT = 10_000;

/** Counts admitted calls per key in 1-second windows that start at the key's first call. */
export class WindowThrottle {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** @param now Clock in milliseconds. */
  constructor(private readonly now: () => number) {}

  /** Admits the call, or says how long until the key's window resets. Rejected calls are not counted. */
  admit(key: string, limit: number): ThrottleVerdict {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= WINDOW_MS) {
      if (window === undefined && this.windows.size >= SWEEP_AT) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit) {
      const remainingMs = window.start + WINDOW_MS - now;
      return { admitted: false, limit, resetSeconds: Math.max(1, Math.ceil(remainingMs / 1000)) };
    }
    window.count += 1;
    return { admitted: true };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(key);
  }

  /** Forgets every window. */
  clear(): void {
    this.windows.clear();
  }
}
