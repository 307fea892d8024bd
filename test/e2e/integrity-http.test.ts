// Issue 9 §2, §5, §6 and §7 end to end: the real CLI runs examples/from-config against the
// emulator's scripted faults; every test asserts on what the emulator saw (calls, statuses,
// the time between a throttled answer and the retry) and on what the user is told.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { backendFiles, emulatorConfig, emulatorPerFile, expectPreviewRejected, leakedSecrets, type ConfigValue, type RunResult, type TestStack } from "./harness";
import { feishuHeld, type Emulator } from "./ledger";

type Entry = ReturnType<Emulator["ledger"]>[number];

const PROGRAM = "examples/from-config";
// The three pairs the emulator accepts by default: one resource each (Feishu refuses two resources of one pair).
const PAIRS = [
  { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
  { type: "helpdesk.ticket", subtype: "ticket.updated_v1" },
  { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
];
const FEISHU_ENTRIES = PAIRS.map((pair, i) => ({ name: `tickets${i}`, events: [pair] }));
const ZWSP = "\u200b";

function spaces(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, scope: "SPACE", scopeId: `${prefix}-space-${i}`, unionId: "operator-1" }));
}
const outputOf = (r: RunResult) => r.stdout + (r.error?.message ?? "");
const subscribes = (emu: Emulator, vendor: Entry["vendor"]) => emu.ledger().filter((e) => e.vendor === vendor && e.op === "subscribe");
const pairOf = (e: Entry) => e.events?.map((p) => p.subtype).join(",");
const dingtalkHeld = (emu: Emulator) => emu.subscriptions().dingtalk.map((s) => `${s.scope}:${s.scopeId}`).sort();
/**
 * The error of each resource in the output's Diagnostics section, by resource name (the stack's own
 * line left out), from the vendor call on: a create recorded as possibly applied is reported as
 * "1 error occurred: * subscribe … may have been applied: <the call's error>".
 */
function diagnosticErrors(r: RunResult): Map<string, string> {
  const diagnostics = outputOf(r).split(/\nDiagnostics:\n/)[1]?.split(/\n(Outputs|Resources):\n/)[0] ?? "";
  const errors = new Map<string, string>();
  for (const block of diagnostics.split(/\n\s*\n/)) {
    const m = /^\s*pulumi-nodejs:dynamic\/\S+ \((\S+)\):\n\s*error: ([\s\S]*)$/.exec(block);
    if (!m) continue;
    const text = m[2]!.replace(/\s*\n\s*/g, " ");
    const call = text.search(/(DingTalk|Feishu) (subscribe|unsubscribe) /);
    errors.set(m[1]!, call >= 0 ? text.slice(call) : text);
  }
  return errors;
}
/** The stack's config file in the program folder (secrets encrypted there). */
function stackFile(s: TestStack): string {
  const path = join(s.programDir, `Pulumi.${s.stackName}.yaml`);
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

describe("integrity of the HTTP layer end to end (issue 9 §2, §5, §6, §7)", () => {
  const fx = emulatorPerFile();

  const made: TestStack[] = [];
  function stack(config: Record<string, ConfigValue>, flows?: Parameters<typeof emulatorConfig>[2]): TestStack {
    const s = fx.stack({ program: PROGRAM, config: { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS, flows), ...config } });
    made.push(s);
    return s;
  }

  it("§2: Feishu throttles one of three creates with x-ogw-ratelimit-reset: 2; the retry waits the hint and all three are subscribed", async () => {
    fx.emu.reset();
    fx.emu.setFaults({ script: [{ fault: "throttle", vendor: "feishu", op: "subscribe", waitHint: 2 }] });
    const s = stack({ "from-config:feishu": JSON.stringify(FEISHU_ENTRIES) });
    const up = await s.up();
    expect(up.summary?.resourceChanges).toMatchObject({ create: 4 });
    expect(feishuHeld(fx.emu)).toEqual(PAIRS.map((p) => `${p.type}/${p.subtype}`).sort());

    const calls = subscribes(fx.emu, "feishu");
    const throttled = calls.filter((e) => e.fault === "throttled");
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ status: 429, code: "99991400" });
    // Four calls: the throttled one, its retry, and the two others once each.
    expect(calls).toHaveLength(4);
    // The throttled call is answered before its body is read (no pair in the ledger): the retry
    // line names it, and its retry is that pair's successful call.
    const line = /Feishu subscribe helpdesk:\S+ \(([^/]+)\/(\S+)\): attempt 1\/6 failed \(429 99991400\); retrying in 2\.0 s/.exec(up.stdout);
    expect(line).not.toBeNull();
    const retry = calls.find((e) => e.seq > throttled[0]!.seq && pairOf(e) === line![2])!;
    expect(retry).toMatchObject({ status: 200 });
    // The vendor asked for 2 s, and saw the retry no sooner.
    const waited = retry.at - throttled[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(2000);
    expect(waited).toBeLessThan(10_000);
    console.log(`§2: the vendor saw the retry ${waited} ms after its throttled answer (hint 2 s)`);
    expect(calls.filter((e) => e.status === 200).map(pairOf).sort()).toEqual(PAIRS.map((p) => p.subtype).sort());
  });

  it("§2: a hint of 3600 s with feishu:maxRetryElapsedMs 5000 fails at once, saying what the vendor asked and what to raise; the others are not held", { timeout: 150_000 }, async () => {
    // (a) Default rate: the other two creates are already on their way when the throttled answer comes.
    fx.emu.reset();
    fx.emu.setFaults({ script: [{ fault: "throttle", vendor: "feishu", op: "subscribe", waitHint: 3600 }] });
    const a = stack({ "from-config:feishu": JSON.stringify(FEISHU_ENTRIES), "feishu:maxRetryElapsedMs": "5000" });
    let started = Date.now();
    const upA = await a.run("up");
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(upA.ok).toBe(false);
    const callsA = subscribes(fx.emu, "feishu");
    // The throttled call was not retried: the one throttled answer, and the others once each.
    expect(callsA.filter((e) => e.fault === "throttled")).toHaveLength(1);
    expect(callsA.filter((e) => e.fault === undefined)).toHaveLength(callsA.length - 1);
    const failedA = diagnosticErrors(upA);
    const heldA = feishuHeld(fx.emu);
    // Every resource either is subscribed or failed, never both; exactly one failed on the vendor's wait.
    expect(heldA.length + failedA.size).toBe(3);
    expect(callsA.filter((e) => e.status === 200).map(pairOf).sort()).toEqual(heldA.map((h) => h.split("/")[1]));
    const askedA = [...failedA.values()].filter((m) => m.includes("failed: 429 99991400"));
    expect(askedA).toHaveLength(1);
    expect(askedA[0]).toContain("Feishu asked to wait 3600 s before the next attempt (waits are capped at 60 s)");
    expect(askedA[0]).toMatch(/more than the \d(\.\d)? s left of feishu:maxRetryElapsedMs \(5000 ms\)\. Raise feishu:maxRetryElapsedMs/);
    for (const message of failedA.values()) expect(message).toContain("Raise feishu:maxRetryElapsedMs");
    expect(outputOf(upA)).not.toContain("kept throttling");

    // (b) feishu:maxQps 1 queues the other two behind the throttled call in the client's limiter,
    // which the vendor's hint pauses (capped at 60 s): they fail at once, without calling the vendor.
    fx.emu.reset();
    fx.emu.setFaults({ script: [{ fault: "throttle", vendor: "feishu", op: "subscribe", waitHint: 3600 }] });
    const b = stack({ "from-config:feishu": JSON.stringify(FEISHU_ENTRIES), "feishu:maxRetryElapsedMs": "5000", "feishu:maxQps": "1" });
    started = Date.now();
    const upB = await b.run("up");
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(upB.ok).toBe(false);
    const callsB = subscribes(fx.emu, "feishu");
    expect(callsB).toHaveLength(1);
    expect(callsB[0]).toMatchObject({ status: 429, code: "99991400", fault: "throttled" });
    expect(feishuHeld(fx.emu)).toEqual([]);
    const failedB = [...diagnosticErrors(upB).values()];
    expect(failedB).toHaveLength(3);
    expect(failedB.filter((m) => m.includes("Feishu asked to wait 3600 s"))).toHaveLength(1);
    const heldBack = failedB.filter((m) => m.includes("Feishu throttled an earlier call to this API and asked to wait"));
    expect(heldBack).toHaveLength(2);
    for (const m of heldBack) expect(m).toMatch(/the next start is \d+(\.\d)? s away \(waits are capped at 60 s\), more than the \d+(\.\d)? s left of feishu:maxRetryElapsedMs \(5000 ms\)\. Raise feishu:maxRetryElapsedMs/);
  });

  it("§5: tokens valid for one use, 12 DingTalk and 3 Feishu creates in parallel: all succeed, each call on a fresh token", async () => {
    fx.emu.reset();
    // Each call takes 300 ms at the vendor, so the parallel creates hold one token at once and race for its one use.
    fx.emu.setFaults({ tokenMaxUses: 1, latencyMs: 300 });
    const list = spaces(12, "one-use");
    const s = stack({ "from-config:dingtalk": JSON.stringify(list), "from-config:feishu": JSON.stringify(FEISHU_ENTRIES) });
    const up = await s.up();
    expect(up.summary?.resourceChanges).toMatchObject({ create: 16 });
    expect(dingtalkHeld(fx.emu)).toEqual(list.map((e) => `SPACE:${e.scopeId}`).sort());
    expect(feishuHeld(fx.emu)).toEqual(PAIRS.map((p) => `${p.type}/${p.subtype}`).sort());
    const ledger = fx.emu.ledger();
    // The tokens really expired under the calls: rejections happened, and every success took a token of its own.
    expect(fx.emu.stats().tokenExpired).toBeGreaterThan(0);
    // The DingTalk creates raced for the same token again and again (the code before issue 9 gave up after 6 rounds).
    expect(ledger.filter((e) => e.vendor === "dingtalk" && e.fault === "token-expired").length).toBeGreaterThan(list.length / 2);
    expect(ledger.filter((e) => e.fault === "token-expired").length).toBe(fx.emu.stats().tokenExpired);
    for (const vendor of ["dingtalk", "feishu"] as const) {
      const tokenFetches = ledger.filter((e) => e.vendor === vendor && e.op === "token" && e.status === 200).length;
      expect(tokenFetches).toBeGreaterThanOrEqual(subscribes(fx.emu, vendor).filter((e) => e.status === 200).length);
    }
    expect(outputOf(up)).not.toMatch(/rejected|Gave up/);
    const count = (vendor: string, f: (e: Entry) => boolean) => ledger.filter((e) => e.vendor === vendor && f(e)).length;
    console.log(
      `§5: ${["dingtalk", "feishu"].map((v) => `${v}: ${count(v, (e) => e.op === "token")} token fetches, ${count(v, (e) => e.fault === "token-expired")} expired-token rejections, ${count(v, (e) => e.op === "subscribe")} subscribe calls`).join("; ")}`,
    );
  });

  it("§7: DingTalk's IP ban (on 503 and on 200) and permission refusals on 5xx are tried exactly once, and the error names the code", async () => {
    fx.emu.reset();
    fx.emu.setFaults({
      script: [
        { fault: "ip-ban-json", vendor: "dingtalk", op: "subscribe", status: 503 },
        { fault: "ip-ban-html", vendor: "dingtalk", op: "subscribe", status: 200 },
        { fault: "scope-denied", vendor: "dingtalk", op: "subscribe", status: 500 },
        { fault: "scope-denied", vendor: "feishu", op: "subscribe", status: 503 },
      ],
    });
    const list = spaces(3, "refused");
    const s = stack({ "from-config:dingtalk": JSON.stringify(list), "from-config:feishu": JSON.stringify([FEISHU_ENTRIES[0]]) });
    // Every create runs although others fail, so each refusal is seen.
    const up = await s.run("up", { continueOnError: true });
    expect(up.ok).toBe(false);
    expect(fx.emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
    // A faulted call is answered before its body is read (no scopeId in the ledger), so count:
    // three resources, three calls, each of them one of the scripted answers. Nothing was retried.
    const dingtalk = subscribes(fx.emu, "dingtalk");
    expect(dingtalk.map((e) => `${e.status} ${e.code}`).sort()).toEqual(["200 ip-ban", "500 Forbidden.AccessDenied.AccessTokenPermissionDenied", "503 ip-ban"]);
    expect(dingtalk.every((e) => e.fault === "injected")).toBe(true);
    const feishu = subscribes(fx.emu, "feishu");
    expect(feishu).toHaveLength(1);
    expect(feishu[0]).toMatchObject({ status: 503, fault: "injected" });
    const errors = diagnosticErrors(up);
    expect([...errors.keys()].sort()).toEqual([...list.map((e) => e.name), FEISHU_ENTRIES[0]!.name].sort());
    const messages = [...errors.values()];
    expect(messages.filter((m) => /^DingTalk subscribe SPACE:refused-space-\d failed: (503|200) IpBanned\b/.test(m))).toHaveLength(2);
    expect(messages.filter((m) => /^DingTalk subscribe SPACE:refused-space-\d failed: 500 Forbidden\.AccessDenied\.AccessTokenPermissionDenied\b/.test(m))).toHaveLength(1);
    expect(messages.filter((m) => /^Feishu subscribe helpdesk:\S+ \(\S+\) failed: 503 99991672\b/.test(m))).toHaveLength(1);
    expect(messages.every((m) => !m.includes("Gave up"))).toBe(true);
    expect(up.stdout).not.toMatch(/retrying in/);

    // Once the vendor serves again, a plain `up` subscribes all four (those recorded as possibly applied included).
    fx.emu.resetFaults();
    await s.up();
    expect(dingtalkHeld(fx.emu)).toEqual(list.map((e) => `SPACE:${e.scopeId}`).sort());
    expect(feishuHeld(fx.emu)).toEqual([`${PAIRS[0]!.type}/${PAIRS[0]!.subtype}`]);
  });

  it("§7: a token with a pasted zero-width space fails at preview naming the key, with no vendor call", async () => {
    fx.emu.reset();
    const { dingtalk, feishu } = DEFAULT_CREDENTIALS;
    // Pre-issued tokens travel as they are in a header (x-acs-dingtalk-access-token, Authorization).
    const d = stack(
      { "from-config:dingtalk": JSON.stringify(spaces(1, "zw")), "dingtalk:accessToken": { value: dingtalk.preIssuedTokens[0].token + ZWSP, secret: true } },
      { dingtalk: "token" },
    );
    await expectPreviewRejected(fx.emu, d, "dingtalk:accessToken (DINGTALK_ACCESS_TOKEN) contains U+200B", "an HTTP header cannot carry");
    const f = stack(
      { "from-config:feishu": JSON.stringify([FEISHU_ENTRIES[0]]), "feishu:tenantAccessToken": { value: feishu.preIssuedTokens[0] + ZWSP, secret: true } },
      { feishu: "token" },
    );
    await expectPreviewRejected(fx.emu, f, "feishu:tenantAccessToken (FEISHU_TENANT_ACCESS_TOKEN) contains U+200B", "an HTTP header cannot carry");
    expect(fx.emu.ledger()).toEqual([]);
  });

  // Runs last: it scans what the tests above left.
  it("§6: no secret or issued token in the CLI output, the state or the stack files of any run above", async () => {
    expect(made.length).toBeGreaterThanOrEqual(6);
    const secrets = [...fx.emu.secrets(), ...fx.emu.issuedTokens()];
    // Tokens were issued (the scan has something to find), among them the one-use ones.
    expect(fx.emu.issuedTokens().length).toBeGreaterThan(15);
    // The backend folder holds the state as written (.pulumi/stacks/…, with its backups and history).
    const states: string[] = [];
    for (const s of made) {
      const files = backendFiles(s.backendDir);
      states.push(...files);
      expect(leakedSecrets([...s.transcript, ...files, stackFile(s)], secrets)).toEqual([]);
    }
    // The scan covered the state of both vendors' resources.
    expect(states.some((f) => f.includes("pulumi-nodejs:dynamic/dingtalk:StorageEventSubscription"))).toBe(true);
    expect(states.some((f) => f.includes("pulumi-nodejs:dynamic/feishu:HelpdeskEventSubscription"))).toBe(true);
  });
});
