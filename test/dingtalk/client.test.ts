import { describe, expect, it } from "vitest";
import { errors } from "undici";
import { AuthError, ConfigError, ProviderError, VendorApiError } from "../../provider/core/errors";
import { DingTalkClient, type DingTalkClientInit, type StorageEventScope } from "../../provider/dingtalk/client";
import type { DingTalkCredentials } from "../../provider/dingtalk/credentials";
import { caught, fixture, mockedClients, thrown, type Seen } from "../core/helpers";

const ORIGIN = "https://api.dingtalk.com";
const APP_KEY = "dingxq7mzkd0a1b2c3d4";
const APP_SECRET = "Zk3-Gm9Qw_appSecret_7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d";
const TOKEN_1 = "fd3c1b05b8e23d8fa0b6c1f0a4e9d2b7";
const TOKEN_2 = "a81b2c3d4e5f60718293a4b5c6d7e8f9";
const SCOPE: StorageEventScope = { scope: "ORG", scopeId: "ding123", unionId: "iPiSxyzUnion+/ id" };
const SUBSCRIBE_PATH = `/v1.0/storage/events/subscribe?unionId=${encodeURIComponent(SCOPE.unionId)}`;
const REQUEST_ID = "3A4F9C1E-7B2D-4E8A-9F06-1C5D7E2B8A43";

const dingTalk = mockedClients({
  origin: ORIGIN,
  token: { path: "/v1.0/oauth2/accessToken", headers: { "x-acs-request-id": REQUEST_ID }, answer: (accessToken = TOKEN_1) => ({ accessToken, expireIn: 7200 }) },
  api: { path: SUBSCRIBE_PATH, headers: { "content-type": "application/json" } },
});

function setup(opts: { credentials?: DingTalkCredentials; options?: DingTalkClientInit["options"] } = {}) {
  return dingTalk.setup(
    (deps) => new DingTalkClient({ ...deps, credentials: opts.credentials ?? { kind: "app", appKey: APP_KEY, appSecret: APP_SECRET }, options: opts.options }),
  );
}

const calls = (seen: Seen[], path: string) => seen.filter((s) => s.path.startsWith(path));
const subscribes = (seen: Seen[]) => calls(seen, "/v1.0/storage/events/subscribe");
const tokenFetches = (seen: Seen[]) => calls(seen, "/v1.0/oauth2/");

describe("DingTalkClient requests", () => {
  it("subscribes with the raw token header, unionId in the query and scope in the body", async () => {
    const t = setup();
    t.token();
    t.api(200, fixture("dingtalk", "200-subscribe"));
    await t.client.subscribe(SCOPE);
    expect(t.seen[0]).toMatchObject({ path: "/v1.0/oauth2/accessToken", body: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const [call] = subscribes(t.seen);
    expect(call!.path).toBe("/v1.0/storage/events/subscribe?unionId=iPiSxyzUnion%2B%2F%20id");
    expect(call!.headers["x-acs-dingtalk-access-token"]).toBe(TOKEN_1);
    expect(call!.body).toEqual({ scope: "ORG", scopeId: "ding123" });
  });

  it("unsubscribes at its own path", async () => {
    const t = setup();
    t.token();
    t.api(200, { success: true }, {}, "/v1.0/storage/events/unsubscribe?unionId=u1");
    await t.client.unsubscribe({ scope: "SPACE", scopeId: "space-9", unionId: "u1" });
    expect(calls(t.seen, "/v1.0/storage/events/unsubscribe")[0]!.body).toEqual({ scope: "SPACE", scopeId: "space-9" });
  });

  it("gets third-party tokens from corpAccessToken with the suite ticket", async () => {
    const t = setup({
      credentials: { kind: "suite", suiteKey: "suitekey123", suiteSecret: "suite-secret-xyz-0123", suiteTicket: "ticket-abc-0123", authCorpId: "dingcorp1" },
    });
    t.reply("/v1.0/oauth2/corpAccessToken", 200, fixture("dingtalk", "200-corpAccessToken"));
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(t.seen[0]!.body).toEqual({ suiteKey: "suitekey123", suiteSecret: "suite-secret-xyz-0123", authCorpId: "dingcorp1", suiteTicket: "ticket-abc-0123" });
  });

  it("uses a configured access token without fetching one", async () => {
    const t = setup({ credentials: { kind: "token", accessToken: "preissued-token-0123456789" } });
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(subscribes(t.seen)[0]!.headers["x-acs-dingtalk-access-token"]).toBe("preissued-token-0123456789");
  });
});

describe("DingTalkClient tokens", () => {
  it("reuses the cached token across calls", async () => {
    const t = setup();
    t.token();
    t.api(200, { success: true });
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    await t.client.subscribe(SCOPE);
    expect(tokenFetches(t.seen)).toHaveLength(1);
    expect(t.tokenCache.stats().fetches).toBe(1);
  });

  it("fetches one token for N concurrent calls", async () => {
    const t = setup();
    t.token().delay(20);
    for (let i = 0; i < 10; i++) t.api(200, { success: true });
    await Promise.all(Array.from({ length: 10 }, () => t.client.subscribe(SCOPE)));
    expect(tokenFetches(t.seen)).toHaveLength(1);
    expect(subscribes(t.seen).every((s) => s.headers["x-acs-dingtalk-access-token"] === TOKEN_1)).toBe(true);
  });

  it("refetches a token that is about to expire", async () => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(200, { success: true });
    t.token(TOKEN_2);
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    t.clock.advance(7200_000 - 300_000);
    await t.client.subscribe(SCOPE);
    expect(subscribes(t.seen).map((s) => s.headers["x-acs-dingtalk-access-token"])).toEqual([TOKEN_1, TOKEN_2]);
  });

  it.each([
    [400, "400-InvalidAuthentication"],
    [401, "401-Unauthorized"],
  ])("on %i drops the token and retries exactly once with a fresh one", async (status, name) => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(status, fixture("dingtalk", name));
    t.token(TOKEN_2);
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(subscribes(t.seen).map((s) => s.headers["x-acs-dingtalk-access-token"])).toEqual([TOKEN_1, TOKEN_2]);
    expect(t.clock.sleeps).toEqual([]);
    expect(t.tokenCache.stats()).toMatchObject({ fetches: 2, invalidations: 1 });
  });

  it("gives up with AuthError when the fresh token is rejected too", async () => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(400, fixture("dingtalk", "400-InvalidAuthentication"));
    t.token(TOKEN_2);
    t.api(400, fixture("dingtalk", "400-InvalidAuthentication"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(subscribes(t.seen)).toHaveLength(2);
    expect(error.message).toMatch(/A freshly issued token was rejected too; check dingtalk:appKey, dingtalk:appSecret\.$/);
  });

  it("cannot refresh a configured token: AuthError asking for a new dingtalk:accessToken", async () => {
    const t = setup({ credentials: { kind: "token", accessToken: "expired-preissued-token-42" } });
    t.api(401, fixture("dingtalk", "401-Unauthorized"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as AuthError).keys).toEqual(["dingtalk:accessToken"]);
    expect(error.message).toContain("set a new dingtalk:accessToken");
    expect(subscribes(t.seen)).toHaveLength(1);
  });

  it("turns bad app credentials into AuthError naming the keys, without retrying", async () => {
    const t = setup();
    t.token(undefined, 400, fixture("dingtalk", "400-invalidClientIdOrSecret"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as AuthError).keys).toEqual(["dingtalk:appKey", "dingtalk:appSecret"]);
    expect(error.message).toMatch(
      new RegExp(`^DingTalk get access token app:${APP_KEY} failed: 400 invalidClientIdOrSecret: .*\\(request id ${REQUEST_ID}\\)\\. Check dingtalk:appKey and dingtalk:appSecret\\.$`),
    );
    expect(error.message).not.toContain(APP_SECRET);
  });

  it("retries a throttled token fetch", async () => {
    const t = setup();
    t.token(undefined, 403, fixture("dingtalk", "403-Forbidden.AccessDenied.QpsLimitForApi"));
    t.token();
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(t.clock.sleeps).toEqual([1000]);
  });
});

describe("DingTalkClient retries", () => {
  it("waits ~1 s on a 403 Qps throttle, as DingTalk advises", async () => {
    const t = setup();
    t.token();
    t.api(403, fixture("dingtalk", "403-Forbidden.AccessDenied.QpsLimitForApi"));
    t.api(403, { ...fixture("dingtalk", "403-Forbidden.AccessDenied.QpsLimitForApi"), code: "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi" });
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(subscribes(t.seen)).toHaveLength(3);
    expect(t.clock.sleeps).toEqual([1000, 1000]);
  });

  it("honours Retry-After on a 429", async () => {
    const t = setup();
    t.token();
    t.api(429, fixture("dingtalk", "429-system.busy"), { "retry-after": "3" });
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(t.clock.sleeps).toEqual([3000]);
  });

  it("retries 500 and 503 with jittered backoff", async () => {
    const t = setup();
    t.token();
    t.api(500, fixture("dingtalk", "500-systemError"));
    t.api(503, fixture("dingtalk", "503-operationTimeout"));
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(t.clock.sleeps).toEqual([125, 250]);
  });

  it("retries a dropped connection", async () => {
    const t = setup();
    t.token();
    t.pool.intercept({ path: SUBSCRIBE_PATH, method: "POST" }).replyWithError(new errors.SocketError("other side closed"));
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(t.clock.sleeps).toEqual([125]);
    expect(t.logger.lines).toEqual([
      "info: DingTalk subscribe ORG:ding123: attempt 1/6 failed (network error (UND_ERR_SOCKET)); retrying in 0.1 s",
    ]);
  });

  it("retries a request that timed out", async () => {
    const t = setup({ options: { requestTimeoutMs: 30 } });
    t.token();
    t.api(200, { success: true }).delay(2_000);
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(subscribes(t.seen)).toHaveLength(2);
    expect(t.logger.lines[0]).toBe("info: DingTalk subscribe ORG:ding123: attempt 1/6 failed (timeout (deadline)); retrying in 0.1 s");
  });

  it("bounds the attempts", async () => {
    const t = setup({ options: { maxAttempts: 3 } });
    t.token();
    for (let i = 0; i < 3; i++) t.api(503, fixture("dingtalk", "503-operationTimeout"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect(subscribes(t.seen)).toHaveLength(3);
    expect(error.message).toMatch(/Gave up after 3 attempts\.$/);
  });

  it("bounds the elapsed time", async () => {
    const t = setup({ options: { maxRetryElapsedMs: 2_500 } });
    t.token();
    for (let i = 0; i < 3; i++) t.api(403, fixture("dingtalk", "403-Forbidden.AccessDenied.QpsLimitForApi"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(error.message).toContain("lower dingtalk:maxQps");
    expect(subscribes(t.seen)).toHaveLength(3);
    expect(t.clock.sleeps).toEqual([1000, 1000]);
  });

  it("writes exactly one line per retry, without secrets", async () => {
    const t = setup();
    t.token();
    t.api(503, fixture("dingtalk", "503-operationTimeout"));
    t.api(403, fixture("dingtalk", "403-Forbidden.AccessDenied.QpsLimitForApi"));
    t.api(200, { success: true });
    await t.client.subscribe(SCOPE);
    expect(t.logger.lines).toEqual([
      "info: DingTalk subscribe ORG:ding123: attempt 1/6 failed (503 operationTimeout); retrying in 0.1 s",
      "info: DingTalk subscribe ORG:ding123: attempt 2/6 failed (403 Forbidden.AccessDenied.QpsLimitForApi); retrying in 1.0 s",
    ]);
  });
});

describe("DingTalkClient refusals (never retried)", () => {
  it.each([
    ["400-paramError", "Check scope (ORG or SPACE)"],
    ["400-paramError.scopeId", "Check scope (ORG or SPACE)"],
    ["403-permissionDenied", "Grant the app the Storage.Event.Write permission"],
  ])("%s: one attempt, with a hint", async (name, hint) => {
    const t = setup();
    t.token();
    const status = Number(name.slice(0, 3));
    t.api(status, fixture("dingtalk", name));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect((error as VendorApiError).httpStatus).toBe(status);
    expect((error as VendorApiError).hint).toContain(hint);
    expect(subscribes(t.seen)).toHaveLength(1);
    expect(t.clock.sleeps).toEqual([]);
  });

  it("formats the message: operation, target, status, code, message, request id, hint", async () => {
    const t = setup();
    t.token();
    t.api(403, fixture("dingtalk", "403-permissionDenied"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(error.message).toBe(
      `DingTalk subscribe ORG:ding123 failed: 403 permissionDenied: The app lacks the permission Storage.Event.Write (request id ${REQUEST_ID}). ` +
        "Grant the app the Storage.Event.Write permission, and check that the operator (unionId) may manage this scope.",
    );
  });

  it("lists requiredScopes for AccessTokenPermissionDenied", async () => {
    const t = setup();
    t.token();
    t.api(403, {
      code: "Forbidden.AccessDenied.AccessTokenPermissionDenied",
      message: "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission",
      requestid: REQUEST_ID,
      accessdenieddetail: { requiredScopes: ["Storage.Event.Write", "Storage.File.Read"] },
    });
    const error = (await caught(() => t.client.subscribe(SCOPE))) as VendorApiError;
    expect(error.hint).toBe("Grant the app these API scopes in the DingTalk developer console: Storage.Event.Write, Storage.File.Read.");
    expect(subscribes(t.seen)).toHaveLength(1);
  });

  it("treats a 200 with success:false as a failure", async () => {
    const t = setup();
    t.token();
    t.api(200, { success: false });
    const error = (await caught(() => t.client.subscribe(SCOPE))) as VendorApiError;
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect(error.httpStatus).toBe(200);
    expect(error.message).toBe('DingTalk subscribe ORG:ding123 failed: 200: the answer did not report success: {"success":false}.');
    expect(subscribes(t.seen)).toHaveLength(1);
  });

  it("accepts the gateway's Code/Message/RequestId spelling", async () => {
    const t = setup();
    t.token();
    t.api(400, { Code: "paramError.scope", Message: "scope is invalid", RequestId: "GW-RID-9" });
    const error = (await caught(() => t.client.subscribe(SCOPE))) as VendorApiError;
    expect(error).toMatchObject({ vendorCode: "paramError.scope", vendorMessage: "scope is invalid", requestId: "GW-RID-9" });
  });

  it("falls back to the x-acs-request-id header", async () => {
    const t = setup();
    t.token();
    t.api(403, { code: "permissionDenied", message: "denied" }, { "x-acs-request-id": "HDR-RID-1" });
    expect(((await caught(() => t.client.subscribe(SCOPE))) as VendorApiError).requestId).toBe("HDR-RID-1");
  });

  it.each([
    ["JSON", { status: 1111, punish: "deny", msg: "Access denied" }, {}],
    ["HTML", "<!DOCTYPE html><html><body>punish deny: your IP is blocked</body></html>", { "content-type": "text/html" }],
  ])("explains an IP ban (%s answer) and does not retry", async (_kind, body, headers) => {
    const t = setup();
    t.token();
    t.api(403, body, headers);
    const error = (await caught(() => t.client.subscribe(SCOPE))) as VendorApiError;
    expect(error.vendorCode).toBe("IpBanned");
    expect(error.hint).toContain("bans an IP for 5 minutes");
    expect(subscribes(t.seen)).toHaveLength(1);
  });

  it("does not follow a redirect", async () => {
    const t = setup();
    t.token();
    t.api(302, "", { location: "https://evil.example/collect" });
    const error = (await caught(() => t.client.subscribe(SCOPE))) as VendorApiError;
    expect(error.httpStatus).toBe(302);
    expect(error.message).toContain("redirect to https://evil.example/collect");
    expect(error.hint).toContain("Redirects are never followed");
    expect(subscribes(t.seen)).toHaveLength(1);
  });
});

describe("DingTalkClient secrets and settings", () => {
  it("keeps the app secret and tokens out of every message and log line", async () => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(503, fixture("dingtalk", "503-operationTimeout"));
    t.api(403, { code: "permissionDenied", message: `token ${TOKEN_1} of ${APP_KEY} with ${APP_SECRET} denied`, requestid: "R" });
    const error = await caught(() => t.client.subscribe(SCOPE));
    const everything = [error.message, String(error), JSON.stringify(error), (error as VendorApiError).vendorMessage, ...t.logger.lines].join("\n");
    expect(everything).not.toContain(TOKEN_1);
    expect(everything).not.toContain(APP_SECRET);
    expect(error.message).toContain("token [redacted]");
  });

  it("rejects header-splitting credentials naming the key, not the value", () => {
    const secret = "bad-secret-0123\r\nX-Injected: 1";
    const error = thrown(
      () => new DingTalkClient({ endpoint: new URL(ORIGIN), credentials: { kind: "app", appKey: APP_KEY, appSecret: secret }, dispatcher: dingTalk.agent() }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).keys).toEqual(["dingtalk:appSecret"]);
    expect((error as Error).message).not.toContain("bad-secret-0123");
  });

  it.each([
    ["http://api.dingtalk.com", "dingtalk:endpoint must use https:"],
    ["https://user:pw@api.dingtalk.com", "dingtalk:endpoint must not contain credentials"],
  ])("validates the endpoint %s", (endpoint, message) => {
    const agent = dingTalk.agent();
    expect(
      () => new DingTalkClient({ endpoint: new URL(endpoint), credentials: { kind: "token", accessToken: "t0123456" }, dispatcher: agent }),
    ).toThrow(message);
  });

  it("validates options naming the dingtalk: key", () => {
    const agent = dingTalk.agent();
    expect(
      () =>
        new DingTalkClient({
          endpoint: new URL(ORIGIN),
          credentials: { kind: "token", accessToken: "t0123456" },
          dispatcher: agent,
          options: { maxAttempts: 0 },
        }),
    ).toThrow("dingtalk:maxAttempts must be an integer from 1 to 20 (got 0).");
  });

  it("rejects a bad scope before sending anything", async () => {
    const t = setup();
    const error = await caught(() => t.client.subscribe({ ...SCOPE, scope: "ALL" as "ORG" }));
    expect(ProviderError.isInstance(error) && error.code).toBe("CONFIG_ERROR");
  });

  it("accepts a loopback http endpoint (the emulator)", async () => {
    const agent = dingTalk.agent();
    agent.get("http://127.0.0.1:4100").intercept({ path: SUBSCRIBE_PATH, method: "POST" }).reply(200, { success: true });
    const client = new DingTalkClient({
      endpoint: new URL("http://127.0.0.1:4100"),
      credentials: { kind: "token", accessToken: "t0123456" },
      dispatcher: agent,
    });
    await client.subscribe(SCOPE);
  });
});
