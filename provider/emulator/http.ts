/**
 * Small node:http helpers: read a bounded body, parse JSON, write JSON.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Largest request body read; larger bodies are answered as malformed. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole body as UTF-8, or `undefined` when it exceeds `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString("utf8");
}

/** The outcome of parsing a JSON body. */
export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** Parses JSON without throwing; an empty body is not JSON. */
export function parseJson(text: string | undefined): JsonParse {
  if (text === undefined || text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Whether a parsed JSON value is a plain object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first value of a request header, or `undefined`. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Writes a JSON answer unless the socket is already gone. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  writeText(res, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

/** Writes a text answer of the given content type unless the socket is already gone. */
export function writeText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Readonly<Record<string, string | readonly string[]>> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const extra = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === "string" ? v : [...v]]));
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text), ...extra });
  res.end(text);
}
