import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { providerModule } from "../../provider/dynamic/shim";
import { emulatorConfig, emulatorPerFile, repoRoot, type TestStack } from "./harness";
import { callsSince, dingtalkHeld, feishuHeld, lastSeq } from "./ledger";

// A checkpoint written by v0.1.0 (serialized ~2 KB `__provider` shims), captured from a real run by
// test/fixtures/state-v0.1/capture.mjs, must keep working with this version: preview and refresh
// change nothing, an update changes only what the program changed, destroy unsubscribes everything,
// including resources whose stored provider is still v0.1's.
const FIXTURE = join(__dirname, "..", "fixtures", "state-v0.1");
const captured = JSON.parse(readFileSync(join(FIXTURE, "program-config.json"), "utf8"));
const ticketCreated = { type: "helpdesk.ticket", subtype: "ticket.created_v1" };

describe("a stack written by v0.1", () => {
  const fx = emulatorPerFile();

  function programStack(entries: { dingtalk: object[]; feishu: object[] }): TestStack {
    return fx.stack({
      program: "examples/from-config",
      config: { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS), "from-config:dingtalk": JSON.stringify(entries.dingtalk), "from-config:feishu": JSON.stringify(entries.feishu) },
    });
  }

  it("imports, previews and refreshes clean, updates only what changed, and destroys with exactly the vendor calls needed", async () => {
    // The vendor holds what v0.1 subscribed (made here by a throwaway stack of the same program).
    await programStack(captured).up();
    expect(dingtalkHeld(fx.emu)).toEqual(["ORG:ding-corp-demo:union-1", "SPACE:space-a:union-1", "SPACE:space-b:union-1", "SPACE:space-c:union-1"]);
    expect(feishuHeld(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1", "helpdesk.ticket_message/ticket_message.created_v1"]);

    const stack = programStack(captured);
    const text = readFileSync(join(FIXTURE, "state.json"), "utf8").replaceAll("@@STACK@@", stack.stackName).replaceAll("@@EMULATOR@@", fx.emu.url);
    const imported = await stack.run("import", {}, { deployment: JSON.parse(text) });
    expect(imported.error?.message).toBeUndefined();
    const v01 = await stack.dynamicResources();
    expect(v01).toHaveLength(5);
    for (const r of v01) expect(Buffer.byteLength(r.outputs.__provider)).toBeGreaterThan(2000);

    // A changed __provider is neither an update nor a replacement; refresh reads through v0.1's shim.
    let mark = lastSeq(fx.emu);
    expect((await stack.preview()).changeSummary).toEqual({ same: 6 });
    expect((await stack.refresh()).summary?.result).toBe("succeeded");
    expect(callsSince(fx.emu, mark)).toEqual([]);

    // Update: space-a gets a new operator, space-c goes (deleted through v0.1's shim), space-d comes, one Feishu pair goes.
    stack.setConfig(
      "from-config:dingtalk",
      JSON.stringify([
        captured.dingtalk[0],
        { ...captured.dingtalk[1], unionId: "union-2" },
        captured.dingtalk[2],
        { name: "space-d", scope: "SPACE", scopeId: "space-d", unionId: "union-1" },
      ]),
    );
    stack.setConfig("from-config:feishu", JSON.stringify([{ name: "tickets", events: [ticketCreated] }]));
    mark = lastSeq(fx.emu);
    const up = await stack.up();
    expect(up.summary?.resourceChanges).toEqual({ same: 3, update: 2, create: 1, delete: 1 });
    const calls = callsSince(fx.emu, mark);
    expect(calls.filter((e) => e.op !== "token").map((e) => `${e.vendor} ${e.op} ${e.scopeId ?? e.events?.map((x) => x.subtype).join(",")} ${e.status}`).sort()).toEqual([
      "dingtalk subscribe space-a 200",
      "dingtalk subscribe space-d 200",
      "dingtalk unsubscribe space-c 200",
      "feishu unsubscribe ticket_message.created_v1 200",
    ]);
    expect(calls.filter((e) => e.op === "token").map((e) => e.vendor).sort()).toEqual(["dingtalk", "feishu"]);
    expect(dingtalkHeld(fx.emu)).toEqual(["ORG:ding-corp-demo:union-1", "SPACE:space-a:union-2", "SPACE:space-b:union-1", "SPACE:space-d:union-1"]);
    expect(feishuHeld(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1"]);

    // Every input now holds the one-line module; outputs of resources the update left alone keep v0.1's (the engine keeps them).
    const after = await stack.dynamicResources();
    const module = (r: any) => providerModule(r.type.includes("dingtalk") ? "dingtalk" : "feishu");
    for (const r of after) expect(r.inputs.__provider).toBe(module(r));
    const name = (r: any) => r.urn.split("::").pop();
    expect(after.filter((r) => r.outputs.__provider === module(r)).map(name).sort()).toEqual(["space-a", "space-d", "tickets"]);

    mark = lastSeq(fx.emu);
    const destroy = await stack.destroy();
    expect(destroy.summary?.resourceChanges).toEqual({ delete: 6 });
    expect(callsSince(fx.emu, mark).filter((e) => e.op === "unsubscribe").map((e) => `${e.vendor} ${e.scopeId ?? e.events?.map((x) => x.subtype).join(",")} ${e.status}`).sort()).toEqual([
      "dingtalk ding-corp-demo 200",
      "dingtalk space-a 200",
      "dingtalk space-b 200",
      "dingtalk space-d 200",
      "feishu ticket.created_v1 200",
    ]);
    expect(fx.emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
  });
});

// The stored module names the package, not a path or a version: with two copies installed (the
// program's own and one nested under a library), both copies' resources run on the copy the
// program's folder resolves, one implementation, one token cache.
describe("two copies of the package in one program", () => {
  const fx = emulatorPerFile();
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the resources of both on one implementation: one token, one call per create and delete", async () => {
    dir = mkdtempSync(join(tmpdir(), "pdf-two-copies-"));
    const modules = join(dir, "node_modules");
    mkdirSync(modules);
    symlinkSync(join(repoRoot, "node_modules", "@pulumi"), join(modules, "@pulumi"), "dir");
    symlinkSync(repoRoot, join(modules, "pulumi-dingtalk-feishu"), "dir");
    // A library with its own copy of the package (a real copy on disk, another version number).
    const nested = join(modules, "lib", "node_modules", "pulumi-dingtalk-feishu");
    mkdirSync(nested, { recursive: true });
    cpSync(join(repoRoot, "dist", "provider"), join(nested, "dist", "provider"), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    writeFileSync(join(nested, "package.json"), JSON.stringify({ ...pkg, version: "0.0.1-nested", scripts: {} }));
    writeFileSync(
      join(modules, "lib", "index.js"),
      `const { dingtalk } = require("pulumi-dingtalk-feishu");\n` +
        `exports.copyVersion = require("pulumi-dingtalk-feishu/package.json").version;\n` +
        `exports.subscribe = (name, scopeId) => new dingtalk.StorageEventSubscription(name, { scope: "SPACE", scopeId, unionId: "union-1" });\n`,
    );
    writeFileSync(join(dir, "Pulumi.yaml"), "name: two-copies\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "two-copies", version: "0.0.0", private: true }));
    writeFileSync(
      join(dir, "index.js"),
      `const { dingtalk } = require("pulumi-dingtalk-feishu");\n` +
        `const lib = require("lib");\n` +
        `new dingtalk.StorageEventSubscription("top", { scope: "SPACE", scopeId: "space-top", unionId: "union-1" });\n` +
        `lib.subscribe("nested", "space-nested");\n` +
        `exports.copies = [require("pulumi-dingtalk-feishu/package.json").version, lib.copyVersion];\n`,
    );
    const stack = fx.stack({ program: dir, config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });

    let mark = lastSeq(fx.emu);
    const up = await stack.up();
    expect(up.outputs?.copies).toEqual([JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).version, "0.0.1-nested"]);
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:space-nested:union-1", "SPACE:space-top:union-1"]);
    expect(callsSince(fx.emu, mark).map((e) => e.op).sort()).toEqual(["subscribe", "subscribe", "token"]);
    const resources = await stack.dynamicResources();
    expect(resources.map((r) => r.inputs.__provider)).toEqual([providerModule("dingtalk"), providerModule("dingtalk")]);

    mark = lastSeq(fx.emu);
    await stack.destroy();
    expect(callsSince(fx.emu, mark).map((e) => e.op).sort()).toEqual(["token", "unsubscribe", "unsubscribe"]);
    expect(fx.emu.subscriptions().dingtalk).toEqual([]);
  });
});
