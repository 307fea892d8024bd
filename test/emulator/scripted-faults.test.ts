import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../provider/emulator";
import { DT, EVENTS, ORG, dingTalkEvents, dingTalkToken, feishuEvents, feishuToken, get, post } from "./helpers";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const SPACE = { scope: "SPACE", scopeId: "space-1" };

/** The error of a call whose answer never came. */
async function lost(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => "answered",
    (e: unknown) => e,
  );
}

describe("applied, then the answer is lost", () => {
  it("applied-drop: the DingTalk subscription is made, then the connection drops", async () => {
    emu = await startEmulator({ faults: { script: [{ fault: "applied-drop", op: "subscribe" }] } });
    const token = await dingTalkToken(emu);
    const error = await lost(dingTalkEvents(emu, "subscribe", token, SPACE));
    expect(error).toBeInstanceOf(TypeError); // fetch failed: no answer
    expect(emu.subscriptions().dingtalk).toEqual([
      { app: DT.apps[0]!.appKey, scope: "SPACE", scopeId: "space-1", unionId: "union-001" },
    ]);
    expect(emu.ledger().at(-1)).toMatchObject({ op: "subscribe", status: 0, code: "", fault: "applied-dropped", scopeId: "space-1" });
    expect(emu.stats().scripted).toBe(1);
    // Used up: the next call is answered.
    expect((await dingTalkEvents(emu, "subscribe", token, SPACE)).status).toBe(200);
    expect(emu.faults()).toEqual({});
  });

  it("applied-hang: the Feishu unsubscribe is carried out, then no answer comes", async () => {
    emu = await startEmulator();
    const token = await feishuToken(emu);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS)).status).toBe(200);
    emu.setFaults({ script: [{ fault: "applied-hang", vendor: "feishu", op: "unsubscribe" }] });
    const error = await lost(feishuEvents(emu, "unsubscribe", token, EVENTS, undefined, { signal: AbortSignal.timeout(200) }));
    expect((error as Error).name).toBe("TimeoutError");
    expect(emu.subscriptions().feishu).toEqual([]);
    expect(emu.ledger().at(-1)).toMatchObject({ op: "unsubscribe", status: 0, fault: "applied-hang" });
  });

  it("a refused call is still answered: nothing was applied, so nothing is lost", async () => {
    emu = await startEmulator({ faults: { script: [{ fault: "applied-drop" }] } });
    const token = await dingTalkToken(emu);
    const r = await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: "another-corp" });
    expect([r.status, r.body.code]).toEqual([400, "paramError.scopeId"]);
    expect(emu.subscriptions().dingtalk).toEqual([]);
  });

  it("is one of the random failure kinds too, and can hit the token endpoints", async () => {
    emu = await startEmulator({ faults: { failureRate: 1, failureKinds: ["applied-drop"], includeTokenEndpoints: true } });
    const body = { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret };
    expect(await lost(post(`${emu.url}/v1.0/oauth2/accessToken`, body))).toBeInstanceOf(TypeError);
    expect(emu.issuedTokens()).toHaveLength(DT.preIssuedTokens.length + 2); // + the Feishu pre-issued one, + the lost one
    expect(emu.stats().failures["applied-drop"]).toBe(1);
    expect(emu.ledger().at(-1)).toMatchObject({ op: "token", fault: "applied-dropped" });
  });
});

describe("scripted answers", () => {
  it("throttle: the chosen wait hint goes out as is, 0 and absurd values included", async () => {
    const hints = ["0", "3600", "2147483648", "Wed, 21 Oct 2099 07:28:00 GMT"];
    emu = await startEmulator({
      faults: { script: [...hints.map((waitHint) => ({ fault: "throttle" as const, waitHint })), { fault: "throttle", waitHint: [1, 2] }] },
    });
    const ft = await feishuToken(emu);
    for (const hint of hints) {
      const r = await feishuEvents(emu, "subscribe", ft, EVENTS);
      expect([r.status, r.body.code, r.headers.get("x-ogw-ratelimit-reset")]).toEqual([429, 99991400, hint]);
    }
    const dt = await dingTalkToken(emu);
    const r = await dingTalkEvents(emu, "subscribe", dt, ORG);
    expect([r.status, r.body.code]).toEqual([403, "Forbidden.AccessDenied.QpsLimitForApi"]);
    expect(r.headers.get("retry-after")).toBe("1, 2"); // sent twice; fetch joins them
    expect(emu.ledger().filter((e) => e.fault === "throttled")).toHaveLength(5);
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
  });

  it("Feishu: throttling answered with HTTP 400, 99991672 with the missing scope, 99991401", async () => {
    emu = await startEmulator({
      faults: {
        script: [
          { fault: "throttle-400", vendor: "feishu", waitHint: 2 },
          { fault: "scope-denied", vendor: "feishu" },
          { fault: "ip-denied", vendor: "feishu" },
        ],
      },
    });
    const token = await feishuToken(emu);
    const a = await feishuEvents(emu, "subscribe", token, EVENTS);
    expect([a.status, a.body.code, a.headers.get("x-ogw-ratelimit-reset")]).toEqual([400, 99991400, "2"]);
    const b = await feishuEvents(emu, "subscribe", token, EVENTS);
    expect([b.status, b.body.code]).toEqual([400, 99991672]);
    expect(b.body.error.permission_violations).toEqual([{ type: "action_scope_required", subject: "helpdesk:all:readonly" }]);
    expect(b.body.error.log_id).toBe(b.headers.get("x-tt-logid"));
    const c = await feishuEvents(emu, "unsubscribe", token, EVENTS);
    expect([c.status, c.body.code]).toEqual([400, 99991401]);
    expect(emu.subscriptions().feishu).toEqual([]);
  });

  it("DingTalk: AccessTokenPermissionDenied with requiredScopes, 200 success:false, both IP-ban answers", async () => {
    emu = await startEmulator({
      faults: {
        script: [
          { fault: "scope-denied", requiredScopes: ["Storage.Event.Write", "Storage.File.Read"] },
          { fault: "success-false", vendor: "dingtalk" },
          { fault: "ip-ban-json", vendor: "dingtalk" },
          { fault: "ip-ban-html", vendor: "dingtalk", status: 502 },
        ],
      },
    });
    const token = await dingTalkToken(emu);
    const a = await dingTalkEvents(emu, "subscribe", token, ORG);
    expect(a.status).toBe(403);
    expect(a.body).toMatchObject({
      code: "Forbidden.AccessDenied.AccessTokenPermissionDenied",
      accessdenieddetail: { requiredScopes: ["Storage.Event.Write", "Storage.File.Read"] },
    });
    expect(a.body.requestid).toBe(a.headers.get("x-acs-request-id"));
    const b = await dingTalkEvents(emu, "subscribe", token, ORG);
    expect([b.status, b.body]).toEqual([200, { success: false }]);
    const c = await dingTalkEvents(emu, "subscribe", token, ORG);
    expect([c.status, c.body]).toEqual([403, { status: 1111, punish: "deny" }]);
    const res = await fetch(`${emu.url}/v1.0/storage/events/subscribe?unionId=u`, {
      method: "POST",
      headers: { "x-acs-dingtalk-access-token": token, "content-type": "application/json" },
      body: JSON.stringify(ORG),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/punish: deny/);
    expect(emu.subscriptions().dingtalk).toEqual([]);
    expect(emu.ledger().map((e) => e.code)).toEqual(["ok", "Forbidden.AccessDenied.AccessTokenPermissionDenied", "success-false", "ip-ban", "ip-ban"]);
  });

  it("matches vendor and op, counts times, leaves token calls alone unless named", async () => {
    emu = await startEmulator({
      faults: { script: [{ fault: "500", vendor: "feishu", op: "unsubscribe", times: 2 }, { fault: "503", op: "token", vendor: "dingtalk" }] },
    });
    const ft = await feishuToken(emu); // not matched: op token, vendor feishu
    expect((await feishuEvents(emu, "subscribe", ft, EVENTS)).status).toBe(200);
    expect((await feishuEvents(emu, "unsubscribe", ft, EVENTS)).status).toBe(500);
    expect(emu.faults()).toMatchObject({ script: [{ fault: "500", times: 1 }, { fault: "503" }] });
    expect((await feishuEvents(emu, "unsubscribe", ft, EVENTS)).status).toBe(500);
    expect((await feishuEvents(emu, "unsubscribe", ft, EVENTS)).status).toBe(200);
    const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret });
    expect([r.status, r.body.code]).toEqual([503, "operationTimeout"]);
    expect(emu.faults()).toEqual({});
  });

  it("is set over the control endpoint, and kinds of one vendor must name it", async () => {
    emu = await startEmulator();
    const put = (body: unknown) =>
      fetch(`${emu!.url}/_emulator/faults`, { method: "PUT", body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string } }));
    const bad = await put({ script: [{ fault: "ip-ban-json" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/script\.0\.vendor: fault "ip-ban-json" exists only for dingtalk/);
    expect((await put({ script: [{ fault: "throttle-400", vendor: "dingtalk" }] })).status).toBe(400);
    expect((await put({ script: [{ fault: "nope" }] })).status).toBe(400);
    const ok = await put({ script: [{ fault: "applied-drop", op: "subscribe", times: 3 }] });
    expect(ok.status).toBe(200);
    expect((await get(`${emu.url}/_emulator/faults`)).body).toEqual({ faults: { script: [{ fault: "applied-drop", op: "subscribe", times: 3 }] } });
  });
});
