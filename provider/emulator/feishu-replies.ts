/**
 * Feishu answer shapes: `{code,msg,error:{message,log_id}}` errors, `X-Tt-Logid` header.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { ScriptedFault } from "./fault-config";
import { hintValues, type Reply, type ReplyHeaders, type VendorDialect } from "./reply";

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
  extra: {
    readonly fieldViolations?: readonly FieldViolation[];
    readonly permissionViolations?: readonly { readonly type: string; readonly subject: string }[];
    readonly headers?: ReplyHeaders;
  } = {},
): Reply {
  const logId = newLogId();
  const error = {
    message: `${msg}. See https://open.feishu.cn/search?q=${code}`,
    log_id: logId,
    ...(extra.fieldViolations === undefined ? {} : { field_violations: extra.fieldViolations }),
    ...(extra.permissionViolations === undefined ? {} : { permission_violations: extra.permissionViolations }),
  };
  const reply = feishuReply(status, code, { code, msg, error }, logId);
  return { ...reply, headers: { ...reply.headers, ...extra.headers } };
}

/** The helpdesk event success answer. */
export function feishuSuccess(): Reply {
  return feishuReply(200, 0, { code: 0, msg: "success", data: {} });
}

/** The throttle answer with its rate-limit headers; some older APIs answer it with HTTP 400. */
export function feishuThrottled(limit: number, reset: number | string | readonly string[], status = 429): Reply {
  const resetHeader = typeof reset === "number" ? String(reset) : reset;
  return feishuError(status, 99991400, "request trigger frequency limit", {
    headers: { "x-ogw-ratelimit-limit": String(limit), "x-ogw-ratelimit-reset": resetHeader },
  });
}

// The permission the helpdesk event APIs need (vendor-apis.md).
const HELPDESK_SCOPE = "helpdesk:all:readonly";

/** The answer to a scripted fault that answers. */
function scriptedAnswer(fault: ScriptedFault, limit: number | undefined): Reply {
  switch (fault.fault) {
    case "throttle":
      return feishuThrottled(limit ?? DEFAULT_QPS, hintValues(fault.waitHint));
    case "throttle-400":
      return feishuThrottled(limit ?? DEFAULT_QPS, hintValues(fault.waitHint), 400);
    case "scope-denied": {
      const scopes = fault.requiredScopes ?? [HELPDESK_SCOPE];
      return feishuError(400, 99991672, `Access denied. One of the following scopes is required: [${scopes.join(", ")}]`, {
        permissionViolations: scopes.map((subject) => ({ type: "action_scope_required", subject })),
      });
    }
    case "ip-denied":
      return feishuError(400, 99991401, "the caller's IP is not on the app's IP allow-list");
    case "500":
    case "503":
    case "429":
      return failureAnswer(fault.fault, limit);
    default:
      // Validation keeps the other vendor's kinds away; the drop and hang kinds never answer.
      throw new Error(`fault ${fault.fault} has no Feishu answer`);
  }
}

function failureAnswer(kind: "500" | "503" | "429", limit: number | undefined): Reply {
  switch (kind) {
    case "500":
      return feishuError(500, 155000, "internal error");
    case "503":
      return feishuError(503, 155000, "service unavailable");
    case "429":
      return feishuThrottled(limit ?? DEFAULT_QPS, 1);
  }
}

/** Feishu's generic answers. */
export const feishuDialect: VendorDialect = {
  vendor: "feishu",
  throttled: (limit, resetSeconds) => feishuThrottled(limit, resetSeconds),
  failure: failureAnswer,
  scripted: scriptedAnswer,
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
