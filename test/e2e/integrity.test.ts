// Issue 9 §1 and §4 end to end: the real CLI and the emulator (two DingTalk apps in one
// organization, two Feishu helpdesks). Assertions are on what the emulator holds and saw.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConfigValue } from "./harness";
import { callsSince, lastSeq, type Emulator } from "./ledger";
import { A, APP1, B, defaultConfig, dingtalkHeld, feishuHeld, H1, H2, identityEmulatorPerFile, runPath, secret, setEntries } from "./profiles-helpers";

const TICKET_CREATED = { type: "helpdesk.ticket", subtype: "ticket.created_v1" };
const outputOf = (r: { stdout: string; error?: { message: string } }) => r.stdout + (r.error?.message ?? "");

describe("integrity end to end", () => {
  const fx = identityEmulatorPerFile();
  let emu: Emulator;
  beforeAll(() => {
    emu = fx.emu;
  });
  const newStack = (config: Record<string, ConfigValue>, env?: Record<string, string | null>) => fx.stack(config, env);

  it("switching the app (or the helpdesk) under a declared resource stops at preview and up with the recorded identity; nothing changes, nothing is orphaned", async () => {
    emu.reset();
    const stack = newStack(defaultConfig(emu));
    setEntries(stack, [{ name: "files", scope: "SPACE", scopeId: "shared-space", unionId: "union-1" }], [{ name: "tickets", events: [TICKET_CREATED] }]);
    await runPath(stack, "up");
    // Another stack's subscriptions of the same coverage under app B and on helpdesk 7002.
    const other = newStack({
      ...defaultConfig(emu),
      "dingtalk:appKey": B.appKey,
      "dingtalk:appSecret": secret(B.appSecret),
      "feishu:helpdeskId": H2.helpdeskId,
      "feishu:helpdeskToken": secret(H2.helpdeskToken),
    });
    setEntries(other, [{ name: "files", scope: "SPACE", scopeId: "shared-space", unionId: "union-1" }], [{ name: "tickets", events: [TICKET_CREATED] }]);
    await runPath(other, "up");
    const before = { dingtalk: dingtalkHeld(emu), feishu: feishuHeld(emu) };
    expect(before).toEqual({
      dingtalk: [`${A.appKey} SPACE:shared-space`, `${B.appKey} SPACE:shared-space`],
      feishu: [`${APP1.appId} 7001 ticket.created_v1`, `${APP1.appId} 7002 ticket.created_v1`],
    });

    // The first stack's config now names app B and helpdesk 7002.
    stack.setConfig("dingtalk:appKey", B.appKey);
    stack.setConfig("dingtalk:appSecret", secret(B.appSecret));
    stack.setConfig("feishu:helpdeskId", H2.helpdeskId);
    stack.setConfig("feishu:helpdeskToken", secret(H2.helpdeskToken));
    const mark = lastSeq(emu);
    for (const op of ["preview", "up"]) {
      const r = await stack.run(op, {}, { configPath: true });
      expect(r.ok).toBe(false);
      // The engine stops at the first refused diff; which resource comes first varies.
      expect(outputOf(r)).toMatch(
        /SPACE:shared-space was made with app dingappkeyA000000001 at .* \(profile "default"\), but that profile now resolves to app dingappkeyB000000002.*Set dingtalk:appKey \(DINGTALK_APP_KEY\), dingtalk:appSecret \(DINGTALK_APP_SECRET\) back|was made with app cli_app1000000000001 on helpdesk 7001 .*now resolves to .*helpdesk 7002.*Set feishu:helpdeskId \(FEISHU_HELPDESK_ID\), feishu:helpdeskToken \(FEISHU_HELPDESK_TOKEN\) back/,
      );
    }
    // destroy runs no diff: each delete refuses on its own, and never unsubscribes under B / on 7002.
    const destroy = await stack.run("destroy", {}, { configPath: true });
    expect(destroy.ok).toBe(false);
    expect(outputOf(destroy)).toMatch(/made with app cli_app1000000000001 on helpdesk 7001 .*now resolves to .*helpdesk 7002/);
    expect(callsSince(emu, mark)).toEqual([]);
    expect({ dingtalk: dingtalkHeld(emu), feishu: feishuHeld(emu) }).toEqual(before);

    // Set back to the recorded app and helpdesk. destroy runs no program: it hands each delete the
    // configuration the state recorded for the provider, which the refused `up` above already
    // replaced with app B's, so a destroy now would still refuse. A `pulumi up` records the
    // configuration again (and changes nothing at the vendor); then destroy removes exactly this stack's subscriptions.
    Object.assign(stack.config, Object.fromEntries(Object.entries(defaultConfig(emu)).map(([k, v]) => [k, typeof v === "string" ? { value: v, secret: false } : { value: v.value, secret: !!v.secret }])));
    const stillRecorded = await stack.run("destroy", {}, { configPath: true });
    expect(stillRecorded.ok).toBe(false);
    expect(outputOf(stillRecorded)).toMatch(/now resolves to app dingappkeyB000000002/);
    const mark2 = lastSeq(emu);
    await runPath(stack, "up");
    expect(callsSince(emu, mark2)).toEqual([]);
    await runPath(stack, "destroy");
    expect(dingtalkHeld(emu)).toEqual([`${B.appKey} SPACE:shared-space`]);
    expect(feishuHeld(emu)).toEqual([`${APP1.appId} 7002 ticket.created_v1`]);
    await runPath(other, "destroy");
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
  });

  it("a resource removed from the program while the config names another app is never unsubscribed under that app", async () => {
    emu.reset();
    const stack = newStack(defaultConfig(emu));
    setEntries(stack, [{ name: "files", scope: "SPACE", scopeId: "leaving", unionId: "union-1" }], []);
    await runPath(stack, "up");
    const other = newStack({ ...defaultConfig(emu), "dingtalk:appKey": B.appKey, "dingtalk:appSecret": secret(B.appSecret) });
    setEntries(other, [{ name: "files", scope: "SPACE", scopeId: "leaving", unionId: "union-1" }], []);
    await runPath(other, "up");
    stack.setConfig("dingtalk:appKey", B.appKey);
    stack.setConfig("dingtalk:appSecret", secret(B.appSecret));
    setEntries(stack, [], []);
    const mark = lastSeq(emu);
    const r = await stack.run("up", {}, { configPath: true });
    const calls = callsSince(emu, mark, "dingtalk").filter((e) => e.op !== "token").map((e) => `${e.op} ${e.app}`);
    // Whichever configuration the engine hands the delete (the one recorded with the old provider, or
    // today's), the delete acts under app A or not at all: app B's subscription stays.
    console.log(`removed resource, config switched to B: up ${r.ok ? "succeeded" : "failed"}; calls: ${JSON.stringify(calls)}`);
    expect(dingtalkHeld(emu)).toContain(`${B.appKey} SPACE:leaving`);
    expect(calls.every((c) => c === `unsubscribe ${A.appKey}`)).toBe(true);
    if (r.ok) expect(dingtalkHeld(emu)).toEqual([`${B.appKey} SPACE:leaving`]);
    else expect(outputOf(r)).toMatch(/was made with app dingappkeyA000000001/);
  });

  it("a create whose answer is lost on every attempt is recorded, and the next up cleans it up once it leaves the program", async () => {
    emu.reset();
    const stack = newStack({ ...defaultConfig(emu), "dingtalk:maxAttempts": "2", "feishu:maxAttempts": "2", "dingtalk:requestTimeoutMs": "2000", "feishu:requestTimeoutMs": "2000" });
    setEntries(stack, [{ name: "files", scope: "SPACE", scopeId: "lost-answer", unionId: "union-1" }], [{ name: "tickets", events: [TICKET_CREATED] }]);
    emu.setFaults({ script: [{ fault: "applied-drop", op: "subscribe", times: 4 }] });
    const failed = await stack.run("up", {}, { configPath: true });
    expect(failed.ok).toBe(false);
    // The engine shows an init failure's reasons: what was attempted and why it may be live.
    expect(outputOf(failed)).toMatch(/subscribe SPACE:lost-answer may have been applied: DingTalk subscribe SPACE:lost-answer failed: network error/);
    expect(outputOf(failed)).toMatch(/subscribe on helpdesk 7001 may have been applied: Feishu subscribe/);
    emu.resetFaults();
    expect(dingtalkHeld(emu)).toEqual([`${A.appKey} SPACE:lost-answer`]);
    expect(feishuHeld(emu)).toEqual([`${APP1.appId} 7001 ticket.created_v1`]);
    // Both are in the state ("created but failed"), with their outputs.
    const resources = await stack.dynamicResources();
    expect(resources.map((r) => r.id)).toHaveLength(2);
    expect(resources.find((r) => r.id === "SPACE:lost-answer")?.outputs).toMatchObject({ appKey: A.appKey, unconfirmed: true });
    expect(resources.find((r) => String(r.id).startsWith("7001/"))?.outputs).toMatchObject({ helpdeskId: "7001", unconfirmed: true });
    // They leave the program: the next up removes them at the vendor.
    setEntries(stack, [], []);
    await runPath(stack, "up");
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
  });

  it("a Feishu update whose unsubscribe fails records every live pair; the next up settles it", async () => {
    emu.reset();
    const stack = newStack({ ...defaultConfig(emu), "feishu:maxAttempts": "2" });
    const MESSAGE = { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" };
    setEntries(stack, [], [{ name: "tickets", events: [TICKET_CREATED] }]);
    await runPath(stack, "up");
    setEntries(stack, [], [{ name: "tickets", events: [MESSAGE] }]);
    emu.setFaults({ script: [{ fault: "scope-denied", vendor: "feishu", op: "unsubscribe", times: 1 }] });
    const failed = await stack.run("up", {}, { configPath: true });
    expect(failed.ok).toBe(false);
    emu.resetFaults();
    expect(feishuHeld(emu)).toEqual([`${APP1.appId} 7001 ticket.created_v1`, `${APP1.appId} 7001 ticket_message.created_v1`]);
    const [tickets] = await stack.dynamicResources();
    expect(tickets.outputs.events).toEqual([TICKET_CREATED, MESSAGE]);
    // The program goes back to the original list: the pair added half-way is not forgotten.
    setEntries(stack, [], [{ name: "tickets", events: [TICKET_CREATED] }]);
    await runPath(stack, "up");
    expect(feishuHeld(emu)).toEqual([`${APP1.appId} 7001 ticket.created_v1`]);
    await runPath(stack, "destroy");
    expect(emu.subscriptions().feishu).toEqual([]);
    void H1;
  });
});
