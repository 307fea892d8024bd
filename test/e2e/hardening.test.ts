// Issue 5, production hardening: the real CLI against the emulator under faults.
// Vendor failures, throttling, expiring tokens, hanging requests, the client-side limiter
// and the retry lines a user sees. Every test asserts on what the emulator saw.
import { describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { backendFiles, emulatorConfig, emulatorPerFile, leakedSecrets, type RunResult, type TestStack } from "./harness";
import { callsSince, feishuHeld, lastSeq, type Emulator } from "./ledger";

type Entry = ReturnType<Emulator["ledger"]>[number];

const FEISHU_EVENTS = [
  { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
  { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
];
const RETRY_LINE = /^\s*\[pulumi-dingtalk-feishu\] info: (DingTalk|Feishu) (\S+) (.+?): attempt (\d+)\/(\d+) failed \((.+?)\); retrying in (\d+\.\d) s$/;

function spaces(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, scope: "SPACE", scopeId: `${prefix}-space-${i}`, unionId: "operator-1" }));
}
function dingtalkSubs(emu: Emulator): string[] {
  return emu.subscriptions().dingtalk.map((s) => `${s.scope}:${s.scopeId}`).sort();
}
/** The most calls that arrived within any 1000 ms. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
/** The retry lines of the CLI output's Diagnostics section (each retry is printed once there). */
function retryLines(r: RunResult): string[] {
  const diagnostics = r.stdout.split(/\nDiagnostics:\n/)[1] ?? "";
  return diagnostics.split("\n").filter((l) => RETRY_LINE.test(l));
}
/** Vendor calls that failed in a way the client retries (an expired token too: it is fetched again, as a visible retry). */
function retriedFailures(list: Entry[]): Entry[] {
  return list.filter((e) => e.fault !== undefined && e.fault !== "latency");
}
const CAUSE =
  /^((get access token|get tenant access token): )?(500 systemError|503 operationTimeout|500 155000|503 155000|403 Forbidden\.AccessDenied\.QpsLimitForApi|429 99991400|400 InvalidAuthentication|400 99991663|network error \(\w+\)|timeout \(\w+\))$/;

/**
 * Each retried failure of `op` printed exactly one well-formed line: failures of the call
 * itself one line each; a failed token fetch one line per call that was waiting for it.
 */
function expectRetryLines(r: RunResult, calls: Entry[], op: string): string[] {
  const lines = retryLines(r);
  const parsed = lines.map((l) => RETRY_LINE.exec(l)!);
  for (const [, vendor, lineOp, target, attempt, max, cause, wait] of parsed) {
    expect(lineOp).toBe(op);
    expect(vendor === "DingTalk" ? /^SPACE:\S+$/.test(target!) : target!.startsWith("helpdesk:")).toBe(true);
    expect(Number(attempt)).toBeLessThan(Number(max));
    expect(cause).toMatch(CAUSE);
    if (/403|429/.test(cause!)) expect(Number(wait)).toBeGreaterThanOrEqual(1);
  }
  const own = parsed.filter((m) => !m[6]!.includes("token: "));
  expect(own.length).toBe(retriedFailures(calls.filter((e) => e.op === op)).length);
  const tokenLines = parsed.length - own.length;
  expect(tokenLines).toBeGreaterThanOrEqual(retriedFailures(calls.filter((e) => e.op === "token")).length);
  return lines;
}

describe("production hardening under vendor faults", () => {
  // The throttling test needs twelve distinct pairs: any pair of the documented shape, as the provider accepts.
  const fx = emulatorPerFile({ feishuEventPairs: "shaped" });

  function stack(config: Record<string, string> = {}, env: Record<string, string | null> = {}): TestStack {
    return fx.stack({ program: "examples/from-config", config: { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS), ...config }, env });
  }

  it("converges 30 DingTalk subscriptions and a Feishu one through failures, throttling and expiring tokens", async () => {
    fx.emu.reset();
    const s = stack({
      "from-config:dingtalk": JSON.stringify(spaces(30, "f")),
      "from-config:feishu": JSON.stringify([{ name: "helpdesk", events: FEISHU_EVENTS }]),
      // With 30% of calls failing (token fetches too), the default 6 attempts lose a call now and
      // then: ~0.3^6 per call, over 62 calls a run fails about once in 20. 10 attempts: never in practice.
      "dingtalk:maxAttempts": "10",
      "feishu:maxAttempts": "10",
    });
    // 30% of all vendor calls fail, token fetches included; tokens die after 12 uses.
    const faults = { failureRate: 0.3, failureKinds: ["500", "503", "drop"] as const, seed: 7, throttleQps: 8, tokenMaxUses: 12, includeTokenEndpoints: true };
    fx.emu.setFaults({ ...faults, failureKinds: [...faults.failureKinds] });

    const started = Date.now();
    const up = await s.up();
    const upCalls = fx.emu.ledger();
    const upStats = fx.emu.stats();
    expect(up.summary?.resourceChanges).toMatchObject({ create: 32 });
    // Every declared subscription exists, exactly once, and nothing else does.
    expect(dingtalkSubs(fx.emu)).toEqual(spaces(30, "f").map((e) => `SPACE:${e.scopeId}`).sort());
    expect(feishuHeld(fx.emu)).toEqual(FEISHU_EVENTS.map((e) => `${e.type}/${e.subtype}`).sort());
    const succeeded = upCalls.filter((e) => e.op === "subscribe" && e.status === 200);
    expect(succeeded.filter((e) => e.vendor === "dingtalk").map((e) => e.scopeId).sort()).toEqual(spaces(30, "f").map((e) => e.scopeId).sort());
    expect(succeeded.filter((e) => e.vendor === "feishu")).toHaveLength(1);
    // The faults really happened: failures of each kind, throttling on both vendors, expired tokens.
    expect(upStats.failures["500"] + upStats.failures["503"]).toBeGreaterThan(0);
    expect(upStats.failures.drop).toBeGreaterThan(0);
    expect(upStats.throttled).toBeGreaterThan(0);
    expect(upStats.tokenExpired).toBeGreaterThan(0);
    expect(upCalls.some((e) => e.vendor === "dingtalk" && e.code === "Forbidden.AccessDenied.QpsLimitForApi")).toBe(true);
    expect(upCalls.filter((e) => e.op === "token").length).toBeGreaterThan(2);

    // Retries are visible: one line per retried failure, naming operation, target, cause, attempt and wait.
    expectRetryLines(up, upCalls, "subscribe");

    // Destroy under the same faults leaves nothing behind.
    fx.emu.setFaults({ ...faults, failureKinds: [...faults.failureKinds], seed: 8 });
    const mark = lastSeq(fx.emu);
    const destroy = await s.destroy();
    expect(destroy.summary?.resourceChanges).toMatchObject({ delete: 32 });
    expect(fx.emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
    const downStats = fx.emu.stats();
    expect(downStats.throttled + downStats.failures["500"] + downStats.failures["503"] + downStats.failures.drop).toBeGreaterThan(
      upStats.throttled + upStats.failures["500"] + upStats.failures["503"] + upStats.failures.drop,
    );
    expectRetryLines(destroy, callsSince(fx.emu, mark), "unsubscribe");

    // No secret and no issued token in anything printed, stored or exported.
    const secrets = [...fx.emu.secrets(), ...fx.emu.issuedTokens()];
    expect(leakedSecrets([...s.transcript, ...backendFiles(s.backendDir), JSON.stringify(await s.exportState())], secrets)).toEqual([]);
    console.log(`faults: up+destroy in ${Date.now() - started} ms; up ${JSON.stringify(upStats)}; total ${JSON.stringify(downStats)}`);
  });

  it("waits out Feishu's 429 99991400 for the x-ogw-ratelimit-reset it names, and slows down", async () => {
    fx.emu.reset();
    // One event pair per resource, so that twelve resources make twelve calls.
    const entries = Array.from({ length: 12 }, (_, i) => ({ name: `h${i}`, events: [{ type: "helpdesk.ticket", subtype: `ticket.e${i}_v1` }] }));
    const s = stack({ "from-config:feishu": JSON.stringify(entries) });
    fx.emu.setFaults({ throttleQps: 4 });
    const up = await s.up();
    const calls = fx.emu.ledger().filter((e) => e.vendor === "feishu" && e.op === "subscribe");
    expect(feishuHeld(fx.emu)).toEqual(entries.map((e) => `helpdesk.ticket/${e.events[0]!.subtype}`).sort());
    const throttled = calls.filter((e) => e.fault === "throttled");
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((e) => e.status === 429 && e.code === "99991400")).toBe(true);
    // The limiter took the vendor's x-ogw-ratelimit-limit: once it knew, it was never throttled again.
    const first = throttled[0]!;
    expect(throttled.filter((e) => e.at > first.at + 100)).toEqual([]);
    const lines = expectRetryLines(up, fx.emu.ledger(), "subscribe");
    expect(lines.every((l) => l.includes("(429 99991400); retrying in 1.0 s"))).toBe(true);
    // After a throttled answer the whole app paused until the window the vendor named had reset
    // (1 s here): only calls already under way (within a few ms) arrived in between.
    expect(calls.filter((e) => e.at > first.at + 100 && e.at < first.at + 950)).toEqual([]);
    fx.emu.resetFaults();
    await s.destroy();
    expect(fx.emu.subscriptions().feishu).toEqual([]);
  });

  it("cuts hanging requests at requestTimeoutMs and retries them; the run stays bounded", async () => {
    fx.emu.reset();
    const list = spaces(10, "h");
    const s = stack({ "from-config:dingtalk": JSON.stringify(list), "dingtalk:requestTimeoutMs": "400", "dingtalk:maxAttempts": "10" });
    fx.emu.setFaults({ failureRate: 0.3, failureKinds: ["hang"], seed: 3 });
    const started = Date.now();
    const up = await s.up();
    const elapsed = Date.now() - started;
    const calls = fx.emu.ledger();
    const hung = calls.filter((e) => e.fault === "hang");
    expect(hung.length).toBeGreaterThan(0);
    expect(dingtalkSubs(fx.emu)).toEqual(list.map((e) => `SPACE:${e.scopeId}`).sort());
    const lines = expectRetryLines(up, calls, "subscribe");
    expect(lines.filter((l) => l.includes("failed (timeout (deadline))")).length).toBe(hung.length);
    // Each hang costs the 400 ms timeout plus a short backoff, not the default 15 s.
    expect(elapsed).toBeLessThan(30_000);
    fx.emu.resetFaults();
    await s.destroy();
    expect(fx.emu.subscriptions().dingtalk).toEqual([]);
  });

  it("keeps 200 subscriptions under the vendor's 20 QPS with the client-side limiter", async () => {
    fx.emu.reset();
    const list = spaces(200, "q");
    const s = stack({ "from-config:dingtalk": JSON.stringify(list) });
    fx.emu.setFaults({ throttleQps: 20, latencyMs: 20 });
    const up = await s.up();
    expect(up.summary?.resourceChanges).toMatchObject({ create: 201 });
    expect(dingtalkSubs(fx.emu)).toHaveLength(200);
    const calls = fx.emu.ledger().filter((e) => e.op === "subscribe");
    const throttled = calls.filter((e) => e.fault === "throttled");
    expect(throttled.length / calls.length).toBeLessThan(0.05);
    // One provider process, one token, one limiter for all 200.
    expect(fx.emu.ledger().filter((e) => e.op === "token")).toHaveLength(1);
    // The limiter spaced the calls: the vendor never saw much more than 20 in any second...
    expect(busiestSecond(calls.map((e) => e.at))).toBeLessThanOrEqual(22);
    // ...and 200 calls at 20 per second take at least 9 s from the first to the last.
    expect(calls.at(-1)!.at - calls[0]!.at).toBeGreaterThanOrEqual(8_500);
    console.log(`limiter: ${calls.length} subscribe calls, ${throttled.length} throttled, busiest second ${busiestSecond(calls.map((e) => e.at))}`);
    fx.emu.setFaults({ throttleQps: 20 });
    await s.destroy();
    expect(fx.emu.subscriptions().dingtalk).toEqual([]);
    const down = fx.emu.ledger().filter((e) => e.op === "unsubscribe");
    expect(down.filter((e) => e.fault === "throttled").length / down.length).toBeLessThan(0.05);
  });
});
