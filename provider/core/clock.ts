/** Sleeps for `ms` milliseconds. Injected so tests can record delays instead of waiting. */
export type Sleep = (ms: number) => Promise<void>;

/** Returns the current time in milliseconds. */
export type Now = () => number;

/** Returns a number in [0, 1). */
export type Random = () => number;

/** The real {@link Sleep}, on `setTimeout`. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
