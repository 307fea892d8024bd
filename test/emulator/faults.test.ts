import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type FailureKind } from "../../provider/emulator";
import { DT, EVENTS, FS, ORG, dingTalkEvents, dingTalkToken, feishuEvents, feishuToken, manualClock, post } from "./helpers";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("throttleQps", () => {
  it("answers DingTalk's 403 QpsLimitForApi past the limit, per app and per API, until the window resets", async () => {
    const clock = manualClock();
    emu = await startEmulator({ now: clock.now, faults: { throttleQps: 2 } });
    const token = await dingTalkToken(emu);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await dingTalkEvents(emu, "subscribe", token, ORG)).status);
    expect(statuses).toEqual([200, 200, 403]);
    const throttled = await dingTalkEvents(emu, "subscribe", token, ORG);
    expect(throttled.body).toEqual({
      code: "Forbidden.AccessDenied.QpsLimitForApi",
      message: expect.any(String),
      requestid: expect.any(String),
    });
    // Another API and another app each have their own window.
    expect((await dingTalkEvents(emu, "unsubscribe", token, ORG)).status).toBe(200);
    expect((await dingTalkEvents(emu, "subscribe", DT.preIssuedTokens[0]!.token, ORG)).status).toBe(200);
    clock.advance(1000);
    expect((await dingTalkEvents(emu, "subscribe", token, ORG)).status).toBe(200);
    expect(emu.stats().throttled).toBe(2);
    expect(emu.ledger().filter((e) => e.fault === "throttled")).toHaveLength(2);
  });

  it("answers Feishu's 429 99991400 with the rate-limit headers, reset in whole seconds", async () => {
    const clock = manualClock();
    emu = await startEmulator({ now: clock.now, faults: { throttleQps: 1 } });
    const token = await feishuToken(emu);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS)).status).toBe(200);
    clock.advance(300);
    const r = await feishuEvents(emu, "subscribe", token, EVENTS);
    expect([r.status, r.body.code]).toEqual([429, 99991400]);
    expect(r.headers.get("x-ogw-ratelimit-limit")).toBe("1");
    expect(r.headers.get("x-ogw-ratelimit-reset")).toBe("1");
    expect(emu.subscriptions().feishu).toHaveLength(1);
    clock.advance(700);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS)).status).toBe(200);
  });

  it("leaves token endpoints alone unless includeTokenEndpoints is set", async () => {
    emu = await startEmulator({ now: manualClock().now, faults: { throttleQps: 1 } });
    const body = { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret };
    for (let i = 0; i < 3; i += 1) expect((await post(`${emu.url}/v1.0/oauth2/accessToken`, body)).status).toBe(200);
    emu.setFaults({ throttleQps: 1, includeTokenEndpoints: true });
    expect((await post(`${emu.url}/v1.0/oauth2/accessToken`, body)).status).toBe(200);
    const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, body);
    expect([r.status, r.body.code]).toEqual([403, "Forbidden.AccessDenied.QpsLimitForApi"]);
  });
});

describe("failureRate", () => {
  async function run(seed: number, vendor: "dingtalk" | "feishu"): Promise<{ statuses: number[]; codes: unknown[]; emu: Emulator }> {
    const e = await startEmulator({ faults: { failureRate: 0.5, failureKinds: ["500", "503", "429"], seed } });
    const token = vendor === "dingtalk" ? await dingTalkToken(e) : await feishuToken(e);
    const statuses: number[] = [];
    const codes: unknown[] = [];
    for (let i = 0; i < 24; i += 1) {
      const r = vendor === "dingtalk" ? await dingTalkEvents(e, "subscribe", token, ORG) : await feishuEvents(e, "subscribe", token, EVENTS);
      statuses.push(r.status);
      codes.push(r.body.code);
    }
    return { statuses, codes, emu: e };
  }

  it("is reproducible with a seed, injects every chosen kind the DingTalk way, and counts them", async () => {
    const a = await run(7, "dingtalk");
    const b = await run(7, "dingtalk");
    await b.emu.stop();
    emu = a.emu;
    expect(a.statuses).toEqual(b.statuses);
    const count = (s: number): number => a.statuses.filter((x) => x === s).length;
    expect([count(500), count(503), count(429)].every((n) => n > 0)).toBe(true);
    expect(a.emu.stats().failures).toEqual({
      "500": count(500),
      "503": count(503),
      "429": count(429),
      drop: 0,
      hang: 0,
      "applied-drop": 0,
      "applied-hang": 0,
    });
    const codeFor: Record<number, string> = { 200: "ok", 500: "systemError", 503: "operationTimeout", 429: "system.busy" };
    a.statuses.forEach((s, i) => expect(a.codes[i] ?? "ok").toBe(codeFor[s]));
    expect(a.emu.ledger().filter((e) => e.fault === "injected")).toHaveLength(count(500) + count(503) + count(429));
  });

  it("injects Feishu's answers: 500/503 code 155000, 429 code 99991400", async () => {
    const a = await run(11, "feishu");
    emu = a.emu;
    const pairs = new Set(a.statuses.map((s, i) => `${s}:${String(a.codes[i])}`));
    expect([...pairs].sort()).toEqual(["200:0", "429:99991400", "500:155000", "503:155000"]);
  });

  it("decides a failure before the state changes: a failed call changes nothing", async () => {
    emu = await startEmulator();
    const token = await dingTalkToken(emu);
    await dingTalkEvents(emu, "subscribe", token, ORG);
    emu.setFaults({ failureRate: 1, failureKinds: ["500"] });
    expect((await dingTalkEvents(emu, "unsubscribe", token, ORG)).status).toBe(500);
    expect((await dingTalkEvents(emu, "subscribe", token, { scope: "SPACE", scopeId: "s1" })).status).toBe(500);
    expect(emu.subscriptions().dingtalk.map((s) => s.scope)).toEqual(["ORG"]);
    emu.resetFaults();
    expect((await dingTalkEvents(emu, "unsubscribe", token, ORG)).status).toBe(200);
    expect(emu.subscriptions().dingtalk).toEqual([]);
  });

  it("drops the connection without an answer", async () => {
    emu = await startEmulator({ faults: { failureRate: 1, failureKinds: ["drop"] } });
    const token = await feishuToken(emu);
    const error = await feishuEvents(emu, "subscribe", token, EVENTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch failed
    expect(String((error as Error & { cause?: unknown }).cause)).toMatch(/other side closed|socket|ECONNRESET/i);
    expect(emu.stats().failures.drop).toBe(1);
    expect(emu.ledger().at(-1)).toMatchObject({ op: "subscribe", status: 0, code: "", fault: "dropped" });
    expect(emu.subscriptions().feishu).toEqual([]);
  });

  it("hangs until the client gives up", async () => {
    emu = await startEmulator({ faults: { failureRate: 1, failureKinds: ["hang"] } });
    const token = await dingTalkToken(emu);
    const started = Date.now();
    const error = await dingTalkEvents(emu, "subscribe", token, ORG, "u", { signal: AbortSignal.timeout(150) }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(emu.stats().failures.hang).toBe(1);
    expect(emu.ledger().at(-1)).toMatchObject({ status: 0, fault: "hang" });
    expect(emu.subscriptions().dingtalk).toEqual([]);
  });

  it("closes hanging connections on stop", async () => {
    const e = await startEmulator({ faults: { failureRate: 1, failureKinds: ["hang"] } });
    const token = await dingTalkToken(e);
    const pending = dingTalkEvents(e, "subscribe", token, ORG).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(e.stats().failures.hang).toBe(1);
    await e.stop();
    expect(await pending).toBeInstanceOf(TypeError);
  });

  it("rejects invalid configurations and keeps the previous one", async () => {
    emu = await startEmulator({ faults: { latencyMs: 5 } });
    const bad: unknown[] = [
      { failureRate: 2 },
      { failureKinds: ["404"] },
      { failureKinds: [] },
      { throttleQps: 0 },
      { tokenMaxUses: 1.5 },
      { latencyMs: -1 },
      { surprise: true },
    ];
    for (const config of bad) expect(() => emu!.setFaults(config as never)).toThrow(TypeError);
    expect(emu.faults()).toEqual({ latencyMs: 5 });
  });
});

describe("latencyMs", () => {
  it("delays vendor calls, not token calls (unless included), and records the fault", async () => {
    emu = await startEmulator({ faults: { latencyMs: 120 } });
    const token = await dingTalkToken(emu);
    expect(emu.stats().latency).toBe(0);
    const started = Date.now();
    expect((await dingTalkEvents(emu, "subscribe", token, ORG)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(emu.stats().latency).toBe(1);
    expect(emu.ledger().at(-1)).toMatchObject({ op: "subscribe", status: 200, fault: "latency" });
    emu.setFaults({ latencyMs: 120, includeTokenEndpoints: true });
    const t0 = Date.now();
    await feishuToken(emu);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    expect(emu.stats().latency).toBe(2);
  });
});

describe("tokenMaxUses", () => {
  it("expires a DingTalk token after N uses with 400 InvalidAuthentication; a refetch gives a fresh one", async () => {
    emu = await startEmulator({ faults: { tokenMaxUses: 2 } });
    const token = await dingTalkToken(emu);
    expect((await dingTalkEvents(emu, "subscribe", token, ORG)).status).toBe(200);
    expect((await dingTalkEvents(emu, "subscribe", token, ORG)).status).toBe(200);
    const r = await dingTalkEvents(emu, "subscribe", token, ORG);
    expect([r.status, r.body.code]).toEqual([400, "InvalidAuthentication"]);
    expect(emu.ledger().at(-1)).toMatchObject({ fault: "token-expired", app: DT.apps[0]!.appKey });
    expect(emu.stats().tokenExpired).toBe(1);
    const fresh = await dingTalkToken(emu);
    expect(fresh).not.toBe(token);
    expect((await dingTalkEvents(emu, "unsubscribe", fresh, ORG)).status).toBe(200);
  });

  it("expires a Feishu token after N uses with 401 99991665; a refetch gives a fresh one", async () => {
    emu = await startEmulator({ faults: { tokenMaxUses: 1 } });
    const token = await feishuToken(emu);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS)).status).toBe(200);
    const r = await feishuEvents(emu, "subscribe", token, EVENTS);
    expect([r.status, r.body.code]).toEqual([401, 99991665]);
    expect(emu.stats().tokenExpired).toBe(1);
    const fresh = await feishuToken(emu);
    expect(fresh).not.toBe(token);
    expect((await feishuEvents(emu, "unsubscribe", fresh, EVENTS)).status).toBe(200);
    expect(FS.apps[0]!.appId).toBe(emu.ledger().at(-1)?.app);
  });
});

describe("failure kinds on token endpoints", () => {
  it.each<[FailureKind, number, string]>([
    ["500", 500, "systemError"],
    ["503", 503, "operationTimeout"],
  ])("injects %s into DingTalk token calls only with includeTokenEndpoints", async (kind, status, code) => {
    emu = await startEmulator({ faults: { failureRate: 1, failureKinds: [kind] } });
    await dingTalkToken(emu);
    emu.setFaults({ failureRate: 1, failureKinds: [kind], includeTokenEndpoints: true });
    const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret });
    expect([r.status, r.body.code]).toEqual([status, code]);
    expect(emu.ledger().at(-1)).toMatchObject({ op: "token", fault: "injected" });
  });
});
