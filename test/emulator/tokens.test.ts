import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../provider/emulator";
import { CORP, DT, FS, dingTalkEvents, feishuEvents, manualClock, post, TICKET_MESSAGE } from "./helpers";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const suite = DT.suites[0]!;
const suiteBody = {
  suiteKey: suite.suiteKey,
  suiteSecret: suite.suiteSecret,
  authCorpId: suite.authCorpId,
  suiteTicket: suite.suiteTicket,
};

describe("DingTalk internal app token", () => {
  it("returns a 32-hex token with expireIn 7200, and the same token while it is valid", async () => {
    emu = await startEmulator();
    const body = { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret };
    const first = await post(`${emu.url}/v1.0/oauth2/accessToken`, body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accessToken: expect.stringMatching(/^[0-9a-f]{32}$/), expireIn: 7200 });
    const second = await post(`${emu.url}/v1.0/oauth2/accessToken`, body);
    expect(second.body.accessToken).toBe(first.body.accessToken);
    expect(emu.ledger().map((e) => [e.op, e.app, e.code])).toEqual([
      ["token", DT.apps[0]!.appKey, "ok"],
      ["token", DT.apps[0]!.appKey, "ok"],
    ]);
  });

  it("renews the token when re-asked within its validity (expireIn is the full lifetime again), a new one once it expired", async () => {
    const clock = manualClock();
    emu = await startEmulator({ now: clock.now, tokenTtlSeconds: 60 });
    const body = { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret };
    const first = (await post(`${emu.url}/v1.0/oauth2/accessToken`, body)).body.accessToken;
    clock.advance(30_000);
    const again = await post(`${emu.url}/v1.0/oauth2/accessToken`, body);
    expect(again.body).toEqual({ accessToken: first, expireIn: 60 });
    clock.advance(59_000); // 89 s after the first fetch: past the first lifetime, within the renewed one
    expect((await dingTalkEvents(emu, "subscribe", first, { scope: "ORG", scopeId: CORP })).status).toBe(200);
    clock.advance(1_000);
    const next = (await post(`${emu.url}/v1.0/oauth2/accessToken`, body)).body.accessToken;
    expect(next).not.toBe(first);
    const old = await dingTalkEvents(emu, "subscribe", first, { scope: "ORG", scopeId: CORP });
    expect([old.status, old.body.code]).toEqual([400, "InvalidAuthentication"]);
    const fresh = await dingTalkEvents(emu, "subscribe", next, { scope: "ORG", scopeId: CORP });
    expect(fresh.status).toBe(200);
  });

  it.each([
    ["wrong secret", { appKey: DT.apps[0]!.appKey, appSecret: "nope" }],
    ["unknown appKey", { appKey: "nobody", appSecret: DT.apps[0]!.appSecret }],
    ["missing fields", {}],
  ])("answers 400 invalidClientIdOrSecret on %s, with no token", async (_name, body) => {
    emu = await startEmulator();
    const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, body);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("invalidClientIdOrSecret");
    expect(r.body.accessToken).toBeUndefined();
    expect(emu.issuedTokens()).toHaveLength(DT.preIssuedTokens.length + FS.preIssuedTokens.length);
  });

  it("answers 400 paramError on a body that is not JSON", async () => {
    emu = await startEmulator();
    const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, "{not json");
    expect([r.status, r.body.code]).toEqual([400, "paramError"]);
  });
});

describe("DingTalk third-party (suite) token", () => {
  it("issues a new token on every call, all of them valid", async () => {
    emu = await startEmulator();
    const a = await post(`${emu.url}/v1.0/oauth2/corpAccessToken`, suiteBody);
    const b = await post(`${emu.url}/v1.0/oauth2/corpAccessToken`, suiteBody);
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ accessToken: expect.stringMatching(/^[0-9a-f]{32}$/), expireIn: 7200 });
    expect(b.body.accessToken).not.toBe(a.body.accessToken);
    for (const token of [a.body.accessToken, b.body.accessToken]) {
      const r = await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: suite.authCorpId });
      expect(r.status).toBe(200);
    }
    expect(emu.subscriptions().dingtalk).toEqual([
      { app: suite.suiteKey, scope: "ORG", scopeId: suite.authCorpId, unionId: "union-001" },
    ]);
  });

  it.each([
    ["unknown suiteKey", { suiteKey: "nobody" }, "invalidSuiteKey"],
    ["wrong suiteSecret", { suiteSecret: "nope" }, "invalidSuiteKey"],
    ["outdated suiteTicket", { suiteTicket: "old-ticket" }, "invalidSuiteTicket"],
    ["unauthorized corp", { authCorpId: "ding-corp-other" }, "invalidAuthInfo"],
  ])("answers 400 on %s", async (_name, change, code) => {
    emu = await startEmulator();
    const r = await post(`${emu.url}/v1.0/oauth2/corpAccessToken`, { ...suiteBody, ...change });
    expect([r.status, r.body.code]).toEqual([400, code]);
    expect(r.body.accessToken).toBeUndefined();
  });
});

describe("Feishu tenant access token", () => {
  const url = (emu: Emulator): string => `${emu.url}/open-apis/auth/v3/tenant_access_token/internal`;
  const body = { app_id: FS.apps[0]!.appId, app_secret: FS.apps[0]!.appSecret };

  it("returns the same token while 30 minutes or more are left, then a new one; both stay valid", async () => {
    const clock = manualClock();
    emu = await startEmulator({ now: clock.now });
    const first = await post(url(emu), body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      code: 0,
      msg: "ok",
      tenant_access_token: expect.stringMatching(/^t-g104\d[A-Za-z0-9]{36}$/),
      expire: 7200,
    });
    clock.advance(5400_000); // exactly 30 minutes left
    const same = await post(url(emu), body);
    expect(same.body).toMatchObject({ tenant_access_token: first.body.tenant_access_token, expire: 1800 });
    clock.advance(1000); // under 30 minutes left
    const renewed = await post(url(emu), body);
    expect(renewed.body.tenant_access_token).not.toBe(first.body.tenant_access_token);
    expect(renewed.body.expire).toBe(7200);
    for (const token of [first.body.tenant_access_token, renewed.body.tenant_access_token]) {
      expect((await feishuEvents(emu, "subscribe", token, { events: [TICKET_MESSAGE] })).body.code).toBe(0);
    }
    clock.advance(1800_000); // the first token is now past its expiry
    const expired = await feishuEvents(emu, "subscribe", first.body.tenant_access_token, { events: [TICKET_MESSAGE] });
    expect([expired.status, expired.body.code]).toEqual([401, 99991665]);
  });

  it.each([
    ["wrong secret", { app_id: FS.apps[0]!.appId, app_secret: "nope" }, 10014],
    ["unknown app id", { app_id: "cli_nobody", app_secret: "nope" }, 99991543],
    ["body that is not JSON", "oops", 99991543],
  ])("fails with a non-zero code and no token on %s", async (_name, badBody, code) => {
    emu = await startEmulator();
    const r = await post(url(emu), badBody);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(code);
    expect(r.body.tenant_access_token).toBeUndefined();
    expect(r.headers.get("x-tt-logid")).toBe(r.body.error.log_id);
  });
});

describe("pre-issued tokens", () => {
  it("work without a token call and act for their corp", async () => {
    emu = await startEmulator();
    const dt = await dingTalkEvents(emu, "subscribe", DT.preIssuedTokens[0]!.token, { scope: "ORG", scopeId: CORP });
    const fs = await feishuEvents(emu, "subscribe", FS.preIssuedTokens[0]!, { events: [TICKET_MESSAGE] });
    expect([dt.status, fs.status]).toEqual([200, 200]);
    expect(emu.ledger().map((e) => e.app)).toEqual(["pre-issued", "pre-issued"]);
  });

  it("are only accepted by their own vendor", async () => {
    emu = await startEmulator();
    const dt = await dingTalkEvents(emu, "subscribe", FS.preIssuedTokens[0]!, { scope: "ORG", scopeId: CORP });
    const fs = await feishuEvents(emu, "subscribe", DT.preIssuedTokens[0]!.token, { events: [TICKET_MESSAGE] });
    expect([dt.status, dt.body.code]).toEqual([400, "InvalidAuthentication"]);
    expect([fs.status, fs.body.code]).toEqual([401, 99991663]);
  });
});
