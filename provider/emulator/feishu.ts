/**
 * The Feishu endpoints: tenant access token and helpdesk event (un)subscription.
 *
 * @module
 */
import type { VendorCall } from "./call";
import type { FeishuHelpdeskCredentials } from "./credentials";
import { validateEvents } from "./feishu-events";
import { feishuDialect, feishuError, feishuReply, feishuSuccess } from "./feishu-replies";
import { headerValue, isJsonObject, parseJson } from "./http";
import { UNKNOWN_APP } from "./ledger";
import type { VendorApi } from "./route";
import type { Authentication } from "./tokens";

/** Feishu: `/open-apis/…` on the same server as DingTalk. */
export const feishuApi: VendorApi = {
  dialect: feishuDialect,
  prefix: "/open-apis/",
  routes: [
    { method: "POST", path: "/open-apis/auth/v3/tenant_access_token/internal", op: "token", handle: tenantToken },
    { method: "POST", path: "/open-apis/helpdesk/v1/events/subscribe", op: "subscribe", handle: helpdeskEvents },
    { method: "POST", path: "/open-apis/helpdesk/v1/events/unsubscribe", op: "unsubscribe", handle: helpdeskEvents },
  ],
};

/**
 * The helpdesk authorization header: base64(helpdesk_id + ":" + helpdesk_token). The vendor doc and
 * the official Go SDK send it bare; the official Node SDK sends it with a `Bearer ` prefix. Both are
 * accepted, and the ledger records which arrived.
 */
export const HELPDESK_HEADER = "x-lark-helpdesk-authorization";

async function tenantToken(call: VendorCall): Promise<void> {
  await call.delay(true);
  const body = parseJson(call.body);
  const fields = body.ok && isJsonObject(body.value) ? body.value : {};
  const appId = typeof fields["app_id"] === "string" ? fields["app_id"] : undefined;
  call.annotate({ app: appId ?? UNKNOWN_APP });
  if (call.gate({ app: appId ?? UNKNOWN_APP, api: "tenant_access_token", tokenEndpoint: true })) return;
  const app = call.ctx.credentials.feishu.apps.find((a) => a.appId === appId);
  // Without a recognizable app id the vendor can only say "wrong app id/secret".
  if (app === undefined) return call.answer(feishuError(400, 99991543, "app_id or app_secret is invalid"));
  if (app.appSecret !== fields["app_secret"]) return call.answer(feishuError(400, 10014, "app secret invalid"));
  const grant = call.ctx.tokens.feishuTenantToken(app.appId);
  call.answer(
    feishuReply(200, 0, { code: 0, msg: "ok", tenant_access_token: grant.token.value, expire: grant.expiresInSeconds }),
  );
}

async function helpdeskEvents(call: VendorCall): Promise<void> {
  await call.delay(false);
  const auth = call.ctx.tokens.authenticate("feishu", bearerToken(headerValue(call.req, "authorization")));
  if (auth.status !== "ok") return rejectToken(call, auth);
  call.annotate({ app: auth.token.app });
  if (call.gate({ app: auth.token.app, api: call.op, tokenEndpoint: false })) return;

  const presented = helpdeskCredential(headerValue(call.req, HELPDESK_HEADER));
  if (presented !== undefined) call.annotate({ helpdeskAuthForm: presented.form });
  const helpdesk = helpdeskFor(call, presented?.value);
  if (helpdesk === undefined) {
    return call.answer(feishuError(403, 154003, "no access: invalid helpdesk authorization"));
  }
  call.annotate({ helpdeskId: helpdesk.helpdeskId });
  const body = parseJson(call.body);
  const validation = body.ok
    ? validateEvents(body.value, call.ctx.feishuEventPairs)
    : ({ ok: false, violations: [{ field: "body", description: "the request body is not valid JSON" }] } as const);
  if (!validation.ok) {
    return call.answer(feishuError(400, 154000, "invalid request body", { fieldViolations: validation.violations }));
  }
  call.annotate({ events: validation.events });

  const subscriptions = validation.events.map((e) => ({ app: auth.token.app, helpdeskId: helpdesk.helpdeskId, ...e }));
  if (call.op === "subscribe") call.ctx.subscriptions.subscribeFeishu(subscriptions);
  else call.ctx.subscriptions.unsubscribeFeishu(subscriptions);
  call.answer(feishuSuccess());
}

function rejectToken(call: VendorCall, auth: Exclude<Authentication, { status: "ok" }>): void {
  switch (auth.status) {
    case "missing":
      return call.answer(feishuError(400, 99991661, "Missing access token for authorization"));
    case "invalid":
      return call.answer(feishuError(401, 99991663, "Invalid access token for authorization"));
    case "expired": {
      call.annotate({ app: auth.token.app });
      const reply = feishuError(401, 99991665, "Access token expired");
      if (auth.reason !== "uses") return call.answer(reply);
      call.ctx.faults.countTokenExpired();
      return call.answer(reply, "token-expired");
    }
  }
}

/** The token of `Authorization: Bearer <token>`; anything else counts as missing. */
function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(header ?? "")?.[1];
}

/** The credential of the helpdesk header and the form it came in: bare, or after `Bearer `. */
function helpdeskCredential(header: string | undefined): { value: string; form: "bare" | "bearer" } | undefined {
  if (header === undefined) return undefined;
  const bearer = /^Bearer (\S+)$/.exec(header)?.[1];
  return bearer === undefined ? { value: header, form: "bare" } : { value: bearer, form: "bearer" };
}

function helpdeskFor(call: VendorCall, header: string | undefined): FeishuHelpdeskCredentials | undefined {
  if (header === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(header)) return undefined;
  const decoded = Buffer.from(header, "base64");
  // Node's decoder is lenient; re-encoding rejects what is not canonical base64.
  if (decoded.toString("base64") !== header) return undefined;
  const text = decoded.toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  const id = text.slice(0, colon);
  const token = text.slice(colon + 1);
  return call.ctx.credentials.feishu.helpdesks.find((h) => h.helpdeskId === id && h.helpdeskToken === token);
}
