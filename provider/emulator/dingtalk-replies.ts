/**
 * DingTalk answer shapes: `{code,message,requestid}` errors, `x-acs-request-id` header.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Reply, VendorDialect } from "./reply";

// The vendor's documented standard QPS per app per API, used when a 429 is injected without throttleQps.
const DEFAULT_QPS = 20;

/** Wraps a DingTalk body with a fresh request id header. */
export function dingTalkReply(status: number, code: string, body: unknown, requestId = newRequestId()): Reply {
  return { status, code, body, headers: { "x-acs-request-id": requestId } };
}

/** A DingTalk error answer; the request id is both in the body and the header. */
export function dingTalkError(status: number, code: string, message: string): Reply {
  const requestid = newRequestId();
  return dingTalkReply(status, code, { code, message, requestid }, requestid);
}

/** The storage-event success answer. */
export function dingTalkSuccess(): Reply {
  return dingTalkReply(200, "ok", { success: true });
}

/** DingTalk's generic answers. */
export const dingTalkDialect: VendorDialect = {
  vendor: "dingtalk",
  // DingTalk throttles with 403, not 429 (vendor-apis.md).
  throttled: (limit) =>
    dingTalkError(
      403,
      "Forbidden.AccessDenied.QpsLimitForApi",
      `Qps limit for api exceeded: ${limit} calls per second. Wait 1 s and retry.`,
    ),
  failure: (kind, limit) => {
    switch (kind) {
      case "500":
        return dingTalkError(500, "systemError", "System error, please retry later.");
      case "503":
        return dingTalkError(503, "operationTimeout", "The operation timed out, please retry later.");
      case "429":
        return dingTalkError(429, "system.busy", `System is busy (limit ${limit ?? DEFAULT_QPS} calls per second).`);
    }
  },
  // The gateway routes on path and method together, so a wrong method is "not found" too.
  notFound: () =>
    dingTalkError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."),
  methodNotAllowed: () =>
    dingTalkError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."),
};

function newRequestId(): string {
  return randomUUID().toUpperCase();
}
