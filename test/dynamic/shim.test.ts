import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dingtalk, feishu } from "../../provider";
import { dynamicType, providerModule, withProvider } from "../../provider/dynamic/shim";

// How the dynamic-provider host loads a `__provider` (@pulumi/pulumi cmd/dynamic-provider):
// `requireFromString(text).handler()`, with `require` resolving from the working directory.
const requireFromString: (code: string) => { handler: () => Record<string, unknown> } = require("require-from-string");
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"];
const v01State = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "state-v0.1", "state.json"), "utf8"));
const v01Blob = (type: string): string => v01State.deployment.resources.find((r: any) => r.type === type).inputs.__provider;

describe("providerModule", () => {
  it.each(["dingtalk", "feishu", "noop"] as const)("is one line under 400 bytes that names the package and no path (%s)", (kind) => {
    const text = providerModule(kind);
    expect(Buffer.byteLength(text)).toBeLessThan(400);
    expect(text).not.toContain("\n");
    expect(text.match(/"[^"]*\/[^"]*"/g)).toEqual(['"pulumi-dingtalk-feishu/runtime"']);
  });

  it("loads, as the host loads it, the installed implementation itself, with every method", () => {
    const runtime = require("pulumi-dingtalk-feishu/runtime");
    for (const kind of ["dingtalk", "feishu", "noop"] as const) {
      const provider = requireFromString(providerModule(kind)).handler();
      expect(provider).toBe(runtime.implementation(kind));
      for (const m of METHODS) expect(typeof provider[m]).toBe("function");
    }
  });

  it("where the package cannot be found, fails with one line naming the folder, printed by the host exactly once (nothing else dropped)", () => {
    const Module = require("node:module");
    const dir = mkdtempSync(join(tmpdir(), "pdf-shim-"));
    const load = (text: string) => {
      const m = new Module(join(dir, "__provider.js"));
      m.filename = join(dir, "__provider.js");
      m.paths = Module._nodeModulePaths(dir);
      m._compile(text, m.filename);
      return m.exports as { handler: () => unknown };
    };
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void printed.push(a);
    try {
      let caught: any;
      try {
        load(providerModule("dingtalk")).handler();
      } catch (e) {
        caught = e;
      }
      const message = `pulumi-dingtalk-feishu is not installed in ${process.cwd()}: npm install it there`;
      expect(caught.message).toBe(message);
      // What the host prints for a failed check/diff/read/delete: `${e}: ${e.stack}`; it is dropped, other lines are not.
      console.error(`${caught}: ${caught.stack}`);
      console.error("another line");
      expect(printed).toEqual([["another line"]]);
      // A module missing inside the package (or any other failure) is rethrown as it is, stack and all.
      const inner = providerModule("dingtalk").replace("require(p)", 'require("undici-missing-dependency")');
      expect(() => load(inner).handler()).toThrow(/Cannot find module 'undici-missing-dependency'/);
    } finally {
      console.error = original;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("v0.1's serialized shim (from a captured v0.1 state) still loads and reaches the same implementation", async () => {
    const runtime = require("pulumi-dingtalk-feishu/runtime");
    const blob = v01Blob("pulumi-nodejs:dynamic/dingtalk:StorageEventSubscription");
    expect(Buffer.byteLength(blob)).toBeGreaterThan(2000);
    const old = requireFromString(blob).handler() as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const m of METHODS) expect(typeof old[m]).toBe("function");
    // DingTalk's read needs no settings and no vendor: the same answer through both.
    const props = { scope: "SPACE", scopeId: "s-1", unionId: "u-1", endpoint: "https://api.dingtalk.com/" };
    expect(await old.read("SPACE:s-1", props)).toEqual(await runtime.implementation("dingtalk").read("SPACE:s-1", props));
  });
});

describe("the package's resources", () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "shim-test",
      "dev",
    );
  });

  it("register as dynamic resources whose __provider is the one-line module", async () => {
    const d = new dingtalk.StorageEventSubscription("d", { scope: "SPACE", scopeId: "s-1", unionId: "u-1" });
    const f = new feishu.HelpdeskEventSubscription("f", { events: [feishu.HelpdeskEvents.TicketCreated] });
    await Promise.all([new Promise((r) => d.id.apply(r)), new Promise((r) => f.id.apply(r))]);
    const byName = Object.fromEntries(registered.map((a) => [a.name, a]));
    expect(byName.d.type).toBe("pulumi-nodejs:dynamic/dingtalk:StorageEventSubscription");
    expect(byName.d.inputs.__provider).toBe(providerModule("dingtalk"));
    expect(byName.d.inputs).toMatchObject({ scope: "SPACE", scopeId: "s-1", unionId: "u-1" });
    expect(byName.f.type).toBe("pulumi-nodejs:dynamic/feishu:HelpdeskEventSubscription");
    expect(byName.f.inputs.__provider).toBe(providerModule("feishu"));
  });

  it("keep the type tokens v0.1 wrote, so existing states are updated in place, not replaced", () => {
    const types = v01State.deployment.resources.map((r: any) => r.type).filter((t: string) => t.startsWith("pulumi-nodejs:dynamic/"));
    expect(new Set(types)).toEqual(
      new Set([dynamicType("dingtalk", "StorageEventSubscription"), dynamicType("feishu", "HelpdeskEventSubscription")]),
    );
  });

  it("withProvider adds only __provider", () => {
    expect(withProvider("noop", { value: "v" })).toEqual({ value: "v", __provider: providerModule("noop") });
  });
});
