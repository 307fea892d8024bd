// Every mistake a user can make reads as one clean diagnostic in the CLI output: the message
// once under the failing resource, no JavaScript stack frames, no class-name prefix repeated
// under the stack, no secret. Each case also asserts what the emulated vendor saw.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { emulatorConfig, emulatorPerFile, repoRoot, type ConfigValue, type RunResult, type TestStack } from "./harness";
import { apiOps, callsSince, dingtalkHeld, feishuHeld, lastSeq } from "./ledger";

const C = DEFAULT_CREDENTIALS;
/** A DingTalk app of the same organization that lacks Storage.Event.Write: its subscribe answers 403 permissionDenied. */
const UNPERMITTED = { appKey: "dingnopermission00001", appSecret: "dtAppSecret-nopermission-6d2b8f0a4c1e3957", corpId: C.dingtalk.apps[0].corpId, permissions: false };
const fx = emulatorPerFile({ dingtalk: { apps: [...C.dingtalk.apps, UNPERMITTED] } });
const PROGRAM = "test/e2e/programs/diagnostics-subscriptions";

/** Every secret the tests configure: none may appear in any output. */
const SECRETS = [
  C.dingtalk.apps[0].appSecret,
  C.dingtalk.suites[0].suiteSecret,
  C.dingtalk.preIssuedTokens[0].token,
  C.feishu.apps[0].appSecret,
  C.feishu.helpdesks[0].helpdeskToken,
  C.feishu.preIssuedTokens[0],
  "wrongSecret-diagnostics-0123456789",
  UNPERMITTED.appSecret,
  "fsHelpdeskToken-wrong-diagnostics-0123",
];

/** The CLI output of one operation, as the user's terminal or a pipeline log shows it. */
function cliOutput(r: RunResult): string {
  return `${r.stdout}\n${r.stderr}`;
}

/** Everything the harness kept of an operation (the driver's error wraps the CLI output again). */
function everything(r: RunResult): string {
  return [r.stdout, r.stderr, r.error?.message ?? "", r.error?.stdout ?? "", r.error?.stderr ?? ""].join("\n");
}

/**
 * The `Diagnostics:` section of the CLI output, as heading (`pulumi:pulumi:Stack (name)`,
 * `<type> (<resource>)`) → the text under it.
 */
function diagnosticsSection(output: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const lines = output.split("\n");
  const start = lines.findIndex((l) => l.trim() === "Diagnostics:");
  if (start < 0) return blocks;
  let heading: string | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // the next section (Resources:, Outputs:, ...)
    const head = /^ {2}(\S.*\(.*\)):\s*$/.exec(line);
    if (head) {
      heading = head[1]!;
      blocks.set(heading, "");
    } else if (heading) {
      blocks.set(heading, blocks.get(heading)! + line + "\n");
    }
  }
  return blocks;
}

/** What may appear under the stack in Diagnostics: Pulumi's own summary, retry lines, notices. */
const STACK_LINE = /^\s+(error: (update|preview|destroy) failed|warning: .*|\[pulumi-dingtalk-feishu\] (info|warn): .*)$/;

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/**
 * Asserts the shape of a failed operation's output: the message once in the Diagnostics block
 * of `resource`, as its only error; nothing of it under the stack; no stack frame anywhere;
 * no error class prefix; no secret.
 */
function expectCleanFailure(r: RunResult, resource: string, message: string): void {
  const output = cliOutput(r);
  expect(r.ok, output).toBe(false);
  expect(everything(r), "a JavaScript stack frame").not.toMatch(/^\s+at .+[:(]/m);
  expect(output).not.toMatch(/\b(ConfigError|VendorApiError|NetworkError|TimeoutError|AuthError|RateLimitError):/);
  const blocks = diagnosticsSection(output);
  const mine = [...blocks].filter(([h]) => h.endsWith(`(${resource})`));
  expect(mine, `no Diagnostics block for ${resource}:\n${output}`).toHaveLength(1);
  const text = mine[0]![1];
  expect(occurrences(text, message), `in the block of ${resource}:\n${text}`).toBe(1);
  expect(text.match(/error: /g) ?? [], text).toHaveLength(1);
  // Under the stack only Pulumi's own summary, retry lines and notices: never the error again.
  for (const [heading, body] of blocks) {
    if (!heading.startsWith("pulumi:pulumi:Stack")) continue;
    const foreign = body.split("\n").filter((l) => l.trim() && !STACK_LINE.test(l));
    expect(foreign, "under the stack").toEqual([]);
  }
  // Pulumi itself repeats a resource's error in its live lines (at most twice) and in Diagnostics.
  expect(occurrences(output, message)).toBeLessThanOrEqual(3);
  expect(SECRETS.filter((s) => everything(r).includes(s))).toEqual([]);
}

function stack(config: Record<string, ConfigValue>, env: Record<string, string | null> = {}): TestStack {
  return fx.stack({ program: PROGRAM, config, env });
}

const base = () => emulatorConfig(fx.emu, C);
const only = (vendor: "dingtalk" | "feishu", config: Record<string, ConfigValue>) => {
  const out: Record<string, ConfigValue> = { vendors: vendor };
  for (const [k, v] of Object.entries(config)) if (!k.startsWith(vendor === "dingtalk" ? "feishu:" : "dingtalk:")) out[k] = v;
  return out;
};
const without = (config: Record<string, ConfigValue>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(config).filter(([k]) => !keys.includes(k)));

/** Runs `op`, expects a clean failure naming `message` on `resource`, and returns the vendor calls made. */
async function failsCleanly(s: TestStack, op: "preview" | "up" | "destroy", resource: string, message: string) {
  const mark = lastSeq(fx.emu);
  const r = await s.run(op);
  expectCleanFailure(r, resource, message);
  return { r, calls: callsSince(fx.emu, mark) };
}

describe("settings refused at preview: one line under the resource, no vendor call", () => {
  it.each([
    [
      "a missing key",
      () => without(only("feishu", base()), "feishu:helpdeskToken"),
      "tickets",
      "Feishu settings are incomplete: set feishu:helpdeskToken (FEISHU_HELPDESK_TOKEN).",
    ],
    [
      "missing credentials",
      () => without(only("dingtalk", base()), "dingtalk:appKey", "dingtalk:appSecret"),
      "files",
      "DingTalk credentials are missing. Set dingtalk:appKey (DINGTALK_APP_KEY), dingtalk:appSecret (DINGTALK_APP_SECRET)",
    ],
    [
      "conflicting credentials",
      () => ({ ...only("feishu", base()), "feishu:tenantAccessToken": { value: C.feishu.preIssuedTokens[0], secret: true } }),
      "tickets",
      "Feishu credentials conflict: set either feishu:appId (FEISHU_APP_ID), feishu:appSecret (FEISHU_APP_SECRET) or feishu:tenantAccessToken (FEISHU_TENANT_ACCESS_TOKEN), not both.",
    ],
    [
      "a tuning value that is not a number",
      () => ({ ...only("dingtalk", base()), "dingtalk:maxQps": "fast" }),
      "files",
      'dingtalk:maxQps (DINGTALK_MAX_QPS) must be a number written in plain decimal digits, got "fast".',
    ],
    [
      "a tuning value out of range",
      () => ({ ...only("feishu", base()), "feishu:maxAttempts": "50" }),
      "tickets",
      "feishu:maxAttempts",
    ],
    [
      "a profile that is not configured",
      () => ({ ...only("feishu", base()), profile: "staging" }),
      "tickets",
      'The feishu profile "staging" is not configured',
    ],
    [
      "plain http to a host that is not loopback",
      () => ({ ...only("feishu", base()), "feishu:endpoint": "http://open.feishu.cn" }),
      "tickets",
      "feishu:endpoint must use https: (http: is allowed only for localhost, 127.0.0.0/8 and ::1; got host open.feishu.cn).",
    ],
    [
      "a name under .localhost (loopback by name only)",
      () => ({ ...only("dingtalk", base()), "dingtalk:endpoint": "http://evil.localhost:8787" }),
      "files",
      "got host evil.localhost",
    ],
    [
      "the Feishu endpoint with its API path",
      () => ({ ...only("feishu", base()), "feishu:endpoint": "https://open.feishu.cn/open-apis" }),
      "tickets",
      "Set it to https://open.feishu.cn: pulumi config set feishu:endpoint https://open.feishu.cn",
    ],
    [
      "the DingTalk endpoint with its API version",
      () => ({ ...only("dingtalk", base()), "dingtalk:endpoint": "https://api.dingtalk.com/v1.0" }),
      "files",
      "Set it to https://api.dingtalk.com: pulumi config set dingtalk:endpoint https://api.dingtalk.com",
    ],
    [
      "the emulator's address with an API path",
      () => ({ ...only("feishu", base()), "feishu:endpoint": `${fx.emu.url}/open-apis` }),
      "tickets",
      () => `Set it to ${fx.emu.url}: pulumi config set feishu:endpoint ${fx.emu.url}`,
    ],
  ])("%s", async (_label, config, resource, message: string | (() => string)) => {
    const { calls } = await failsCleanly(stack(config()), "preview", resource, typeof message === "string" ? message : message());
    expect(calls).toEqual([]);
  });

  it("a bad input names the property, once", async () => {
    const message = "property scope value {TEAM} has a problem: scope must be ORG or SPACE";
    const { calls } = await failsCleanly(stack({ ...only("dingtalk", base()), scope: "TEAM" }), "preview", "files", message);
    expect(calls).toEqual([]);
  });
});

describe("debug output on request", () => {
  it("PULUMI_DINGTALK_FEISHU_DEBUG=1 shows the stack", async () => {
    const s = stack(without(only("feishu", base()), "feishu:helpdeskToken"), { PULUMI_DINGTALK_FEISHU_DEBUG: "1" });
    const r = await s.run("preview");
    expect(r.ok).toBe(false);
    expect(cliOutput(r)).toMatch(/^\s+at .+[:(]/m);
    expect(cliOutput(r)).toContain("Feishu settings are incomplete: set feishu:helpdeskToken");
  });

  it("pulumi preview --debug shows the stack as debug lines, and the error once", async () => {
    const s = stack(without(only("feishu", base()), "feishu:helpdeskToken"));
    const r = await s.run("preview", { debug: true });
    const output = cliOutput(r);
    expect(r.ok).toBe(false);
    expect(output).toMatch(/debug: ConfigError: Feishu settings are incomplete[^\n]*\n(\s+.*\n)*?\s+at .+[:(]/);
    const tickets = [...diagnosticsSection(output)].find(([h]) => h.endsWith("(tickets)"))![1];
    expect(tickets.match(/error: /g)).toHaveLength(1);
  });
});

describe("a non-standard endpoint", () => {
  it("is said once per run, not per resource, and nothing is called at preview", async () => {
    // Preview makes no vendor call; a closed loopback proxy would catch one anyway.
    const closed = await closedPort();
    const config = { ...only("dingtalk", base()), "dingtalk:endpoint": "https://dingtalk-gateway.example.invalid/dt", scopeIds: '["space-a","space-b","space-c"]' };
    const s = stack(config, { HTTPS_PROXY: `http://127.0.0.1:${closed}`, NO_PROXY: "" });
    const mark = lastSeq(fx.emu);
    const r = await s.run("preview");
    const output = cliOutput(r);
    expect(r.ok, output).toBe(true);
    const notice =
      "dingtalk:endpoint is https://dingtalk-gateway.example.invalid/dt, not one of DingTalk's documented hosts (https://api.dingtalk.com, https://api.dingtalk.io); using it as configured.";
    expect(occurrences(diagnosticsSection(output).get([...diagnosticsSection(output).keys()].find((h) => h.startsWith("pulumi:pulumi:Stack"))!) ?? "", notice)).toBe(1);
    expect(callsSince(fx.emu, mark)).toEqual([]);
  });

  it("is not said for the emulator (loopback)", async () => {
    const r = await stack(only("dingtalk", base())).run("preview");
    expect(r.ok).toBe(true);
    expect(cliOutput(r)).not.toContain("documented hosts");
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}


describe("the vendor says no at up: what was attempted on what, the vendor's code and request id, what to do", () => {
  const spaceId = "space-diagnostics";
  it.each([
    [
      "credentials refused (token request)",
      () => ({ ...only("dingtalk", base()), "dingtalk:appSecret": { value: "wrongSecret-diagnostics-0123456789", secret: true } }),
      undefined,
      "files",
      "invalidClientIdOrSecret",
      ["token"],
    ],
    [
      "a DingTalk parameter error",
      () => ({ ...only("dingtalk", base()), scope: "ORG", scopeIds: '["ding-some-other-corp"]' }),
      undefined,
      "files",
      "paramError",
      ["subscribe"],
    ],
    [
      "the DingTalk app lacks the Storage.Event.Write permission (permissionDenied)",
      () => ({ ...only("dingtalk", base()), "dingtalk:appKey": UNPERMITTED.appKey, "dingtalk:appSecret": { value: UNPERMITTED.appSecret, secret: true } }),
      undefined,
      "files",
      "403 permissionDenied: The app lacks the permission Storage.Event.Write (request id",
      ["subscribe"],
    ],
    [
      "Feishu refuses the helpdesk credentials (154003)",
      () => ({ ...only("feishu", base()), "feishu:helpdeskToken": { value: "fsHelpdeskToken-wrong-diagnostics-0123", secret: true } }),
      undefined,
      "tickets",
      "Check feishu:helpdeskId and feishu:helpdeskToken, and that the app has the helpdesk:all:readonly permission.",
      ["subscribe"],
    ],
    [
      "the DingTalk app lacks an API scope",
      () => only("dingtalk", base()),
      { fault: "scope-denied", vendor: "dingtalk", op: "subscribe" },
      "files",
      "Forbidden.AccessDenied.AccessTokenPermissionDenied",
      ["subscribe"],
    ],
    [
      "the Feishu app lacks an API scope (99991672)",
      () => only("feishu", base()),
      { fault: "scope-denied", vendor: "feishu", op: "subscribe" },
      "tickets",
      "99991672",
      ["subscribe"],
    ],
    [
      "this IP is not on the Feishu app's allow-list (99991401)",
      () => only("feishu", base()),
      { fault: "ip-denied", vendor: "feishu", op: "subscribe" },
      "tickets",
      "99991401",
      ["subscribe"],
    ],
    [
      "a DingTalk IP ban",
      () => only("dingtalk", base()),
      { fault: "ip-ban-json", vendor: "dingtalk", op: "subscribe" },
      "files",
      "IpBanned",
      ["subscribe"],
    ],
    [
      "throttling that outlasts the retry budget",
      () => ({ ...only("dingtalk", base()), "dingtalk:maxAttempts": "2" }),
      { fault: "throttle", vendor: "dingtalk", op: "subscribe", times: 10 },
      "files",
      "DingTalk kept throttling (20 QPS per app per API); lower dingtalk:maxQps or run fewer operations in parallel. Gave up after 2 attempts.",
      ["subscribe", "subscribe"],
    ],
    [
      "a vendor that does not answer in time",
      () => ({ ...only("feishu", base()), "feishu:maxAttempts": "1", "feishu:requestTimeoutMs": "1000" }),
      { fault: "hang", vendor: "feishu", op: "subscribe" },
      "tickets",
      "did not answer within 1000 ms",
      ["subscribe"],
    ],
  ])("%s", async (_label, config, fault, resource, code, expectedOps) => {
    fx.emu.resetFaults();
    if (fault) fx.emu.setFaults({ script: [fault as any] });
    try {
      const { r, calls } = await failsCleanly(stack(config()), "up", resource, code);
      if (!code.startsWith("did not answer")) expect(cliOutput(r)).toMatch(/\((request|log) id [0-9A-F-]{16,}\)/);
      expect(apiOps(calls.filter((c) => !(c.op === "token" && expectedOps[0] !== "token")))).toEqual(expectedOps.filter((o) => o !== "token"));
      if (expectedOps[0] === "token") expect(calls.map((c) => c.op)).toEqual(["token"]);
      expect(dingtalkHeld(fx.emu).filter((s) => s.includes(spaceId))).toEqual([]);
      expect(feishuHeld(fx.emu)).toEqual([]);
    } finally {
      fx.emu.resetFaults();
    }
  });

  it("a network failure (nothing listening)", async () => {
    const port = await closedPort();
    const config = { ...only("dingtalk", base()), "dingtalk:endpoint": `http://127.0.0.1:${port}`, "dingtalk:maxAttempts": "1" };
    const { calls } = await failsCleanly(stack(config), "up", "files", `network error reaching 127.0.0.1:${port}`);
    expect(calls).toEqual([]);
  });
});

describe("the vendor says no at destroy (the delete path, where the host printed stacks)", () => {
  it("an unsubscribe refused by the vendor", async () => {
    fx.emu.resetFaults();
    const s = stack(only("feishu", base()));
    await s.up();
    expect(feishuHeld(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1"]);
    fx.emu.setFaults({ script: [{ fault: "scope-denied", vendor: "feishu", op: "unsubscribe" }] });
    try {
      const { calls } = await failsCleanly(s, "destroy", "tickets", "99991672");
      expect(apiOps(calls)).toEqual(["unsubscribe"]);
      expect(feishuHeld(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1"]);
    } finally {
      fx.emu.resetFaults();
    }
    await s.destroy();
    expect(feishuHeld(fx.emu)).toEqual([]);
  });
});

describe("the package is not installed where the program runs", () => {
  it("destroy from a copy of the program without the package: one line naming the folder, nothing sent", async () => {
    fx.emu.resetFaults();
    const s = stack(only("dingtalk", base()));
    await s.up();
    expect(dingtalkHeld(fx.emu)).toHaveLength(1);
    // The program's folder moves to a place where @pulumi/pulumi resolves but pulumi-dingtalk-feishu does not.
    const moved = mkdtempSync(join(tmpdir(), "pdf-no-package-"));
    try {
      const programDir = join(moved, "program");
      cpSync(s.programDir, programDir, { recursive: true });
      mkdirSync(join(programDir, "node_modules"));
      symlinkSync(join(repoRoot, "node_modules", "@pulumi"), join(programDir, "node_modules", "@pulumi"), "dir");
      const copy = fx.stack({ program: programDir, config: s.config, backendDir: s.backendDir, stackName: s.stackName });
      const { r, calls } = await failsCleanly(copy, "destroy", "files", `pulumi-dingtalk-feishu is not installed in ${programDir}: npm install it there`);
      expect(cliOutput(r)).not.toContain("Cannot find module");
      expect(calls).toEqual([]);
      expect(dingtalkHeld(fx.emu)).toHaveLength(1);
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
    await s.destroy();
    expect(dingtalkHeld(fx.emu)).toEqual([]);
  });
});
