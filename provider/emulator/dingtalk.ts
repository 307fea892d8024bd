/**
 * The DingTalk endpoints: access tokens and storage file-change event (un)subscription.
 *
 * @module
 */
import type { VendorCall } from "./call";
import { dingTalkDialect, dingTalkError, dingTalkReply, dingTalkSuccess } from "./dingtalk-replies";
import { headerValue, isJsonObject, parseJson } from "./http";
import { UNKNOWN_APP } from "./ledger";
import type { Reply } from "./reply";
import type { VendorApi } from "./route";
import type { Authentication } from "./tokens";

/** DingTalk: `/v1.0/…` on the same server as Feishu. */
export const dingTalkApi: VendorApi = {
  dialect: dingTalkDialect,
  prefix: "/v1.0/",
  routes: [
    { method: "POST", path: "/v1.0/oauth2/accessToken", op: "token", handle: internalAppToken },
    { method: "POST", path: "/v1.0/oauth2/corpAccessToken", op: "token", handle: suiteToken },
    { method: "POST", path: "/v1.0/storage/events/subscribe", op: "subscribe", handle: storageEvents },
    { method: "POST", path: "/v1.0/storage/events/unsubscribe", op: "unsubscribe", handle: storageEvents },
  ],
};

async function internalAppToken(call: VendorCall): Promise<void> {
  await call.delay(true);
  const body = parseJson(call.body);
  const fields = body.ok && isJsonObject(body.value) ? body.value : {};
  const appKey = stringField(fields, "appKey");
  call.annotate({ app: appKey ?? UNKNOWN_APP });
  if (call.gate({ app: appKey ?? UNKNOWN_APP, api: "accessToken", tokenEndpoint: true })) return;
  if (!body.ok || !isJsonObject(body.value)) return call.answer(malformedBody());
  const app = call.ctx.credentials.dingtalk.apps.find((a) => a.appKey === appKey);
  if (app === undefined || app.appSecret !== stringField(fields, "appSecret")) {
    return call.answer(dingTalkError(400, "invalidClientIdOrSecret", "appKey or appSecret is invalid."));
  }
  // A fresh token reports the documented 7200; a reused one reports what is really left of it,
  // so a client that caches for `expireIn` never holds a token past its expiry.
  const grant = call.ctx.tokens.dingTalkAppToken(app.appKey, app.corpId, app.permissions ?? true);
  call.answer(dingTalkReply(200, "ok", { accessToken: grant.token.value, expireIn: grant.expiresInSeconds }));
}

async function suiteToken(call: VendorCall): Promise<void> {
  await call.delay(true);
  const body = parseJson(call.body);
  const fields = body.ok && isJsonObject(body.value) ? body.value : {};
  const suiteKey = stringField(fields, "suiteKey");
  call.annotate({ app: suiteKey ?? UNKNOWN_APP });
  if (call.gate({ app: suiteKey ?? UNKNOWN_APP, api: "corpAccessToken", tokenEndpoint: true })) return;
  if (!body.ok || !isJsonObject(body.value)) return call.answer(malformedBody());
  // One suite can be installed in many organizations: one entry per (suiteKey, authCorpId).
  const suites = call.ctx.credentials.dingtalk.suites;
  const suite =
    suites.find((s) => s.suiteKey === suiteKey && s.authCorpId === stringField(fields, "authCorpId")) ?? suites.find((s) => s.suiteKey === suiteKey);
  if (suite === undefined || suite.suiteSecret !== stringField(fields, "suiteSecret")) {
    return call.answer(dingTalkError(400, "invalidSuiteKey", "suiteKey or suiteSecret is invalid."));
  }
  if (suite.suiteTicket !== stringField(fields, "suiteTicket")) {
    const message = "suiteTicket is invalid or outdated; use the latest pushed ticket.";
    return call.answer(dingTalkError(400, "invalidSuiteTicket", message));
  }
  if (suite.authCorpId !== stringField(fields, "authCorpId")) {
    return call.answer(dingTalkError(400, "invalidAuthInfo", "The organization has not authorized this suite."));
  }
  const grant = call.ctx.tokens.dingTalkSuiteToken(suite.suiteKey, suite.authCorpId);
  call.answer(dingTalkReply(200, "ok", { accessToken: grant.token.value, expireIn: grant.expiresInSeconds }));
}

async function storageEvents(call: VendorCall): Promise<void> {
  await call.delay(false);
  const auth = call.ctx.tokens.authenticate("dingtalk", headerValue(call.req, "x-acs-dingtalk-access-token"));
  if (auth.status !== "ok") return rejectToken(call, auth);
  const token = auth.token;
  call.annotate({ app: token.app });
  if (call.gate({ app: token.app, api: call.op, tokenEndpoint: false })) return;

  const unionId = call.query.get("unionId");
  if (unionId === null || unionId === "") {
    return call.answer(dingTalkError(400, "paramError", "Required query parameter unionId is missing."));
  }
  call.annotate({ unionId });
  const body = parseJson(call.body);
  if (!body.ok || !isJsonObject(body.value)) return call.answer(malformedBody());
  const scope = body.value["scope"];
  const scopeId = body.value["scopeId"];
  if (typeof scope === "string") call.annotate({ scope });
  if (typeof scopeId === "string") call.annotate({ scopeId });
  if (scope !== "ORG" && scope !== "SPACE") {
    return call.answer(dingTalkError(400, "paramError.scope", "scope must be ORG or SPACE."));
  }
  if (typeof scopeId !== "string" || scopeId.trim() === "") {
    return call.answer(dingTalkError(400, "paramError.scopeId", "scopeId is required."));
  }
  if (scope === "ORG" && scopeId !== token.corpId) {
    const message = "For scope ORG, scopeId must be the corpId of the app's organization.";
    return call.answer(dingTalkError(400, "paramError.scopeId", message));
  }
  if (!token.permitted) {
    return call.answer(dingTalkError(403, "permissionDenied", "The app lacks the permission Storage.Event.Write."));
  }

  const identity = { app: token.app, scope, scopeId } as const;
  if (call.op === "subscribe") call.ctx.subscriptions.subscribeDingTalk({ ...identity, unionId });
  else call.ctx.subscriptions.unsubscribeDingTalk(identity);
  call.answer(dingTalkSuccess());
}

function rejectToken(call: VendorCall, auth: Exclude<Authentication, { status: "ok" }>): void {
  if (auth.status === "missing") {
    return call.answer(dingTalkError(401, "Unauthorized", "Header x-acs-dingtalk-access-token is missing."));
  }
  if (auth.status === "expired") call.annotate({ app: auth.token.app });
  const reply: Reply = dingTalkError(400, "InvalidAuthentication", "The access token is invalid or expired.");
  if (auth.status === "expired" && auth.reason === "uses") {
    call.ctx.faults.countTokenExpired();
    return call.answer(reply, "token-expired");
  }
  call.answer(reply);
}

function malformedBody(): Reply {
  return dingTalkError(400, "paramError", "The request body is not a valid JSON object.");
}

function stringField(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === "string" ? value : undefined;
}
