/**
 * DingTalk answer shapes: `{code,message,requestid}` errors, `x-acs-request-id` header.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { ScriptedFault } from "./fault-config";
import { hintValues, type Reply, type VendorDialect } from "./reply";

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

// The permission the storage event APIs need (vendor-apis.md).
const STORAGE_SCOPE = "Storage.Event.Write";

/** The throttle answer (DingTalk throttles with 403, not 429: vendor-apis.md). */
function qpsLimit(limit: number): Reply {
  return dingTalkError(
    403,
    "Forbidden.AccessDenied.QpsLimitForApi",
    `Qps limit for api exceeded: ${limit} calls per second. Wait 1 s and retry.`,
  );
}

// The 5-minute IP ban is served by the gateway in front of the API, not in DingTalk's error shape.
const IP_BAN_PAGE =
  "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Access denied</title></head>" +
  "<body><h1>Access denied (punish: deny)</h1><p>Too many requests from this IP; try again in 5 minutes.</p></body></html>";

/** The answer to a scripted fault that answers. */
function scriptedAnswer(fault: ScriptedFault, limit: number | undefined): Reply {
  switch (fault.fault) {
    case "throttle": {
      const reply = qpsLimit(limit ?? DEFAULT_QPS);
      return { ...reply, headers: { ...reply.headers, "retry-after": hintValues(fault.waitHint) } };
    }
    case "scope-denied": {
      const requestid = newRequestId();
      const requiredScopes = [...(fault.requiredScopes ?? [STORAGE_SCOPE])];
      const code = "Forbidden.AccessDenied.AccessTokenPermissionDenied";
      const message = `The access token lacks the scopes this API needs: ${requiredScopes.join(", ")}.`;
      return dingTalkReply(403, code, { requestid, code, message, accessdenieddetail: { requiredScopes } }, requestid);
    }
    case "ip-ban-json":
      return dingTalkReply(403, "ip-ban", { status: 1111, punish: "deny" });
    case "ip-ban-html":
      return { ...dingTalkReply(403, "ip-ban", undefined), raw: { contentType: "text/html; charset=utf-8", text: IP_BAN_PAGE } };
    case "success-false":
      return dingTalkReply(200, "success-false", { success: false });
    case "500":
    case "503":
    case "429":
      return failureAnswer(fault.fault, limit);
    default:
      // Validation keeps the other vendor's kinds away; the drop and hang kinds never answer.
      throw new Error(`fault ${fault.fault} has no DingTalk answer`);
  }
}

function failureAnswer(kind: "500" | "503" | "429", limit: number | undefined): Reply {
  switch (kind) {
    case "500":
      return dingTalkError(500, "systemError", "System error, please retry later.");
    case "503":
      return dingTalkError(503, "operationTimeout", "The operation timed out, please retry later.");
    case "429":
      return dingTalkError(429, "system.busy", `System is busy (limit ${limit ?? DEFAULT_QPS} calls per second).`);
  }
}

/** The storage-event success answer. */
export function dingTalkSuccess(): Reply {
  return dingTalkReply(200, "ok", { success: true });
}

/** DingTalk's generic answers. */
export const dingTalkDialect: VendorDialect = {
  vendor: "dingtalk",
  throttled: (limit) => qpsLimit(limit),
  failure: failureAnswer,
  scripted: scriptedAnswer,
  // The gateway routes on path and method together, so a wrong method is "not found" too.
  notFound: () =>
    dingTalkError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."),
  methodNotAllowed: () =>
    dingTalkError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."),
};

function newRequestId(): string {
  return randomUUID().toUpperCase();
}
