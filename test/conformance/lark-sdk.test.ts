/**
 * The shipped emulator driven through Lark's official Node SDK (`@larksuiteoapi/node-sdk`): the
 * tenant token (fetched by the SDK itself, from the emulator), helpdesk event subscribe and
 * unsubscribe, and every Feishu answer the emulator produces, as the SDK surfaces it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, DOCUMENTED_EVENT_PAIRS, startEmulator, type Emulator, type FaultConfig } from "../../provider/emulator";
import { connectionGuard, isLoopback, lark, larkSdk, thrown, type AxiosLikeError } from "./sdk";

const APP = DEFAULT_CREDENTIALS.feishu.apps[0]!;
const HELPDESK = DEFAULT_CREDENTIALS.feishu.helpdesks[0]!;
const CREDS = { appId: APP.appId, appSecret: APP.appSecret, helpDeskId: HELPDESK.helpdeskId, helpDeskToken: HELPDESK.helpdeskToken };
const EVENTS = [DOCUMENTED_EVENT_PAIRS[0]!, DOCUMENTED_EVENT_PAIRS[1]!];

const guard = connectionGuard();
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.stop();
  expect(guard.hosts.length).toBeGreaterThan(0);
  expect(guard.hosts.filter((h) => !isLoopback(h))).toEqual([]);
});
afterEach(() => emu.reset());

const client = (creds: Partial<typeof CREDS> = {}, extra: { disableTokenCache?: boolean } = {}) =>
  larkSdk(emu.url, { ...CREDS, ...creds }, extra);
const subscribe = (c: lark.Client, events: readonly object[] = EVENTS, options = lark.withHelpDeskCredential()) =>
  c.helpdesk.event.subscribe({ data: { events: events as { type: string; subtype: string }[] } }, options);

/** What Lark's SDK makes of an error answer: the HTTP status, the body's code and msg, the log id in body and header. */
function expectVendorError(error: AxiosLikeError, status: number, code: number): AxiosLikeError["response"] & object {
  expect(error.response, String(error)).toBeDefined();
  const response = error.response!;
  expect(response.status).toBe(status);
  expect(response.data).toMatchObject({ code, msg: expect.any(String), error: { log_id: expect.stringMatching(/^\d{14}[0-9A-F]+$/) } });
  expect(response.headers["x-tt-logid"]).toBe(response.data.error.log_id);
  expect(emu.ledger().at(-1)).toMatchObject({ status, code: String(code) });
  return response;
}

describe("operations", () => {
  it("tenant token: code 0, a t- token, expire 7200; the same token while over 30 minutes are left", async () => {
    // Without disableTokenCache the SDK would first fetch a token for this call's own Authorization header.
    const c = client({}, { disableTokenCache: true });
    const first = await c.auth.tenantAccessToken.internal({ data: { app_id: APP.appId, app_secret: APP.appSecret } });
    expect(first).toMatchObject({ code: 0, msg: "ok", tenant_access_token: expect.stringMatching(/^t-/), expire: 7200 });
    const second = await c.auth.tenantAccessToken.internal({ data: { app_id: APP.appId, app_secret: APP.appSecret } });
    expect((second as { tenant_access_token?: string }).tenant_access_token).toBe((first as { tenant_access_token?: string }).tenant_access_token);
    expect(emu.ledger().map((e) => [e.op, e.path, e.status, e.app])).toEqual([
      ["token", "/open-apis/auth/v3/tenant_access_token/internal", 200, APP.appId],
      ["token", "/open-apis/auth/v3/tenant_access_token/internal", 200, APP.appId],
    ]);
  });

  it("helpdesk subscribe and unsubscribe with withHelpDeskCredential (the Bearer form); the SDK fetched its token here", async () => {
    const c = client();
    expect(await subscribe(c)).toEqual({ code: 0, msg: "success", data: {} });
    expect(emu.subscriptions().feishu).toEqual(EVENTS.map((e) => ({ app: APP.appId, helpdeskId: HELPDESK.helpdeskId, ...e })));
    expect(await c.helpdesk.event.unsubscribe({ data: { events: [EVENTS[0]!] } }, lark.withHelpDeskCredential())).toEqual({ code: 0, msg: "success", data: {} });
    expect(emu.subscriptions().feishu.map((s) => s.subtype)).toEqual([EVENTS[1]!.subtype]);
    expect(emu.ledger().map((e) => [e.op, e.status, e.app, e.helpdeskId, e.helpdeskAuthForm, e.events?.length])).toEqual([
      ["token", 200, APP.appId, undefined, undefined, undefined],
      ["subscribe", 200, APP.appId, HELPDESK.helpdeskId, "bearer", 2],
      ["unsubscribe", 200, APP.appId, HELPDESK.helpdeskId, "bearer", 1],
    ]);
  });

  it("with a tenant token given per call (withTenantToken), no token fetch at all", async () => {
    const token = DEFAULT_CREDENTIALS.feishu.preIssuedTokens[0]!;
    const c = client({}, { disableTokenCache: true });
    expect(await subscribe(c, EVENTS, { ...lark.withTenantToken(token), ...lark.withHelpDeskCredential() })).toMatchObject({ code: 0 });
    expect(emu.ledger().map((e) => [e.op, e.app])).toEqual([["subscribe", "pre-issued"]]);
  });
});

describe("errors, as the SDK surfaces them", () => {
  it.each([
    ["wrong app secret: 400 10014", { appSecret: "wrong" }, 400, 10014],
    ["unknown app id: 400 99991543", { appId: "cli_unknown" }, 400, 99991543],
  ])("token fetch, %s: the SDK's own token fetch fails with the vendor's answer", async (_name, creds, status, code) => {
    const error = await thrown<AxiosLikeError>(subscribe(client(creds)));
    expectVendorError(error, status, code);
    expect(emu.ledger().map((e) => e.op)).toEqual(["token"]);
  });

  it("400 99991661 without a token, 401 99991663 with an unknown one, 401 99991665 once used up", async () => {
    const missing = await thrown<AxiosLikeError>(subscribe(client({}, { disableTokenCache: true })));
    expectVendorError(missing, 400, 99991661);
    // lark.withAll() merges with lodash, which drops the symbol key of withHelpDeskCredential: spread instead.
    const unknown = await thrown<AxiosLikeError>(subscribe(client({}, { disableTokenCache: true }), EVENTS, { ...lark.withTenantToken("t-nope"), ...lark.withHelpDeskCredential() }));
    expectVendorError(unknown, 401, 99991663);
    emu.setFaults({ tokenMaxUses: 1 });
    const c = client();
    await subscribe(c);
    expectVendorError(await thrown<AxiosLikeError>(subscribe(c)), 401, 99991665);
  });

  it("403 154003 for a wrong helpdesk token, and without withHelpDeskCredential", async () => {
    const wrong = await thrown<AxiosLikeError>(subscribe(client({ helpDeskToken: "wrong" })));
    expectVendorError(wrong, 403, 154003);
    expect(emu.ledger().at(-1)!.helpdeskAuthForm).toBe("bearer");
    const none = await thrown<AxiosLikeError>(client().helpdesk.event.subscribe({ data: { events: EVENTS } }));
    expectVendorError(none, 403, 154003);
  });

  it("400 154000 with field_violations for a malformed pair and for an undocumented one", async () => {
    const c = client();
    const malformed = expectVendorError(await thrown<AxiosLikeError>(subscribe(c, [{ type: "helpdesk.ticket", subtype: "ticket.created" }])), 400, 154000);
    expect(malformed.data.error.field_violations).toEqual([expect.objectContaining({ field: "events[0].subtype" })]);
    const undocumented = expectVendorError(await thrown<AxiosLikeError>(subscribe(c, [{ type: "helpdesk.agent", subtype: "agent.status_changed_v2" }])), 400, 154000);
    expect(undocumented.data.error.field_violations).toEqual([expect.objectContaining({ field: "events[0]" })]);
    expect(emu.subscriptions().feishu).toEqual([]);
  });

  it.each<[string, number, number, FaultConfig, Record<string, string> | undefined]>([
    ["throttleQps", 429, 99991400, { throttleQps: 1 }, { "x-ogw-ratelimit-limit": "1", "x-ogw-ratelimit-reset": "1" }],
    ["scripted throttle, hint 0", 429, 99991400, { script: [{ fault: "throttle", waitHint: 0 }] }, { "x-ogw-ratelimit-reset": "0" }],
    ["scripted throttle, hint 3600", 429, 99991400, { script: [{ fault: "throttle", waitHint: 3600 }] }, { "x-ogw-ratelimit-reset": "3600" }],
    ["throttled with HTTP 400", 400, 99991400, { script: [{ fault: "throttle-400", vendor: "feishu", waitHint: 2 }] }, { "x-ogw-ratelimit-reset": "2" }],
    ["failure 429", 429, 99991400, { failureRate: 1, failureKinds: ["429"] }, { "x-ogw-ratelimit-reset": "1" }],
    ["failure 500", 500, 155000, { failureRate: 1, failureKinds: ["500"] }, undefined],
    ["failure 503", 503, 155000, { failureRate: 1, failureKinds: ["503"] }, undefined],
    ["app lacks the API scope", 400, 99991672, { script: [{ fault: "scope-denied" }] }, undefined],
    ["IP not allowed", 400, 99991401, { script: [{ fault: "ip-denied", vendor: "feishu" }] }, undefined],
  ])("%s: %i %i, with the rate-limit headers where the vendor sends them", async (_name, status, code, faults, headers) => {
    const c = client();
    await c.tokenManager.getTenantAccessToken(); // fetched before the faults
    emu.setFaults(faults);
    if (faults.throttleQps !== undefined) await subscribe(c);
    const response = expectVendorError(await thrown<AxiosLikeError>(subscribe(c)), status, code);
    if (headers !== undefined) expect(response.headers).toMatchObject(headers);
    if (code === 99991672) expect(response.data.error.permission_violations).toEqual([{ type: "action_scope_required", subject: "helpdesk:all:readonly" }]);
  });

  it("404 and 405 through the SDK's generic request, on a path Feishu does not serve and with a wrong method", async () => {
    const c = client();
    const notFound = await thrown<AxiosLikeError>(c.request({ method: "POST", url: "/open-apis/helpdesk/v1/nothing", data: {} }));
    expectVendorError(notFound, 404, 404);
    const wrongMethod = await thrown<AxiosLikeError>(c.request({ method: "GET", url: "/open-apis/helpdesk/v1/events/subscribe" }, lark.withHelpDeskCredential()));
    expect(expectVendorError(wrongMethod, 405, 405).headers["allow"]).toBe("POST");
  });

  it("applied, then the answer lost: the SDK reports a network error while the pairs were subscribed", async () => {
    const c = client();
    await c.tokenManager.getTenantAccessToken();
    emu.setFaults({ script: [{ fault: "applied-drop", vendor: "feishu", op: "subscribe" }] });
    const error = await thrown<AxiosLikeError & { code?: string }>(subscribe(c));
    expect(error.response).toBeUndefined();
    expect(`${error.code ?? ""} ${error.message}`).toMatch(/ECONNRESET|socket hang up/i);
    expect(emu.subscriptions().feishu).toHaveLength(2);
  });
});
