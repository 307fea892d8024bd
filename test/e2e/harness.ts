// End-to-end harness: runs a Pulumi program folder with the real `pulumi` CLI, the way a user
// does: the engine starts the Node language host in the program's folder, which compiles the
// program with ts-node (type checked). Driven through the Automation API with a local program
// (scripts/stack-driver.cjs), against a `file://` backend in a temporary folder and a
// passphrase secrets provider. `inline: true` takes the Automation API inline path instead.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, expect } from "vitest";
import { startEmulator } from "../../provider/emulator";
import { callsSince, lastSeq, type Emulator } from "./ledger";
import { cachedPulumiBinDir, runStackOperation } from "../../scripts/stack-runner.cjs";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(__dirname, "..", "..");

/** What one Pulumi operation returned. */
export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  error?: { message: string; stdout?: string; stderr?: string };
  summary?: { result: string; resourceChanges?: Record<string, number> };
  changeSummary?: Record<string, number>;
  outputs?: Record<string, unknown>;
  deployment?: { version: number; deployment: any };
}

export type ConfigValue = string | { value: string; secret?: boolean };

let cachedBinDir: string | undefined;

/**
 * The folder holding the pinned `pulumi` CLI. Never skips: with no CLI the tests fail,
 * in CI and locally alike, with the reason ensure-pulumi gave.
 */
export function pulumiBinDir(): string {
  if (cachedBinDir) return cachedBinDir;
  const cached = cachedPulumiBinDir();
  if (cached) return (cachedBinDir = cached);
  const r = spawnSync("bash", [join(repoRoot, "scripts", "ensure-pulumi")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the pinned Pulumi CLI is not available:\n${r.stderr}`);
  return (cachedBinDir = r.stdout.trim().split("\n").pop()!);
}

/** Options of {@link TestStack.create}. */
export interface TestStackOptions {
  /** The program folder (holding Pulumi.yaml), absolute or relative to the repo root. */
  program: string;
  /** Stack config, `namespace:key` → value. */
  config?: Record<string, ConfigValue>;
  /** Extra environment for the CLI and the provider process (null removes a variable). */
  env?: Record<string, string | null>;
  /** Reuse a backend folder (to move state between program folders). */
  backendDir?: string;
  stackName?: string;
  /** Config keys are paths (`pulumi config set --path`): `feishu:profiles.hr.appId`. */
  configPath?: boolean;
  /** Run the folder's JavaScript entry point as an Automation API inline program. */
  inline?: boolean;
}

/** A stack of one program on a throwaway `file://` backend. */
export class TestStack {
  readonly programDir: string;
  readonly backendDir: string;
  readonly stackName: string;
  config: Record<string, { value: string; secret: boolean }>;
  env: Record<string, string | null>;
  readonly configPath: boolean;
  readonly inline: boolean;
  /** Every operation's combined stdout/stderr, for secret scans. */
  readonly transcript: string[] = [];
  private ownsBackend: boolean;

  private constructor(opts: TestStackOptions) {
    this.programDir = resolve(repoRoot, opts.program);
    this.ownsBackend = !opts.backendDir;
    this.backendDir = opts.backendDir ?? mkdtempSync(join(tmpdir(), "pdf-backend-"));
    this.stackName = opts.stackName ?? `t${randomBytes(4).toString("hex")}`;
    this.config = normalizeConfig(opts.config ?? {});
    this.env = opts.env ?? {};
    this.configPath = !!opts.configPath;
    this.inline = !!opts.inline;
  }

  static create(opts: TestStackOptions): TestStack {
    return new TestStack(opts);
  }

  get backendUrl(): string {
    return `file://${this.backendDir}`;
  }

  setConfig(key: string, value: ConfigValue): void {
    Object.assign(this.config, normalizeConfig({ [key]: value }));
  }

  /** Runs one operation; never throws for a failed operation (see `ok`). */
  async run(op: string, flags: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<RunResult> {
    const request = {
      programDir: this.programDir,
      stackName: this.stackName,
      backendUrl: this.backendUrl,
      op,
      config: this.config,
      env: this.env,
      flags,
      pulumiBinDir: pulumiBinDir(),
      configPath: this.configPath,
      inline: this.inline,
      ...extra,
    };
    const result = (await runStackOperation(request, { scratchDir: this.backendDir })) as RunResult;
    this.transcript.push(result.stdout, result.stderr, result.error?.message ?? "", result.error?.stderr ?? "");
    return result;
  }

  private async must(op: string, flags?: Record<string, unknown>): Promise<RunResult> {
    const r = await this.run(op, flags);
    if (!r.ok) throw new Error(`pulumi ${op} failed: ${r.error?.message}\n${r.stdout}\n${r.error?.stderr ?? ""}`);
    return r;
  }

  up(flags?: Record<string, unknown>) { return this.must("up", flags); }
  preview(flags?: Record<string, unknown>) { return this.must("preview", flags); }
  destroy(flags?: Record<string, unknown>) { return this.must("destroy", flags); }
  refresh(flags?: Record<string, unknown>) { return this.must("refresh", flags); }

  /** The stack's state as `pulumi stack export` gives it. */
  async exportState(): Promise<any> {
    return (await this.must("export")).deployment;
  }

  /** Resources of the state whose type starts with `pulumi-nodejs:dynamic/`. */
  async dynamicResources(): Promise<any[]> {
    const state = await this.exportState();
    return (state.deployment.resources ?? []).filter((r: any) => String(r.type).startsWith("pulumi-nodejs:dynamic/"));
  }

  /** Removes the stack's config file from the program folder and the backend (if owned). */
  cleanup(): void {
    rmSync(join(this.programDir, `Pulumi.${this.stackName}.yaml`), { force: true });
    if (this.ownsBackend) rmSync(this.backendDir, { recursive: true, force: true });
  }
}

function normalizeConfig(config: Record<string, ConfigValue>): Record<string, { value: string; secret: boolean }> {
  const out: Record<string, { value: string; secret: boolean }> = {};
  for (const [k, v] of Object.entries(config)) {
    out[k] = typeof v === "string" ? { value: v, secret: false } : { value: v.value, secret: !!v.secret };
  }
  return out;
}

/** The subset of the emulator the harness needs (see provider/emulator). */
export interface EmulatorLike {
  url: string;
}

/** Credentials of the emulator's default apps. */
type DefaultCredentials = typeof import("../../provider/emulator").DEFAULT_CREDENTIALS;

/**
 * Stack config pointing both vendors at the emulator with its default internal apps.
 * `dingtalk` picks the DingTalk credential flow; secrets are set as secret config.
 */
export function emulatorConfig(
  emu: EmulatorLike,
  creds: DefaultCredentials,
  opts: { dingtalk?: "app" | "suite" | "token"; feishu?: "app" | "token" } = {},
): Record<string, ConfigValue> {
  const secret = (value: string) => ({ value, secret: true });
  const d = creds.dingtalk;
  const f = creds.feishu;
  const config: Record<string, ConfigValue> = {
    "dingtalk:endpoint": emu.url,
    "feishu:endpoint": emu.url,
    "feishu:helpdeskId": f.helpdesks[0].helpdeskId,
    "feishu:helpdeskToken": secret(f.helpdesks[0].helpdeskToken),
  };
  switch (opts.dingtalk ?? "app") {
    case "app":
      Object.assign(config, { "dingtalk:appKey": d.apps[0].appKey, "dingtalk:appSecret": secret(d.apps[0].appSecret) });
      break;
    case "suite":
      Object.assign(config, {
        "dingtalk:suiteKey": d.suites[0].suiteKey,
        "dingtalk:suiteSecret": secret(d.suites[0].suiteSecret),
        "dingtalk:suiteTicket": secret(d.suites[0].suiteTicket),
        "dingtalk:authCorpId": d.suites[0].authCorpId,
      });
      break;
    case "token":
      config["dingtalk:accessToken"] = secret(d.preIssuedTokens[0].token);
      break;
  }
  if ((opts.feishu ?? "app") === "app") {
    Object.assign(config, { "feishu:appId": f.apps[0].appId, "feishu:appSecret": secret(f.apps[0].appSecret) });
  } else {
    config["feishu:tenantAccessToken"] = secret(f.preIssuedTokens[0]);
  }
  return config;
}

/** Every place a secret could leak to: the exported state, the raw backend files, the CLI output. */
export function leakedSecrets(haystacks: string[], secrets: string[]): string[] {
  return secrets.filter((s) => s.length >= 6 && haystacks.some((h) => h.includes(s)));
}

/** The text of every file under the backend folder. */
export function backendFiles(dir: string): string[] {
  const { readdirSync, readFileSync, statSync } = require("node:fs") as typeof import("node:fs");
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/** A file's emulator and the stacks its tests made, cleaned up after the file. */
export interface EmulatorFixture {
  /** The emulator, started before the file's first test. */
  readonly emu: Emulator;
  /** Creates a stack that is cleaned up after the file. */
  stack(opts: TestStackOptions): TestStack;
}

/** Starts one emulator for a test file (in `beforeAll`, with `options`) and stops it, with the file's stacks, in `afterAll`. */
export function emulatorPerFile(options?: Parameters<typeof startEmulator>[0]): EmulatorFixture {
  let emu: Emulator | undefined;
  const stacks: TestStack[] = [];
  beforeAll(async () => {
    emu = await startEmulator(options);
  });
  afterAll(async () => {
    for (const s of stacks) s.cleanup();
    await emu?.stop();
  });
  return {
    get emu() {
      if (!emu) throw new Error("the emulator starts in beforeAll");
      return emu;
    },
    stack(opts) {
      const s = TestStack.create(opts);
      stacks.push(s);
      return s;
    },
  };
}

/**
 * Runs `pulumi preview`, expects it to fail with output containing every one of `texts`
 * (the property or config key, the reason), and the vendor to have seen no call at all.
 */
export async function expectPreviewRejected(emu: Emulator, stack: TestStack, ...texts: string[]): Promise<void> {
  const mark = lastSeq(emu);
  const r = await stack.run("preview");
  expect(r.ok).toBe(false);
  const output = r.stdout + (r.error?.message ?? "");
  for (const t of texts) expect(output).toContain(t);
  expect(callsSince(emu, mark)).toEqual([]);
}
