import { redact } from "./redact";
import type { TransportResponse } from "./transport";

const MAX_SNIPPET = 200;

/**
 * The body of an answer that is not the expected JSON, redacted, then shortened to one line
 * for a message. Redaction comes first: a secret echoed across the cut would otherwise keep its
 * first characters, no longer matching the whole registered value.
 */
export function bodySnippet(text: string): string {
  const line = redact(text).replace(/\s+/g, " ").trim();
  return line.length > MAX_SNIPPET ? `${line.slice(0, MAX_SNIPPET)}…` : line;
}

/** True when the answer is an HTML page rather than the vendor's JSON. */
export function isHtml(response: TransportResponse): boolean {
  return (response.headers["content-type"] ?? "").includes("text/html") || /^\s*<(!doctype|html|head|body)/i.test(response.text);
}

/** The `location` of a 3xx answer, which is never followed. */
export function redirectLocation(response: TransportResponse): string | undefined {
  return response.status >= 300 && response.status < 400 ? (response.headers["location"] ?? "") : undefined;
}

/** A readable object view of a JSON body (`{}` when it is not an object). */
export function jsonObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The first of `values` that is a non-empty string or a finite number, as a string. */
export function firstText(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return undefined;
}
