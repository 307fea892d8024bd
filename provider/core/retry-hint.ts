/**
 * Reads a server's wait hint from response headers, in milliseconds: Feishu's
 * `x-ogw-ratelimit-reset` (seconds until the window resets) or a standard `Retry-After`
 * (seconds or an HTTP date). The larger wins when both are present; `undefined` when neither parses.
 * The value is what the server asked for, unbounded: the retry policy clamps it
 * (see `MAX_SERVER_WAIT_MS`), and messages can still say what was asked.
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

// The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, RFC 850 and asctime. Anything else
// (duplicated headers joined as "1, 2", which Date.parse reads as a day in 2001) is no date.
const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

function retryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const seconds = secondsHeader(value);
  if (seconds !== undefined) return seconds;
  const text = value.trim();
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  const date = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
