import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { backendFiles, emulatorConfig, emulatorPerFile, expectPreviewRejected, leakedSecrets, TestStack } from "./harness";
import { apiOps, callsSince, dingtalkHeld as subs, lastSeq, ops, type Emulator } from "./ledger";

const CORP = DEFAULT_CREDENTIALS.dingtalk.apps[0].corpId;
const calls = (emu: Emulator, since: number) => callsSince(emu, since, "dingtalk");

function entries(list: object[]) {
  return { "from-config:dingtalk": JSON.stringify(list) };
}

describe("DingTalk StorageEventSubscription end to end", () => {
  const fx = emulatorPerFile();
  let stack: TestStack;
  beforeAll(() => {
    stack = fx.stack({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
  });

  it("runs the whole lifecycle with exactly the vendor calls it needs", async () => {
    // Create ORG and SPACE subscriptions.
    setEntries(stack, [
      { name: "org", scope: "ORG", scopeId: CORP, unionId: "union-1" },
      { name: "space", scope: "SPACE", scopeId: "space-1", unionId: "union-1" },
    ]);
    let mark = lastSeq(fx.emu);
    const up = await stack.up();
    expect(up.summary?.resourceChanges).toMatchObject({ create: 3 });
    expect(subs(fx.emu)).toEqual([`ORG:${CORP}:union-1`, "SPACE:space-1:union-1"]);
    expect(ops(calls(fx.emu, mark))).toEqual(["token", "subscribe", "subscribe"]);
    const [org] = (await stack.dynamicResources()).filter((r) => r.urn.endsWith("::org"));
    expect(org.id).toBe(`ORG:${CORP}`);
    // The stored provider is a one-line module: small (stored twice per resource), none of the implementation inside.
    const blob: string = org.inputs.__provider;
    expect(Buffer.byteLength(blob)).toBeLessThan(400);
    expect(org.outputs.__provider).toBe(blob);
    expect(blob).toMatch(/^exports\.handler=\(\)=>\{let p="pulumi-dingtalk-feishu\/runtime";try\{return require\(p\)\.implementation\("(dingtalk|feishu)"\)\}/);
    for (const piece of ["x-acs-dingtalk-access-token", "storage/events", "undici", "zod", "appSecret"]) expect(blob).not.toContain(piece);
    console.log(`__provider: ${Buffer.byteLength(blob)} bytes`);
    expect(org.outputs).toMatchObject({ scope: "ORG", scopeId: CORP, unionId: "union-1", endpoint: `${fx.emu.url}/`, credentialKind: "app", appKey: DEFAULT_CREDENTIALS.dingtalk.apps[0].appKey });

    // Preview after up: no changes, no vendor call.
    mark = lastSeq(fx.emu);
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 3 });
    expect(calls(fx.emu, mark)).toEqual([]);

    // Change scopeId: replace, the new one subscribed before the old one is unsubscribed.
    setEntries(stack, [
      { name: "org", scope: "ORG", scopeId: CORP, unionId: "union-1" },
      { name: "space", scope: "SPACE", scopeId: "space-2", unionId: "union-1" },
    ]);
    mark = lastSeq(fx.emu);
    const replace = await stack.up();
    expect(replace.summary?.resourceChanges).toMatchObject({ replace: 1, same: 2 });
    expect(subs(fx.emu)).toEqual([`ORG:${CORP}:union-1`, "SPACE:space-2:union-1"]);
    expect(calls(fx.emu, mark).filter((e) => e.op !== "token").map((e) => `${e.op} ${e.scopeId}`)).toEqual(["subscribe space-2", "unsubscribe space-1"]);

    // Change unionId: an update in place, one subscribe call.
    setEntries(stack, [
      { name: "org", scope: "ORG", scopeId: CORP, unionId: "union-2" },
      { name: "space", scope: "SPACE", scopeId: "space-2", unionId: "union-1" },
    ]);
    mark = lastSeq(fx.emu);
    const update = await stack.up();
    expect(update.summary?.resourceChanges).toMatchObject({ update: 1, same: 2 });
    expect(subs(fx.emu)).toEqual([`ORG:${CORP}:union-2`, "SPACE:space-2:union-1"]);
    expect(apiOps(calls(fx.emu, mark))).toEqual(["subscribe"]);

    // Rename without an alias: the new resource adopts, the old one's delete keeps the subscription.
    setEntries(stack, [
      { name: "org-renamed", scope: "ORG", scopeId: CORP, unionId: "union-2" },
      { name: "space", scope: "SPACE", scopeId: "space-2", unionId: "union-1" },
    ]);
    mark = lastSeq(fx.emu);
    const rename = await stack.up();
    expect(rename.summary?.resourceChanges).toMatchObject({ create: 1, delete: 1 });
    expect(subs(fx.emu)).toEqual([`ORG:${CORP}:union-2`, "SPACE:space-2:union-1"]);
    expect(apiOps(calls(fx.emu, mark))).toEqual(["subscribe"]);
    expect(rename.stdout + rename.stderr).toContain(`kept subscription ORG:${CORP}`);

    // Refresh: the vendor has no read API, so nothing drifts and nothing is called.
    mark = lastSeq(fx.emu);
    const refresh = await stack.refresh();
    expect(refresh.summary?.resourceChanges).toEqual({ same: 3 });
    expect(calls(fx.emu, mark)).toEqual([]);

    // No secret or token in the state, the backend files or anything printed.
    const state = JSON.stringify(await stack.exportState());
    const secrets = [...fx.emu.secrets(), ...fx.emu.issuedTokens()];
    expect(fx.emu.issuedTokens().length).toBeGreaterThan(0);
    expect(leakedSecrets([state], secrets)).toEqual([]);
    expect(leakedSecrets(backendFiles(stack.backendDir), secrets)).toEqual([]);
    expect(leakedSecrets(stack.transcript, secrets)).toEqual([]);

    // Destroy leaves the vendor empty.
    mark = lastSeq(fx.emu);
    await stack.destroy();
    expect(fx.emu.subscriptions().dingtalk).toEqual([]);
    expect(ops(calls(fx.emu, mark)).filter((o) => o === "unsubscribe")).toHaveLength(2);
  });

  it("fetches one token for 20 resources and makes one call per create and delete", async () => {
    const many = TestStack.create({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
    try {
      setEntries(many, Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, scope: "SPACE", scopeId: `bulk-${i}`, unionId: "u" })));
      let mark = lastSeq(fx.emu);
      await many.up();
      const upCalls = calls(fx.emu, mark);
      expect(ops(upCalls).filter((o) => o === "token")).toHaveLength(1);
      expect(ops(upCalls).filter((o) => o === "subscribe")).toHaveLength(20);
      expect(fx.emu.subscriptions().dingtalk).toHaveLength(20);
      mark = lastSeq(fx.emu);
      await many.destroy();
      const downCalls = calls(fx.emu, mark);
      expect(ops(downCalls).filter((o) => o === "unsubscribe")).toHaveLength(20);
      expect(ops(downCalls).filter((o) => o === "token")).toHaveLength(1);
      expect(fx.emu.subscriptions().dingtalk).toEqual([]);
      console.log(`20-resource up: ${summarize(upCalls)}; destroy: ${summarize(downCalls)}`);
    } finally {
      many.cleanup();
    }
  });

  it.each([
    ["suite", "suite"],
    ["token", "pre-issued"],
  ] as const)("works with the %s credential flow", async (flow, app) => {
    const s = TestStack.create({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS, { dingtalk: flow }) });
    try {
      setEntries(s, [{ name: "org", scope: "ORG", scopeId: CORP, unionId: "u" }]);
      const mark = lastSeq(fx.emu);
      await s.up();
      const made = calls(fx.emu, mark).filter((e) => e.op === "subscribe");
      expect(made).toHaveLength(1);
      expect(made[0].status).toBe(200);
      if (flow === "suite") expect(made[0].app).toBe(DEFAULT_CREDENTIALS.dingtalk.suites[0].suiteKey);
      else expect(made[0].app).toBe(app);
      const [r] = await s.dynamicResources();
      expect(r.outputs.credentialKind).toBe(flow === "token" ? "accessToken" : "suite");
      await s.destroy();
      expect(fx.emu.subscriptions().dingtalk).toEqual([]);
      const state = JSON.stringify(await s.exportState());
      expect(leakedSecrets([state, ...s.transcript], [...fx.emu.secrets(), ...fx.emu.issuedTokens()])).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it.each([
    [{ name: "bad", scope: "TEAM", scopeId: "x", unionId: "u" }, "scope", "scope must be ORG or SPACE"],
    [{ name: "bad", scope: "SPACE", scopeId: "has space", unionId: "u" }, "scopeId", "white space"],
    [{ name: "bad", scope: "SPACE", scopeId: "s", unionId: "" }, "unionId", "must not be empty"],
    [{ name: "bad", scope: "SPACE", scopeId: "x".repeat(300), unionId: "u" }, "scopeId", "at most 256"],
  ])("rejects bad input at preview naming the property, with no vendor call (%#)", async (entry, property, reason) => {
    const s = fx.stack({ program: "examples/from-config", config: { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS), ...entries([entry]) } });
    await expectPreviewRejected(fx.emu, s, property, reason);
  });

  it("fails preview naming the keys when credentials are missing or conflict", async () => {
    const base = { "dingtalk:endpoint": fx.emu.url, ...entries([{ name: "org", scope: "ORG", scopeId: CORP, unionId: "u" }]) };
    const missing = fx.stack({ program: "examples/from-config", config: base, env: { DINGTALK_APP_KEY: null, DINGTALK_APP_SECRET: null } });
    const conflict = fx.stack({ program: "examples/from-config", config: { ...base, "dingtalk:appKey": "k", "dingtalk:appSecret": { value: "s", secret: true }, "dingtalk:accessToken": { value: "t", secret: true } } });
    await expectPreviewRejected(fx.emu, missing, "dingtalk:appKey (DINGTALK_APP_KEY)");
    await expectPreviewRejected(fx.emu, conflict, "conflict");
  });
});

function setEntries(stack: TestStack, list: object[]): void {
  stack.setConfig("from-config:dingtalk", JSON.stringify(list));
}
function summarize(list: { op: string }[]): string {
  const counts: Record<string, number> = {};
  for (const e of list) counts[e.op] = (counts[e.op] ?? 0) + 1;
  return Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ");
}
