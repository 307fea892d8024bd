/** Sleeps for `ms` milliseconds. Injected so tests can record delays instead of waiting. */
export type Sleep = (ms: number) => Promise<void>;

/** Returns the current time in milliseconds. */
export type Now = () => number;

/** Returns a number in [0, 1). */
export type Random = () => number;

/** The longest delay `setTimeout` honours (2^31 - 1 ms); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real {@link Sleep}, on `setTimeout`. Callers bound their waits by the retry budget; the
 * clamp only guards against a timer overflow turning a long wait into none.
 */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(0, ms), MAX_TIMER_MS)));
