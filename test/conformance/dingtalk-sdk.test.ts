/**
 * The shipped emulator driven through DingTalk's official SDK (`@alicloud/dingtalk`): every
 * operation the project covers, and every DingTalk answer the emulator produces, as the SDK
 * surfaces it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startEmulator, type Emulator, type FaultConfig } from "../../provider/emulator";
import { $OAuth2, connectionGuard, dingTalkSdk, dingTalkStorage, isLoopback, thrown, type TeaError } from "./sdk";

const APP = DEFAULT_CREDENTIALS.dingtalk.apps[0]!;
const SUITE = DEFAULT_CREDENTIALS.dingtalk.suites[0]!;
const CORP = APP.corpId;
const NO_PERMISSION = { appKey: "dingnopermission0001", appSecret: "dtAppSecret-noperm-1c2d3e4f", corpId: CORP, permissions: false };

const guard = connectionGuard();
let emu: Emulator;
let sdk: ReturnType<typeof dingTalkSdk>;
beforeAll(async () => {
  emu = await startEmulator({ dingtalk: { apps: [APP, NO_PERMISSION] } });
  sdk = dingTalkSdk(emu.url);
});
afterAll(async () => {
  await emu.stop();
  expect(guard.hosts.length).toBeGreaterThan(0);
  expect(guard.hosts.filter((h) => !isLoopback(h))).toEqual([]);
});
afterEach(() => emu.reset());

async function appToken(app: { appKey: string; appSecret: string } = APP): Promise<string> {
  const r = await sdk.oauth.getAccessToken(new $OAuth2.GetAccessTokenRequest({ appKey: app.appKey, appSecret: app.appSecret }));
  return r.body!.accessToken!;
}

const suiteRequest = (overrides: Partial<typeof SUITE> = {}) =>
  new $OAuth2.GetCorpAccessTokenRequest({
    suiteKey: SUITE.suiteKey,
    suiteSecret: SUITE.suiteSecret,
    authCorpId: SUITE.authCorpId,
    suiteTicket: SUITE.suiteTicket,
    ...overrides,
  });

/** What DingTalk's SDK makes of an error answer: code, HTTP status, message with the request id, the body. */
function expectVendorError(error: TeaError, status: number, code: string): void {
  expect(error.code).toBe(code);
  expect(error.statusCode).toBe(status);
  expect(error.data).toMatchObject({ code, statusCode: status, requestid: expect.stringMatching(/^[0-9A-F-]{36}$/) });
  const message = error.data!["message"] as string;
  expect(message.length).toBeGreaterThan(0);
  expect(error.message).toBe(`${code}: code: ${status}, ${message} request id: ${String(error.data!["requestid"])}`);
  expect(emu.ledger().at(-1)).toMatchObject({ status, code });
}

describe("operations", () => {
  it("internal-app token: accessToken and expireIn 7200; the same token, renewed, when asked again", async () => {
    const first = await sdk.oauth.getAccessToken(new $OAuth2.GetAccessTokenRequest({ appKey: APP.appKey, appSecret: APP.appSecret }));
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatchObject({ accessToken: expect.stringMatching(/^[0-9a-f]{32}$/), expireIn: 7200 });
    expect(first.headers!["x-acs-request-id"]).toMatch(/^[0-9A-F-]{36}$/);
    expect((await appToken()) === first.body!.accessToken).toBe(true);
    expect(emu.ledger().map((e) => [e.op, e.path, e.status, e.app])).toEqual([
      ["token", "/v1.0/oauth2/accessToken", 200, APP.appKey],
      ["token", "/v1.0/oauth2/accessToken", 200, APP.appKey],
    ]);
  });

  it("third-party corp token: a new token on every call", async () => {
    const a = await sdk.oauth.getCorpAccessToken(suiteRequest());
    const b = await sdk.oauth.getCorpAccessToken(suiteRequest());
    expect(a.body).toMatchObject({ accessToken: expect.stringMatching(/^[0-9a-f]{32}$/), expireIn: 7200 });
    expect(b.body!.accessToken).not.toBe(a.body!.accessToken);
    expect(emu.ledger().map((e) => [e.op, e.path, e.app])).toEqual([
      ["token", "/v1.0/oauth2/corpAccessToken", SUITE.suiteKey],
      ["token", "/v1.0/oauth2/corpAccessToken", SUITE.suiteKey],
    ]);
  });

  it("subscribe and unsubscribe, ORG and SPACE, with an internal-app token and a corp token", async () => {
    const app = await appToken();
    const corp = (await sdk.oauth.getCorpAccessToken(suiteRequest())).body!.accessToken!;
    const unionId = "union+&=/中 001";
    for (const [token, who] of [[app, APP.appKey], [corp, SUITE.suiteKey]] as const) {
      for (const scope of [{ scope: "ORG", scopeId: CORP }, { scope: "SPACE", scopeId: "space-7&x" }]) {
        const sub = await dingTalkStorage(sdk.storage, "subscribe", token, { ...scope, unionId });
        expect([sub.statusCode, sub.body?.success]).toEqual([200, true]);
        expect(emu.subscriptions().dingtalk).toContainEqual({ app: who, ...scope, unionId });
        const unsub = await dingTalkStorage(sdk.storage, "unsubscribe", token, { ...scope, unionId });
        expect([unsub.statusCode, unsub.body?.success]).toEqual([200, true]);
        expect(emu.subscriptions().dingtalk).toEqual([]);
      }
    }
    const calls = emu.ledger().filter((e) => e.op !== "token");
    expect(calls.map((e) => [e.op, e.app, e.scope, e.scopeId, e.unionId, e.status])).toEqual(
      [APP.appKey, SUITE.suiteKey].flatMap((who) =>
        [["ORG", CORP], ["SPACE", "space-7&x"]].flatMap(([scope, scopeId]) => [
          ["subscribe", who, scope, scopeId, unionId, 200],
          ["unsubscribe", who, scope, scopeId, unionId, 200],
        ]),
      ),
    );
  });
});

describe("errors, as the SDK surfaces them", () => {
  it.each([
    ["invalidClientIdOrSecret", () => sdk.oauth.getAccessToken(new $OAuth2.GetAccessTokenRequest({ appKey: APP.appKey, appSecret: "wrong" }))],
    ["invalidSuiteKey", () => sdk.oauth.getCorpAccessToken(suiteRequest({ suiteSecret: "wrong" }))],
    ["invalidSuiteTicket", () => sdk.oauth.getCorpAccessToken(suiteRequest({ suiteTicket: "stale" }))],
    ["invalidAuthInfo", () => sdk.oauth.getCorpAccessToken(suiteRequest({ authCorpId: "ding-corp-other" }))],
  ])("token endpoint: 400 %s", async (code, call) => {
    expectVendorError(await thrown<TeaError>(call()), 400, code);
  });

  it("401 Unauthorized without a token header", async () => {
    const error = await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", undefined, { scope: "ORG", scopeId: CORP, unionId: "u" }));
    expectVendorError(error, 401, "Unauthorized");
  });

  it("400 InvalidAuthentication for an unknown token, and for one used up (tokenMaxUses)", async () => {
    const error = await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", "0".repeat(32), { scope: "ORG", scopeId: CORP, unionId: "u" }));
    expectVendorError(error, 400, "InvalidAuthentication");
    emu.setFaults({ tokenMaxUses: 1 });
    const token = await appToken();
    await dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" });
    const used = await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" }));
    expectVendorError(used, 400, "InvalidAuthentication");
    expect(emu.ledger().at(-1)!.fault).toBe("token-expired");
  });

  it.each([
    ["paramError", { scope: "ORG", scopeId: CORP }],
    ["paramError.scope", { scope: "TEAM", scopeId: "t", unionId: "u" }],
    ["paramError.scopeId", { scope: "ORG", scopeId: "ding-corp-other", unionId: "u" }],
    ["paramError.scopeId", { scope: "SPACE", scopeId: " ", unionId: "u" }],
  ])("400 %s for %j", async (code, request) => {
    const error = await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", await appToken(), request));
    expectVendorError(error, 400, code);
    expect(emu.subscriptions().dingtalk).toEqual([]);
  });

  it("403 permissionDenied for an app without Storage.Event.Write", async () => {
    const token = await appToken(NO_PERMISSION);
    expectVendorError(await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" })), 403, "permissionDenied");
  });

  it.each<[string, number, string, FaultConfig]>([
    ["throttleQps", 403, "Forbidden.AccessDenied.QpsLimitForApi", { throttleQps: 1 }],
    ["scripted throttle with a wait hint", 403, "Forbidden.AccessDenied.QpsLimitForApi", { script: [{ fault: "throttle", waitHint: 3600, times: 2 }] }],
    ["failure 429", 429, "system.busy", { failureRate: 1, failureKinds: ["429"] }],
    ["failure 500", 500, "systemError", { failureRate: 1, failureKinds: ["500"] }],
    ["failure 503", 503, "operationTimeout", { failureRate: 1, failureKinds: ["503"] }],
  ])("%s: %i %s", async (_name, status, code, faults) => {
    const token = await appToken();
    emu.setFaults(faults);
    const call = () => dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" });
    if (faults.throttleQps !== undefined) await call();
    expectVendorError(await thrown<TeaError>(call()), status, code);
  });

  it("403 AccessTokenPermissionDenied: the SDK hands over requiredScopes as accessDeniedDetail", async () => {
    const token = await appToken();
    emu.setFaults({ script: [{ fault: "scope-denied", requiredScopes: ["Storage.Event.Write", "Storage.File.Read"] }] });
    const error = await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" }));
    expectVendorError(error, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied");
    expect(error.accessDeniedDetail).toEqual({ requiredScopes: ["Storage.Event.Write", "Storage.File.Read"] });
  });

  it("200 with success:false: the SDK does not throw, the body says so", async () => {
    const token = await appToken();
    emu.setFaults({ script: [{ fault: "success-false", vendor: "dingtalk" }] });
    const r = await dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" });
    expect([r.statusCode, r.body?.success]).toEqual([200, false]);
  });

  it("the IP ban: the JSON form reaches the SDK's error data, the HTML page fails its JSON parse", async () => {
    const token = await appToken();
    emu.setFaults({ script: [{ fault: "ip-ban-json", vendor: "dingtalk" }, { fault: "ip-ban-html", vendor: "dingtalk" }] });
    const json = await thrown<TeaError>(dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" }));
    expect(json.code).toBe("undefined"); // no DingTalk code in the ban answer
    expect(json.data).toMatchObject({ status: 1111, punish: "deny", statusCode: 403 });
    const html = await thrown<Error>(dingTalkStorage(sdk.storage, "subscribe", token, { scope: "ORG", scopeId: CORP, unionId: "u" }));
    expect(html).toBeInstanceOf(SyntaxError);
  });

  it("404 InvalidAction.NotFound through the SDK's generic call on a path DingTalk does not serve", async () => {
    const { Params, OpenApiRequest } = await import("@alicloud/openapi-client");
    const $Util = await import("@alicloud/tea-util");
    const params = new Params({
      action: "Nope", version: "storage_1.0", protocol: "HTTP", pathname: "/v1.0/storage/events/nope",
      method: "POST", authType: "AK", style: "ROA", reqBodyType: "none", bodyType: "json",
    });
    const error = await thrown<TeaError>(sdk.storage.execute(params, new OpenApiRequest({ body: {} }), new $Util.RuntimeOptions({})));
    expectVendorError(error, 404, "InvalidAction.NotFound");
  });

  it("applied, then the answer lost: the SDK reports a network error while the subscription was made", async () => {
    const token = await appToken();
    emu.setFaults({ script: [{ fault: "applied-drop", op: "subscribe" }] });
    const error = await thrown<Error & { code?: string }>(dingTalkStorage(sdk.storage, "subscribe", token, { scope: "SPACE", scopeId: "s1", unionId: "u" }));
    expect(`${error.name} ${error.code ?? ""} ${error.message}`).toMatch(/ECONNRESET|socket hang up/i);
    expect(emu.subscriptions().dingtalk).toEqual([{ app: APP.appKey, scope: "SPACE", scopeId: "s1", unionId: "u" }]);
  });
});
