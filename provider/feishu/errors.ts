import { bodySnippet, firstText, isHtml, jsonObject, redirectLocation } from "../core/answer";
import type { VendorFailure } from "../core/errors";
import type { TransportResponse } from "../core/transport";

/**
 * Reads a Feishu refusal: the numeric `code` (as a string), `msg`, `error.log_id` or the
 * `X-Tt-Logid` header, `field_violations` and `permission_violations`. Branches on `code` only.
 */
export function readFeishuFailure(response: TransportResponse): VendorFailure {
  const body = jsonObject(response.json);
  const error = jsonObject(body.error);
  const requestId = firstText(error.log_id, response.headers["x-tt-logid"]);
  const failure: VendorFailure = { httpStatus: response.status, requestId };
  const location = redirectLocation(response);
  if (location !== undefined) {
    return { ...failure, vendorMessage: `redirect to ${location || "(no location)"}`, details: { location } };
  }
  if (response.json === undefined) {
    const what = isHtml(response) ? "unexpected HTML answer" : "unexpected answer";
    return { ...failure, vendorMessage: response.text.trim() ? `${what}: ${bodySnippet(response.text)}` : "empty answer" };
  }
  const details: Record<string, unknown> = {};
  if (Array.isArray(error.field_violations)) details.fieldViolations = error.field_violations;
  if (Array.isArray(error.permission_violations)) details.permissionViolations = error.permission_violations;
  return {
    ...failure,
    vendorCode: firstText(body.code),
    vendorMessage: firstText(body.msg, error.message) ?? `the answer did not report success: ${bodySnippet(response.text)}`,
    details: Object.keys(details).length > 0 ? details : undefined,
  };
}

function violations(value: unknown, pick: (v: Record<string, unknown>) => unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => firstText(pick(jsonObject(v)))).filter((s): s is string => s !== undefined);
}

/** What to tell the user about a Feishu refusal, when known. */
export function feishuHint(failure: VendorFailure, _operation: string): string | undefined {
  if (failure.details?.location !== undefined) {
    return "Redirects are never followed; set feishu:endpoint to the API host itself (https://open.feishu.cn or https://open.larksuite.com).";
  }
  switch (failure.vendorCode) {
    case "154000": {
      const fields = violations(failure.details?.fieldViolations, (v) => v.field);
      const where = fields.length > 0 ? ` (fields: ${fields.join(", ")})` : "";
      return `Feishu rejected the request body${where}; check the event type/subtype pairs, e.g. helpdesk.ticket_message / ticket_message.created_v1.`;
    }
    case "154003":
      return "Check feishu:helpdeskId and feishu:helpdeskToken, and that the app has the helpdesk:all:readonly permission.";
    case "99991672": {
      const scopes = violations(failure.details?.permissionViolations, (v) => v.subject);
      const list = scopes.length > 0 ? scopes.join(", ") : "helpdesk:all:readonly";
      return `Grant the app these scopes in the developer console and publish a new app version: ${list}.`;
    }
    case "99991401":
      return "Add this machine's outgoing IP address to the app's IP allow-list in the developer console.";
    case "99991400":
      return "Feishu kept throttling; lower feishu:maxQps or run fewer operations in parallel.";
    case "10014":
    case "10003":
    case "99991543":
      return "Check feishu:appId and feishu:appSecret.";
  }
  return undefined;
}
