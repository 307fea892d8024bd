// Issue 12 end to end: the real CLI, the emulator configured with two DingTalk apps, a suite
// installed in two organizations and two Feishu helpdesks (two apps); profiles set with
// `pulumi config set --path` (secrets with --secret), or passed as JSON in DINGTALK_PROFILES / FEISHU_PROFILES.
import { beforeAll, describe, expect, it } from "vitest";
import { backendFiles, leakedSecrets, type ConfigValue } from "./harness";
import { callsSince, lastSeq, type Emulator } from "./ledger";
import {
  A, APP1, APP2, B, configRm, defaultConfig, dingtalkHeld, H2, feishuHeld, identityEmulatorPerFile, profileConfig, runPath, secret, SECRETS, setEntries, SUITE,
  TICKET_CREATED, TICKET_MESSAGE,
} from "./profiles-helpers";


describe("profiles end to end", () => {
  const fx = identityEmulatorPerFile();
  let emu: Emulator;
  beforeAll(() => {
    emu = fx.emu;
  });
  const newStack = (config: Record<string, ConfigValue>, env?: Record<string, string | null>) => fx.stack(config, env);

  it("one stack subscribes under two apps, a suite in two organizations and two helpdesks; destroy leaves nothing; no secret leaks", async () => {
    emu.reset();
    const stack = newStack({ ...defaultConfig(emu), ...profileConfig() });
    setEntries(
      stack,
      [
        { name: "space-a", scope: "SPACE", scopeId: "space-a", unionId: "union-1" },
        { name: "space-b", scope: "SPACE", scopeId: "space-b", unionId: "union-1", profile: "b" },
        { name: "corp-a", scope: "ORG", scopeId: "ding-corp-a", unionId: "union-1", profile: "isv" },
        { name: "corp-b", scope: "ORG", scopeId: "ding-corp-b", unionId: "union-1", profile: "isv", authCorpId: "ding-corp-b" },
      ],
      [
        { name: "it-tickets", events: [TICKET_CREATED] },
        { name: "hr-tickets", events: [TICKET_CREATED, TICKET_MESSAGE], profile: "hr" },
      ],
    );
    const up = await runPath(stack, "up");
    expect(up.summary?.resourceChanges).toMatchObject({ create: 7 });
    expect(dingtalkHeld(emu)).toEqual([`${A.appKey} SPACE:space-a`, `${B.appKey} SPACE:space-b`, `${SUITE.suiteKey} ORG:ding-corp-a`, `${SUITE.suiteKey} ORG:ding-corp-b`].sort());
    expect(feishuHeld(emu)).toEqual([`${APP1.appId} 7001 ticket.created_v1`, `${APP2.appId} 7002 ticket.created_v1`, `${APP2.appId} 7002 ticket_message.created_v1`]);
    // Each organization got its own corpAccessToken; each helpdesk call carried its own helpdesk.
    const tokens = emu.ledger().filter((e) => e.op === "token").map((e) => e.app).sort();
    expect(tokens).toEqual([A.appKey, B.appKey, SUITE.suiteKey, SUITE.suiteKey, APP1.appId, APP2.appId].sort());
    expect(up.outputs?.dingtalkProfiles).toEqual(["default", "b", "isv", "isv"]);
    expect(up.outputs?.feishuProfiles).toEqual(["default", "hr"]);
    const resources = await stack.dynamicResources();
    const byName = (n: string) => resources.find((r) => r.urn.endsWith(`::${n}`)).outputs;
    expect(byName("corp-b")).toMatchObject({ profile: "isv", credentialKind: "suite", suiteKey: SUITE.suiteKey, authCorpId: "ding-corp-b" });
    expect(byName("hr-tickets")).toMatchObject({ profile: "hr", appId: APP2.appId, helpdeskId: "7002" });
    // Preview after up: nothing to do, no vendor call.
    const mark = lastSeq(emu);
    expect((await runPath(stack, "preview")).changeSummary).toEqual({ same: 7 });
    expect(callsSince(emu, mark)).toEqual([]);
    await runPath(stack, "destroy");
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
    const state = JSON.stringify(await stack.exportState());
    expect(leakedSecrets([state, ...backendFiles(stack.backendDir), ...stack.transcript], SECRETS)).toEqual([]);
  });

  it("a migration from app A to app B is one pulumi up with both configured: exactly one subscription left, B's", async () => {
    emu.reset();
    const stack = newStack(defaultConfig(emu));
    const entry = { name: "files", scope: "SPACE", scopeId: "migrating", unionId: "union-1" };
    setEntries(stack, [entry], [{ name: "tickets", events: [TICKET_CREATED] }]);
    await runPath(stack, "up");
    expect(dingtalkHeld(emu)).toEqual([`${A.appKey} SPACE:migrating`]);
    // Configure app B as a profile, point the resources at it (Feishu: helpdesk 7002 via "hr"), one up.
    Object.assign(stack.config, Object.fromEntries(Object.entries(profileConfig()).map(([k, v]) => [k, typeof v === "string" ? { value: v, secret: false } : { value: v.value, secret: !!v.secret }])));
    setEntries(stack, [{ ...entry, profile: "b" }], [{ name: "tickets", events: [TICKET_CREATED], profile: "hr" }]);
    const mark = lastSeq(emu);
    const up = await runPath(stack, "up");
    expect(up.summary?.resourceChanges).toMatchObject({ replace: 2 });
    expect(dingtalkHeld(emu)).toEqual([`${B.appKey} SPACE:migrating`]);
    expect(feishuHeld(emu)).toEqual([`${APP2.appId} 7002 ticket.created_v1`]);
    const order = (vendor: "dingtalk" | "feishu") => callsSince(emu, mark, vendor).filter((e) => e.op !== "token").map((e) => `${e.op} ${e.app}`);
    expect(order("dingtalk")).toEqual([`subscribe ${B.appKey}`, `unsubscribe ${A.appKey}`]);
    expect(order("feishu")).toEqual([`subscribe ${APP2.appId}`, `unsubscribe ${APP1.appId}`]);
    // Once migrated, the old credentials can go: the top level may even be emptied of them.
    await runPath(stack, "destroy");
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
  });

  it("removing a profile that a resource still uses fails at preview, naming the profile and the recorded identity, and changes nothing", async () => {
    emu.reset();
    const stack = newStack({ ...defaultConfig(emu), ...profileConfig() });
    setEntries(stack, [{ name: "space-b", scope: "SPACE", scopeId: "space-b", unionId: "union-1", profile: "b" }], [{ name: "hr-tickets", events: [TICKET_CREATED], profile: "hr" }]);
    await runPath(stack, "up");
    const held = emu.subscriptions();
    configRm(stack, "dingtalk:profiles.b");
    configRm(stack, "feishu:profiles");
    const mark = lastSeq(emu);
    const preview = await stack.run("preview", {}, { configPath: true });
    expect(preview.ok).toBe(false);
    const output = preview.stdout + (preview.error?.message ?? "");
    // The engine stops at the first refused resource; which one comes first varies.
    expect(output).toMatch(
      /SPACE:space-b was made with profile "b" \(app dingappkeyB000000002 at .*\), which cannot be used now: The dingtalk profile "b" is not configured.*dingtalk:profiles\.b\.appKey|was made with profile "hr" \(app cli_app2000000000002 on helpdesk 7002 at .*\), which cannot be used now: The feishu profile "hr" is not configured.*feishu:profiles\.hr\.appId/,
    );
    const up = await stack.run("up", {}, { configPath: true });
    expect(up.ok).toBe(false);
    // With DingTalk's profile back, the Feishu resource stops the run the same way.
    stack.setConfig("dingtalk:profiles.b.appKey", B.appKey);
    stack.setConfig("dingtalk:profiles.b.appSecret", secret(B.appSecret));
    const again = await stack.run("preview", {}, { configPath: true });
    expect(again.ok).toBe(false);
    expect(again.stdout + (again.error?.message ?? "")).toMatch(/was made with profile "hr" \(app cli_app2000000000002 on helpdesk 7002 at .*feishu:profiles\.hr\.appId/);
    expect(callsSince(emu, mark)).toEqual([]);
    expect(emu.subscriptions()).toEqual(held);
  });

  it("profiles from DINGTALK_PROFILES / FEISHU_PROFILES (JSON) in a pipeline's environment", async () => {
    emu.reset();
    const env = {
      DINGTALK_PROFILES: JSON.stringify({ b: { appKey: B.appKey, appSecret: B.appSecret } }),
      FEISHU_PROFILES: JSON.stringify({ hr: { ...APP2, ...H2 } }),
    };
    const stack = newStack(defaultConfig(emu), env);
    setEntries(stack, [{ name: "space-b", scope: "SPACE", scopeId: "env-b", unionId: "union-1", profile: "b" }], [{ name: "hr", events: [TICKET_MESSAGE], profile: "hr" }]);
    await runPath(stack, "up");
    expect(dingtalkHeld(emu)).toEqual([`${B.appKey} SPACE:env-b`]);
    expect(feishuHeld(emu)).toEqual([`${APP2.appId} 7002 ticket_message.created_v1`]);
    await runPath(stack, "destroy");
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
    expect(leakedSecrets([JSON.stringify(await stack.exportState()), ...backendFiles(stack.backendDir), ...stack.transcript], SECRETS)).toEqual([]);
  });

  it("an unknown profile fails at preview naming the profile and the keys to set, with no vendor call", async () => {
    emu.reset();
    const stack = newStack(defaultConfig(emu));
    setEntries(stack, [{ name: "x", scope: "SPACE", scopeId: "x", unionId: "union-1", profile: "nosuch" }], []);
    const preview = await stack.run("preview", {}, { configPath: true });
    expect(preview.ok).toBe(false);
    expect(preview.stdout + (preview.error?.message ?? "")).toMatch(/dingtalk profile "nosuch" is not configured .*dingtalk:profiles\.nosuch\.appKey/);
    expect(emu.ledger()).toEqual([]);
  });
});
