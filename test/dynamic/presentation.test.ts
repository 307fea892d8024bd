import { describe, expect, it } from "vitest";
import { ConfigError, VendorApiError } from "../../provider/core/errors";
import { presentErrors, wantsStacks } from "../../provider/dynamic/presentation";

/** What Pulumi's dynamic-provider host does with a failed check/diff/read/delete. */
async function hostCall(fn: () => Promise<unknown>, console: { error: (...a: unknown[]) => void }): Promise<Error> {
  try {
    await fn();
  } catch (e: any) {
    console.error(`${e}: ${e.stack}`);
    return e;
  }
  throw new Error("did not fail");
}

function setup(opts: { env?: NodeJS.ProcessEnv; argv?: string[] } = {}) {
  const printed: string[] = [];
  const debug: string[] = [];
  const console = { error: (...a: unknown[]) => void printed.push(a.map(String).join(" ")) };
  const wrap = <T extends object>(impl: T) =>
    presentErrors(impl, {
      env: opts.env ?? {},
      argv: opts.argv ?? ["node", "index.js", "127.0.0.1:1"],
      console,
      debugSink: async (text) => void debug.push(text),
    });
  return { printed, debug, console, wrap };
}

const configError = () => new ConfigError("Feishu settings are incomplete: set feishu:helpdeskToken (FEISHU_HELPDESK_TOKEN).", "feishu:helpdeskToken");

describe("presentErrors", () => {
  it("drops the host's stack line for the package's own errors and keeps the message", async () => {
    const { printed, debug, console, wrap } = setup();
    const impl = wrap({ check: async () => Promise.reject(configError()) });
    const error = await hostCall(() => impl.check(), console);
    expect(error.message).toBe("Feishu settings are incomplete: set feishu:helpdeskToken (FEISHU_HELPDESK_TOKEN).");
    expect(error.stack).toBe(`ConfigError: ${error.message}`);
    expect(printed).toEqual([]);
    // The full stack still goes to the debug log (`pulumi --debug`).
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(/^ConfigError: Feishu settings are incomplete[^\n]*\n\s+at /);
  });

  it("drops the line once per rejection, also when one error object is thrown for several resources", async () => {
    const { printed, console, wrap } = setup();
    const shared = configError();
    const impl = wrap({ diff: async () => Promise.reject(shared), delete: async () => Promise.reject(shared) });
    await Promise.all([hostCall(() => impl.diff(), console), hostCall(() => impl.delete(), console), hostCall(() => impl.diff(), console)]);
    expect(printed).toEqual([]);
    // Anything else written to the console still shows.
    console.error(`${shared}: ${shared.stack}`);
    console.error("something else");
    expect(printed).toEqual([`${shared}: ${shared.stack}`, "something else"]);
  });

  it("keeps the stack of an unexpected error (a bug must show where it is)", async () => {
    const { printed, debug, console, wrap } = setup();
    const impl = wrap({ create: async () => { throw new TypeError("x is not a function"); } });
    await hostCall(() => impl.create(), console);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^TypeError: x is not a function: TypeError: x is not a function\n\s+at /);
    expect(debug).toEqual([]);
  });

  it.each([
    ["PULUMI_DINGTALK_FEISHU_DEBUG=1", { env: { PULUMI_DINGTALK_FEISHU_DEBUG: "1" } }],
    ["pulumi -v=9 --logflow", { argv: ["node", "index.js", "--logtostderr", "-v=9", "127.0.0.1:1"] }],
  ])("keeps every stack with %s", async (_label, opts) => {
    const { printed, console, wrap } = setup(opts);
    const vendorError = new VendorApiError({ vendor: "dingtalk", operation: "subscribe", target: "ORG:x" }, { httpStatus: 403, vendorCode: "permissionDenied" });
    const impl = wrap({ delete: async () => Promise.reject(vendorError) });
    await hostCall(() => impl.delete(), console);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/\n\s+at /);
  });

  it("passes results through and wraps only the provider methods the implementation has", async () => {
    const { wrap } = setup();
    const impl = wrap({ read: async (id: string) => ({ id, props: {} }), other: () => 1 } as any);
    expect(await impl.read("a")).toEqual({ id: "a", props: {} });
    expect(Object.keys(impl)).toEqual(["read"]);
  });
});

describe("wantsStacks", () => {
  it("reads the debug variable and the verbosity Pulumi passes with --logflow", () => {
    expect(wantsStacks({}, ["node", "index.js", "127.0.0.1:1"])).toBe(false);
    expect(wantsStacks({ PULUMI_DINGTALK_FEISHU_DEBUG: "0" }, ["node", "index.js"])).toBe(false);
    expect(wantsStacks({ PULUMI_DINGTALK_FEISHU_DEBUG: "1" }, ["node", "index.js"])).toBe(true);
    expect(wantsStacks({}, ["node", "index.js", "--logtostderr", "-v=3", "127.0.0.1:1"])).toBe(true);
    expect(wantsStacks({}, ["node", "index.js", "-v=0", "127.0.0.1:1"])).toBe(false);
  });
});
