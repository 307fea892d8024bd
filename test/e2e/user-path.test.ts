// The user's own path: `pulumi` typed in a program folder, which starts the Node language host
// and compiles the program with ts-node, type checked. Also the one Automation API inline program
// kept for users who embed Pulumi.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { emulatorConfig, emulatorPerFile, pulumiBinDir, repoRoot, type ConfigValue } from "./harness";
import { apiOps, callsSince, dingtalkHeld, feishuHeld, lastSeq } from "./ledger";

const fx = emulatorPerFile();

interface Typed {
  code: number | null;
  output: string;
}

/** Runs a command to its end, keeping its stdout and stderr together as a terminal shows them. */
function collect(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Typed> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Runs `pulumi <args>` in `cwd` as a user's shell would, with a throwaway backend. */
function typed(cwd: string, backendDir: string, args: string[]): Promise<Typed> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${pulumiBinDir()}${delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "user-path",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  for (const k of Object.keys(env)) if (/^(DINGTALK|FEISHU)_/.test(k)) delete env[k];
  return collect(join(pulumiBinDir(), "pulumi"), args, cwd, env);
}

describe("pulumi typed in the repo root (the README's run-it-yourself steps)", () => {
  const backendDir = mkdtempSync(join(tmpdir(), "pdf-typed-"));
  const stack = `typed${randomBytes(3).toString("hex")}`;
  afterAll(() => {
    rmSync(join(repoRoot, `Pulumi.${stack}.yaml`), { force: true });
    rmSync(backendDir, { recursive: true, force: true });
  });

  it("stack init, config set, up and destroy work against the emulator through the language host", async () => {
    const run = async (...args: string[]) => {
      const r = await typed(repoRoot, backendDir, args);
      expect(r.code, `pulumi ${args.join(" ")}\n${r.output}`).toBe(0);
      return r.output;
    };
    await run("stack", "init", stack);
    const config: Record<string, ConfigValue> = { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS), corpId: DEFAULT_CREDENTIALS.dingtalk.apps[0].corpId, operatorUnionId: "typed-operator" };
    for (const [key, v] of Object.entries(config)) {
      if (typeof v === "string") await run("config", "set", key, v);
      else await run("config", "set", ...(v.secret ? ["--secret"] : []), key, v.value);
    }
    const mark = lastSeq(fx.emu);
    const up = await run("up", "--yes");
    expect(up).toContain("+ 3 created");
    expect(dingtalkHeld(fx.emu)).toEqual([`ORG:${DEFAULT_CREDENTIALS.dingtalk.apps[0].corpId}:typed-operator`]);
    expect(feishuHeld(fx.emu)).toHaveLength(2);
    expect(apiOps(callsSince(fx.emu, mark)).filter((o) => o === "subscribe").length).toBeGreaterThanOrEqual(2);

    const destroy = await run("destroy", "--yes");
    expect(destroy).toContain("3 deleted");
    expect(dingtalkHeld(fx.emu)).toEqual([]);
    expect(feishuHeld(fx.emu)).toEqual([]);
    // The stack's config file holds the secrets encrypted only.
    const file = readFileSync(join(repoRoot, `Pulumi.${stack}.yaml`), "utf8");
    expect(file).not.toContain(DEFAULT_CREDENTIALS.dingtalk.apps[0].appSecret);
    expect(file).toContain("secure:");
    await run("stack", "rm", "--yes", stack);
  });
});

describe("the language host type-checks the program", () => {
  it("a type error fails `pulumi preview` with the compiler's message and no vendor call", async () => {
    const s = fx.stack({ program: "test/e2e/programs/type-error", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
    const mark = lastSeq(fx.emu);
    const r = await s.run("preview");
    expect(r.ok).toBe(false);
    const output = r.stdout + (r.error?.message ?? "");
    expect(output).toContain("Unable to compile TypeScript");
    expect(output).toMatch(/TS2322: Type '"TEAM"' is not assignable/);
    expect(callsSince(fx.emu, mark)).toEqual([]);
  });
});

describe("Automation API inline program", () => {
  it("runs a JavaScript program embedded in the caller's process: up subscribes, destroy unsubscribes", async () => {
    const s = fx.stack({
      program: "test/e2e/programs/inline-js",
      inline: true,
      config: { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS), "inline-js:spaceId": "inline-space-1", "inline-js:operatorUnionId": "inline-op" },
    });
    const mark = lastSeq(fx.emu);
    const up = await s.up();
    expect(up.outputs?.subscription).toBe("SPACE:inline-space-1");
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:inline-space-1:inline-op"]);
    await s.destroy();
    expect(dingtalkHeld(fx.emu)).toEqual([]);
    expect(apiOps(callsSince(fx.emu, mark, "dingtalk"))).toEqual(["subscribe", "unsubscribe"]);
  });
});

describe("npm run demo (the README's main job)", () => {
  it("types the user's commands in the repo root and ends with the vendors holding nothing", async () => {
    const { code, output: text } = await collect(process.execPath, [join(repoRoot, "scripts", "demo.mjs")], repoRoot);
    const output = { code, text };
    expect(output.code, output.text).toBe(0);
    for (const line of ["$ pulumi stack init demo", "$ pulumi config set --secret dingtalk:appSecret <secret>", "$ pulumi up --yes", "$ pulumi destroy --yes"]) {
      expect(output.text).toContain(line);
    }
    // What the emulated vendors held after up, as the demo read it from its emulator, then nothing.
    expect(output.text).toMatch(/after pulumi up, the vendors hold\nDingTalk subscriptions \(1\):\n {2}ORG:\S+ as demo-operator-union-id/);
    expect(output.text).toMatch(/after pulumi destroy, the vendors hold\nDingTalk subscriptions \(0\):\nFeishu helpdesk subscriptions \(0\):/);
    expect(output.text).toContain("demo: OK");
    expect(output.text).not.toContain(DEFAULT_CREDENTIALS.dingtalk.apps[0].appSecret);
  });
});
