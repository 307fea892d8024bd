import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../provider/emulator";
import { CORP, DT, dingTalkEvents, dingTalkToken, post } from "./helpers";

let emu: Emulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({
    dingtalk: {
      apps: [
        DT.apps[0]!,
        { appKey: "dingnopermission0001", appSecret: "dtAppSecret-noperm-1f2e3d4c5b6a7988", corpId: CORP, permissions: false },
      ],
    },
  });
});
afterAll(() => emu.stop());
beforeEach(async () => {
  emu.reset();
  token = await dingTalkToken(emu);
});

describe("DingTalk storage events: success", () => {
  it("subscribes an ORG scope and answers 200 {success:true} with a request id header", async () => {
    const r = await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true });
    expect(r.headers.get("x-acs-request-id")).toMatch(/^[0-9A-F-]{36}$/);
    expect(emu.subscriptions().dingtalk).toEqual([
      { app: DT.apps[0]!.appKey, scope: "ORG", scopeId: CORP, unionId: "union-001" },
    ]);
    expect(emu.ledger().at(-1)).toMatchObject({
      vendor: "dingtalk",
      op: "subscribe",
      method: "POST",
      path: "/v1.0/storage/events/subscribe",
      status: 200,
      code: "ok",
      app: DT.apps[0]!.appKey,
      scope: "ORG",
      scopeId: CORP,
      unionId: "union-001",
    });
  });

  it("treats subscribe as an upsert: twice succeeds and leaves one entry with the latest unionId", async () => {
    const body = { scope: "SPACE", scopeId: "space-42" };
    expect((await dingTalkEvents(emu, "subscribe", token, body, "union-a")).status).toBe(200);
    expect((await dingTalkEvents(emu, "subscribe", token, body, "union-b")).status).toBe(200);
    expect(emu.subscriptions().dingtalk).toEqual([
      { app: DT.apps[0]!.appKey, scope: "SPACE", scopeId: "space-42", unionId: "union-b" },
    ]);
  });

  it("unsubscribes, and unsubscribing what is not subscribed also succeeds", async () => {
    const body = { scope: "SPACE", scopeId: "space-42" };
    await dingTalkEvents(emu, "subscribe", token, body);
    await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP });
    const r = await dingTalkEvents(emu, "unsubscribe", token, body);
    expect([r.status, r.body]).toEqual([200, { success: true }]);
    expect(emu.subscriptions().dingtalk.map((s) => s.scope)).toEqual(["ORG"]);
    const again = await dingTalkEvents(emu, "unsubscribe", token, body);
    expect([again.status, again.body]).toEqual([200, { success: true }]);
    expect(emu.ledger().map((e) => e.op)).toEqual(["token", "subscribe", "subscribe", "unsubscribe", "unsubscribe"]);
  });

  it("keys subscriptions by app: the same scope from two identities is two entries", async () => {
    await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP });
    await dingTalkEvents(emu, "subscribe", DT.preIssuedTokens[0]!.token, { scope: "ORG", scopeId: CORP });
    expect(emu.subscriptions().dingtalk.map((s) => s.app)).toEqual([DT.apps[0]!.appKey, "pre-issued"]);
  });
});

describe("DingTalk storage events: rejections change nothing", () => {
  const cases: Array<[string, () => Promise<import("./helpers").Answer>, number, string]> = [
    ["missing token", () => dingTalkEvents(emu, "subscribe", undefined, { scope: "ORG", scopeId: CORP }), 401, "Unauthorized"],
    ["unknown token", () => dingTalkEvents(emu, "subscribe", "0".repeat(32), { scope: "ORG", scopeId: CORP }), 400, "InvalidAuthentication"],
    ["token with a Bearer prefix", () => dingTalkEvents(emu, "subscribe", `Bearer ${token}`, { scope: "ORG", scopeId: CORP }), 400, "InvalidAuthentication"],
    ["missing unionId", () => dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP }, null), 400, "paramError"],
    ["empty unionId", () => dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP }, ""), 400, "paramError"],
    ["a body that is not JSON", () => dingTalkEvents(emu, "subscribe", token, "{scope:ORG"), 400, "paramError"],
    ["a JSON array body", () => dingTalkEvents(emu, "subscribe", token, [{ scope: "ORG" }]), 400, "paramError"],
    ["an empty body", () => dingTalkEvents(emu, "subscribe", token, ""), 400, "paramError"],
    ["scope missing", () => dingTalkEvents(emu, "subscribe", token, { scopeId: CORP }), 400, "paramError.scope"],
    ["scope lowercase", () => dingTalkEvents(emu, "subscribe", token, { scope: "org", scopeId: CORP }), 400, "paramError.scope"],
    ["scope USER", () => dingTalkEvents(emu, "subscribe", token, { scope: "USER", scopeId: CORP }), 400, "paramError.scope"],
    ["scopeId empty", () => dingTalkEvents(emu, "subscribe", token, { scope: "SPACE", scopeId: "" }), 400, "paramError.scopeId"],
    ["scopeId missing", () => dingTalkEvents(emu, "subscribe", token, { scope: "SPACE" }), 400, "paramError.scopeId"],
    ["scopeId a number", () => dingTalkEvents(emu, "subscribe", token, { scope: "SPACE", scopeId: 42 }), 400, "paramError.scopeId"],
    ["ORG with another corp", () => dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: "ding-corp-other" }), 400, "paramError.scopeId"],
    ["unsubscribe ORG with another corp", () => dingTalkEvents(emu, "unsubscribe", token, { scope: "ORG", scopeId: "ding-corp-other" }), 400, "paramError.scopeId"],
  ];

  it.each(cases)("rejects %s", async (_name, send, status, code) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ code, message: expect.any(String), requestid: expect.any(String) });
    expect(r.headers.get("x-acs-request-id")).toBe(r.body.requestid);
    expect(emu.subscriptions().dingtalk).toEqual([]);
    expect(emu.ledger().at(-1)).toMatchObject({ status, code });
  });

  it("answers 403 permissionDenied when the app lacks Storage.Event.Write, for subscribe and unsubscribe", async () => {
    const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, {
      appKey: "dingnopermission0001",
      appSecret: "dtAppSecret-noperm-1f2e3d4c5b6a7988",
    });
    for (const op of ["subscribe", "unsubscribe"] as const) {
      const answer = await dingTalkEvents(emu, op, r.body.accessToken, { scope: "ORG", scopeId: CORP });
      expect([answer.status, answer.body.code]).toEqual([403, "permissionDenied"]);
    }
    expect(emu.subscriptions().dingtalk).toEqual([]);
  });

  it("answers a wrong method and an unknown path with 404 InvalidAction.NotFound, recorded as unknown", async () => {
    const wrongMethod = await post(`${emu.url}/v1.0/storage/events/subscribe?unionId=u`, undefined, {
      "x-acs-dingtalk-access-token": token,
    }, { method: "GET" });
    const unknownPath = await dingTalkEvents(emu, "subscribe", token, {}).then(() =>
      post(`${emu.url}/v1.0/storage/events/list`, {}, { "x-acs-dingtalk-access-token": token }),
    );
    for (const r of [wrongMethod, unknownPath]) {
      expect([r.status, r.body.code]).toEqual([404, "InvalidAction.NotFound"]);
    }
    const unknown = emu.ledger().filter((e) => e.op === "unknown");
    expect(unknown.map((e) => [e.method, e.path, e.status])).toEqual([
      ["GET", "/v1.0/storage/events/subscribe", 404],
      ["POST", "/v1.0/storage/events/list", 404],
    ]);
  });
});
