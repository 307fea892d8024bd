import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../provider/emulator";
import { CORP, DT, FS, TICKET_MESSAGE, dingTalkEvents, dingTalkToken, feishuEvents, feishuToken, get, post } from "./helpers";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

describe("control endpoint", () => {
  it("PUT /_emulator/faults sets faults, GET reads them, DELETE clears them", async () => {
    const put = await post(`${emu.url}/_emulator/faults`, { throttleQps: 5, latencyMs: 0 }, {}, { method: "PUT" });
    expect(put).toMatchObject({ status: 200, body: { faults: { throttleQps: 5 } } });
    expect(emu.faults()).toEqual({ throttleQps: 5 });
    expect((await get(`${emu.url}/_emulator/faults`)).body).toEqual({ faults: { throttleQps: 5 } });
    const del = await post(`${emu.url}/_emulator/faults`, undefined, {}, { method: "DELETE" });
    expect(del).toMatchObject({ status: 200, body: { faults: {} } });
    expect(emu.faults()).toEqual({});
  });

  it("PUT /_emulator/faults answers 400 on bad JSON or an invalid configuration and changes nothing", async () => {
    emu.setFaults({ latencyMs: 1 });
    const badJson = await post(`${emu.url}/_emulator/faults`, "{", {}, { method: "PUT" });
    const invalid = await post(`${emu.url}/_emulator/faults`, { failureRate: 3 }, {}, { method: "PUT" });
    expect(badJson.status).toBe(400);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/failureRate/);
    expect(emu.faults()).toEqual({ latencyMs: 1 });
  });

  it("faults set over HTTP really apply to vendor calls", async () => {
    const token = await dingTalkToken(emu);
    await post(`${emu.url}/_emulator/faults`, { failureRate: 1, failureKinds: ["503"] }, {}, { method: "PUT" });
    const r = await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP });
    expect([r.status, r.body.code]).toEqual([503, "operationTimeout"]);
    expect(emu.stats().failures["503"]).toBe(1);
  });

  it("GET /_emulator/state returns subscriptions, stats, counters and faults", async () => {
    const dt = await dingTalkToken(emu);
    const fs = await feishuToken(emu);
    await dingTalkEvents(emu, "subscribe", dt, { scope: "ORG", scopeId: CORP });
    await feishuEvents(emu, "subscribe", fs, { events: [TICKET_MESSAGE] });
    const r = await get(`${emu.url}/_emulator/state`);
    expect(r.status).toBe(200);
    expect(r.body.subscriptions).toEqual(emu.subscriptions());
    expect(r.body.subscriptions.dingtalk).toHaveLength(1);
    expect(r.body.subscriptions.feishu).toHaveLength(1);
    expect(r.body.stats).toEqual(emu.stats());
    expect(r.body.counters).toEqual({ calls: 4, dingtalk: 2, feishu: 2, tokens: emu.issuedTokens().length });
    expect(r.body.faults).toEqual({});
  });

  it("GET /_emulator/ledger returns the ledger; control calls are not in it", async () => {
    await dingTalkToken(emu);
    await get(`${emu.url}/_emulator/state`);
    const r = await get(`${emu.url}/_emulator/ledger`);
    expect(r.body).toEqual({ ledger: emu.ledger() });
    expect(r.body.ledger).toEqual([
      expect.objectContaining({ seq: 1, vendor: "dingtalk", op: "token", path: "/v1.0/oauth2/accessToken", at: expect.any(Number) }),
    ]);
  });

  it("POST /_emulator/reset clears subscriptions, ledger, faults and stats but keeps tokens valid", async () => {
    const token = await dingTalkToken(emu);
    await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP });
    emu.setFaults({ failureRate: 1, failureKinds: ["500"] });
    await dingTalkEvents(emu, "subscribe", token, { scope: "SPACE", scopeId: "s" });
    expect(emu.stats().failures["500"]).toBe(1);
    const r = await post(`${emu.url}/_emulator/reset`, undefined);
    expect(r).toMatchObject({ status: 200, body: { reset: true } });
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
    expect(emu.ledger()).toEqual([]);
    expect(emu.faults()).toEqual({});
    expect(emu.stats().failures["500"]).toBe(0);
    expect((await dingTalkEvents(emu, "subscribe", token, { scope: "ORG", scopeId: CORP })).status).toBe(200);
    expect(emu.ledger()[0]?.seq).toBe(1);
  });

  it("answers unknown control paths with 404, wrong methods with 405, other paths with 404", async () => {
    expect((await get(`${emu.url}/_emulator/nothing`)).status).toBe(404);
    const wrong = await post(`${emu.url}/_emulator/state`, {});
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "GET"]);
    expect((await get(`${emu.url}/healthz`)).status).toBe(404);
    expect(emu.ledger()).toEqual([]);
  });
});

describe("ledger hygiene", () => {
  it("never holds a token or a secret, even when a caller puts one in an id field", async () => {
    const dt = await dingTalkToken(emu);
    const fs = await feishuToken(emu);
    const suite = DT.suites[0]!;
    const suiteToken = (await post(`${emu.url}/v1.0/oauth2/corpAccessToken`, suite)).body.accessToken as string;
    await dingTalkEvents(emu, "subscribe", dt, { scope: "ORG", scopeId: CORP }, fs);
    await dingTalkEvents(emu, "subscribe", suiteToken, { scope: "SPACE", scopeId: dt });
    await dingTalkEvents(emu, "subscribe", "not-a-token", { scope: "ORG", scopeId: CORP });
    await post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: DT.apps[0]!.appSecret, appSecret: "x" });
    await post(`${emu.url}/open-apis/auth/v3/tenant_access_token/internal`, { app_id: FS.apps[0]!.appSecret });
    await feishuEvents(emu, "subscribe", fs, { events: [{ type: `helpdesk.${fs}`, subtype: "x" }] });
    await feishuEvents(emu, "subscribe", fs, { events: [TICKET_MESSAGE] });
    await feishuEvents(emu, "subscribe", FS.preIssuedTokens[0]!, { events: [TICKET_MESSAGE] }, "bm9wZTpub3Bl");
    emu.setFaults({ failureRate: 1, failureKinds: ["drop"] });
    await feishuEvents(emu, "unsubscribe", fs, { events: [TICKET_MESSAGE] }).catch(() => undefined);
    emu.resetFaults();

    const dumps = [
      JSON.stringify(emu.ledger()),
      JSON.stringify((await get(`${emu.url}/_emulator/ledger`)).body),
      JSON.stringify((await get(`${emu.url}/_emulator/state`)).body),
    ];
    const secrets = [...emu.issuedTokens(), ...emu.secrets()];
    expect(emu.issuedTokens()).toEqual(expect.arrayContaining([dt, fs, suiteToken]));
    expect(emu.secrets()).toEqual(
      expect.arrayContaining([DT.apps[0]!.appSecret, suite.suiteSecret, suite.suiteTicket, FS.helpdesks[0]!.helpdeskToken]),
    );
    for (const dump of dumps) for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(emu.ledger()).toHaveLength(12);
    expect(emu.ledger().find((e) => e.unionId === "***")).toBeDefined();
  });
});
