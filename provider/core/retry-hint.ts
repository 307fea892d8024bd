/**
 * Reads a server's wait hint from response headers, in milliseconds: Feishu's
 * `x-ogw-ratelimit-reset` (seconds until the window resets) or a standard `Retry-After`
 * (seconds or an HTTP date). The larger wins when both are present; `undefined` when neither parses.
 */
export function parseRetryHint(headers: Readonly<Record<string, string>>, nowMs: number): number | undefined {
  const hints = [secondsHeader(headers["x-ogw-ratelimit-reset"]), retryAfter(headers["retry-after"], nowMs)].filter(
    (value): value is number => value !== undefined,
  );
  return hints.length > 0 ? Math.max(...hints) : undefined;
}

function secondsHeader(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}

function retryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = secondsHeader(value);
  if (seconds !== undefined) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
