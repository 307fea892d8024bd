import { bodySnippet, firstText, isHtml, jsonObject, redirectLocation } from "../core/answer";
import type { VendorFailure } from "../core/errors";
import type { TransportResponse } from "../core/transport";

/** Code given to DingTalk's IP-ban answer, which carries no DingTalk error code of its own. */
export const DINGTALK_IP_BANNED = "IpBanned";

/** True when DingTalk answered with its IP-ban page or `{"status":1111,"punish":"deny"}`. */
function isIpBan(response: TransportResponse, body: Record<string, unknown>): boolean {
  if (body.status === 1111 || body.punish !== undefined) return true;
  return isHtml(response) && /punish|deny/i.test(response.text);
}

/**
 * Reads a DingTalk refusal: `{code, message, requestid}` or the gateway's `{Code, Message, RequestId}`,
 * the `x-acs-request-id` header, the IP-ban answer, `requiredScopes`, a redirect's location.
 */
export function readDingTalkFailure(response: TransportResponse): VendorFailure {
  const body = jsonObject(response.json);
  const requestId = firstText(body.requestid, body.RequestId, body.requestId, response.headers["x-acs-request-id"]);
  const failure: VendorFailure = { httpStatus: response.status, requestId };
  if (isIpBan(response, body)) {
    return { ...failure, vendorCode: DINGTALK_IP_BANNED, vendorMessage: "this IP is banned (status 1111, punish deny)" };
  }
  const location = redirectLocation(response);
  if (location !== undefined) {
    return { ...failure, vendorMessage: `redirect to ${location || "(no location)"}`, details: { location } };
  }
  if (isHtml(response)) {
    return { ...failure, vendorMessage: `unexpected HTML answer: ${bodySnippet(response.text)}`, details: { html: true } };
  }
  const vendorCode = firstText(body.code, body.Code);
  const scopes = jsonObject(body.accessdenieddetail).requiredScopes ?? body.requiredScopes;
  const details = Array.isArray(scopes) ? { requiredScopes: scopes.filter((s): s is string => typeof s === "string") } : undefined;
  let vendorMessage = firstText(body.message, body.Message);
  if (vendorMessage === undefined) {
    if (response.json === undefined) vendorMessage = response.text.trim() ? `unexpected answer: ${bodySnippet(response.text)}` : "empty answer";
    else if (vendorCode === undefined && body.success !== true) vendorMessage = `the answer did not report success: ${bodySnippet(response.text)}`;
  }
  return { ...failure, vendorCode, vendorMessage, details };
}

const PARAM_ERROR = /^paramError/;
const THROTTLE = /^Forbidden\.AccessDenied\.Qp[sm]|^system\.?busy$/i;

/** What to tell the user about a DingTalk refusal, when known. */
export function dingTalkHint(failure: VendorFailure, _operation: string): string | undefined {
  const code = failure.vendorCode ?? "";
  if (code === DINGTALK_IP_BANNED) {
    return "DingTalk bans an IP for 5 minutes after more than 10,000 calls in 20 s: wait 5 minutes, then lower dingtalk:maxQps.";
  }
  if (failure.details?.location !== undefined) {
    return "Redirects are never followed; set dingtalk:endpoint to the API host itself (https://api.dingtalk.com or https://api.dingtalk.io).";
  }
  if (PARAM_ERROR.test(code)) {
    return "Check scope (ORG or SPACE), scopeId (the corpId for ORG, a storage space id for SPACE) and unionId.";
  }
  if (code === "permissionDenied") {
    return "Grant the app the Storage.Event.Write permission, and check that the operator (unionId) may manage this scope.";
  }
  if (code === "Forbidden.AccessDenied.AccessTokenPermissionDenied") {
    const scopes = failure.details?.requiredScopes;
    const list = Array.isArray(scopes) && scopes.length > 0 ? scopes.join(", ") : "Storage.Event.Write";
    return `Grant the app these API scopes in the DingTalk developer console: ${list}.`;
  }
  if (THROTTLE.test(code)) {
    return "DingTalk kept throttling (20 QPS per app per API); lower dingtalk:maxQps or run fewer operations in parallel.";
  }
  switch (code) {
    case "invalidClientIdOrSecret":
      return "Check dingtalk:appKey and dingtalk:appSecret.";
    case "invalidSuiteKey":
      return "Check dingtalk:suiteKey and dingtalk:suiteSecret.";
    case "invalidSuiteTicket":
      return "Set dingtalk:suiteTicket to the latest suite ticket (DingTalk pushes a new one about every 5 hours).";
    case "invalidAuthInfo":
      return "Check dingtalk:authCorpId: the organization must have authorized the third-party app.";
    case "InvalidAction.NotFound":
      return "Check dingtalk:endpoint: it should be https://api.dingtalk.com or https://api.dingtalk.io.";
  }
  if (failure.details?.html === true) {
    return "DingTalk answers an IP it has banned (over 10,000 calls in 20 s) with an HTML page for 5 minutes; if this persists, check dingtalk:endpoint.";
  }
  return undefined;
}
