/**
 * Feishu answer shapes: `{code,msg,error:{message,log_id}}` errors, `X-Tt-Logid` header.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Reply, VendorDialect } from "./reply";

/** One entry of `error.field_violations`. */
export interface FieldViolation {
  /** Path of the offending field, e.g. `events[0].subtype`. */
  readonly field: string;
  /** The offending value, when it can be shown. */
  readonly value?: string;
  /** What is wrong. */
  readonly description: string;
}

// Used when a 429 is injected without throttleQps; a typical Feishu per-app limit.
const DEFAULT_QPS = 50;

/** Wraps a Feishu body with a fresh log id header. */
export function feishuReply(status: number, code: number, body: unknown, logId = newLogId()): Reply {
  return { status, code: String(code), body, headers: { "X-Tt-Logid": logId } };
}

/** A Feishu error answer; the log id is both in `error.log_id` and the header. */
export function feishuError(
  status: number,
  code: number,
  msg: string,
  extra: { readonly fieldViolations?: readonly FieldViolation[]; readonly headers?: Record<string, string> } = {},
): Reply {
  const logId = newLogId();
  const error = {
    message: `${msg}. See https://open.feishu.cn/search?q=${code}`,
    log_id: logId,
    ...(extra.fieldViolations === undefined ? {} : { field_violations: extra.fieldViolations }),
  };
  const reply = feishuReply(status, code, { code, msg, error }, logId);
  return { ...reply, headers: { ...reply.headers, ...extra.headers } };
}

/** The helpdesk event success answer. */
export function feishuSuccess(): Reply {
  return feishuReply(200, 0, { code: 0, msg: "success", data: {} });
}

/** The throttle answer with its rate-limit headers. */
export function feishuThrottled(limit: number, resetSeconds: number): Reply {
  return feishuError(429, 99991400, "request trigger frequency limit", {
    headers: { "x-ogw-ratelimit-limit": String(limit), "x-ogw-ratelimit-reset": String(resetSeconds) },
  });
}

/** Feishu's generic answers. */
export const feishuDialect: VendorDialect = {
  vendor: "feishu",
  throttled: feishuThrottled,
  failure: (kind, limit) => {
    switch (kind) {
      case "500":
        return feishuError(500, 155000, "internal error");
      case "503":
        return feishuError(503, 155000, "service unavailable");
      case "429":
        return feishuThrottled(limit ?? DEFAULT_QPS, 1);
    }
  },
  notFound: () => feishuError(404, 404, "404 page not found"),
  methodNotAllowed: (allowed) => {
    const reply = feishuError(405, 405, "method not allowed");
    return { ...reply, headers: { ...reply.headers, allow: allowed } };
  },
};

/** Feishu log ids: a UTC timestamp followed by random hex, e.g. `20240101120000A1B2…`. */
function newLogId(): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return stamp + randomBytes(9).toString("hex").toUpperCase();
}
