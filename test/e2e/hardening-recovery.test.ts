// Issue 5, production hardening: what happens when the CLI dies mid-update, and when the
// program folder moves. The recovery steps asserted here are the ones docs/recovery.md gives.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startEmulator } from "../../provider/emulator";
import { emulatorConfig, pulumiBinDir, repoRoot, TestStack } from "./harness";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

interface Proc {
  pid: number;
  ppid: number;
  cmd: string[];
}

/** Every process on the machine, from /proc. */
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      out.push({ pid: Number(name), ppid, cmd });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}
function descendants(pid: number, all: Proc[]): Proc[] {
  const children = all.filter((p) => p.ppid === pid);
  return children.flatMap((c) => [c, ...descendants(c.pid, all)]);
}
/** The `pulumi <op>` CLI process of this stack (stack names are random, so this is ours). */
function cliProcess(op: string, stackName: string): Proc | undefined {
  return processes().find((p) => /[\\/]pulumi$/.test(p.cmd[0] ?? "") && p.cmd[1] === op && p.cmd.includes(stackName));
}
function alive(pid: number): boolean {
  try {
    // A zombie still has /proc/<pid>; count it as gone.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
function lockFiles(backendDir: string): string[] {
  const dir = join(backendDir, ".pulumi", "locks");
  return existsSync(dir) ? walk(dir).filter((f) => f.endsWith(".json")) : [];
}

/** Runs the pinned `pulumi` CLI on a stack the way a user would, in its program folder. */
function cli(stack: TestStack, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(join(pulumiBinDir(), "pulumi"), [...args, "--stack", stack.stackName, "--non-interactive"], {
    cwd: stack.programDir,
    encoding: "utf8",
    env: { ...process.env, PULUMI_BACKEND_URL: stack.backendUrl, PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase", PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function spaces(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, scope: "SPACE", scopeId: `${prefix}-space-${i}`, unionId: "operator-1" }));
}
function dingtalkSubs(emu: Emulator): string[] {
  return emu.subscriptions().dingtalk.map((s) => `${s.scope}:${s.scopeId}`).sort();
}

describe("production hardening: crash and moved state", () => {
  let emu: Emulator;
  const stacks: TestStack[] = [];
  const leftovers: string[] = [];

  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    for (const s of stacks) s.cleanup();
    for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
    await emu?.stop();
  });

  it("recovers from a SIGKILLed `pulumi up`: cancel, refresh --clear-pending-creates, up, destroy", async () => {
    emu.reset();
    const list = spaces(30, "c");
    const s = TestStack.create({
      program: "examples/from-config",
      config: { ...emulatorConfig(emu, DEFAULT_CREDENTIALS), "from-config:dingtalk": JSON.stringify(list) },
    });
    stacks.push(s);
    // Slow vendor: a second per call, so the kill lands while subscriptions are being made.
    emu.setFaults({ latencyMs: 1000 });
    const running = s.run("up");
    const done = () => emu.ledger().filter((e) => e.op === "subscribe" && e.status === 200).length;
    await waitFor("5 subscriptions", () => done() >= 5);
    const all = processes();
    const up = cliProcess("up", s.stackName);
    expect(up, "the pulumi up process").toBeDefined();
    const providers = descendants(up!.pid, all);
    expect(providers.some((p) => p.cmd.some((a) => /dynamic-provider[\\/]index\.js$/.test(a)))).toBe(true);
    process.kill(up!.pid, "SIGKILL");
    try {
      const killed = await running;
      expect(killed.ok).toBe(false);
      expect(killed.error?.message).toContain("SIGKILL");

      // The orphaned provider process notices the engine is gone and stops by itself... (the language
      // host and the program's process are Pulumi's own, not ours, and make no vendor call: cleaned up below)
      const dynamicProviders = providers.filter((p) => p.cmd.some((a) => /dynamic-provider[\\/]index\.js$/.test(a)));
      await waitFor("the orphaned provider to exit", () => dynamicProviders.every((p) => !alive(p.pid)), 15_000);
      // ...so no vendor call starts after that (calls under way were answered within the 1 s latency).
      await sleep(1500);
      const quiet = emu.ledger().length;
      await sleep(1500);
      expect(emu.ledger().length).toBe(quiet);
    } finally {
      for (const p of providers) if (alive(p.pid)) process.kill(p.pid, "SIGKILL");
    }
    const madeBeforeRecovery = dingtalkSubs(emu);
    expect(madeBeforeRecovery.length).toBeGreaterThanOrEqual(5);
    expect(madeBeforeRecovery.length).toBeLessThan(30);

    // A kill in the middle of a checkpoint write can leave the checkpoint's `.attrs` sidecar
    // empty (the checkpoint itself is written to a temporary file and renamed, so it is whole):
    // every command then fails with "failed to load checkpoint: EOF". Deleting the empty file fixes it.
    const emptyAttrs = walk(join(s.backendDir, ".pulumi", "stacks")).filter((f) => f.endsWith(".json.attrs") && statSync(f).size === 0);
    if (emptyAttrs.length > 0) {
      const broken = await s.run("preview");
      expect(broken.error?.message).toContain("failed to load checkpoint: EOF");
      for (const f of emptyAttrs) rmSync(f);
    }

    // The file backend keeps the killed update's lock: the next update is refused...
    expect(lockFiles(s.backendDir)).toHaveLength(1);
    const refused = await s.run("up");
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toContain("the stack is currently locked");

    // ...until `pulumi cancel` removes it: it works for the file backend too.
    const cancel = cli(s, ["cancel", "--yes"]);
    expect(cancel.output).toContain("has been canceled");
    expect(cancel.status).toBe(0);
    expect(lockFiles(s.backendDir)).toEqual([]);

    // The creates under way when the CLI died are pending; some of them did reach the vendor.
    const state = (await s.exportState()).deployment;
    const pending: string[] = (state.pending_operations ?? []).map((p: any) => `${p.type} ${p.resource.urn.split("::").pop()}`);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((p) => p.startsWith("creating c"))).toBe(true);

    emu.setFaults({ latencyMs: 20 });
    const refresh = await s.refresh({ clearPendingCreates: true });
    expect(refresh.ok).toBe(true);
    expect((await s.exportState()).deployment.pending_operations ?? []).toEqual([]);
    const converged = await s.up();
    expect(converged.ok).toBe(true);
    // Every declared subscription exists once; those made before the crash were adopted (upsert).
    expect(dingtalkSubs(emu)).toEqual(list.map((e) => `SPACE:${e.scopeId}`).sort());
    const ids = (await s.dynamicResources()).map((r) => r.id).sort();
    expect(ids).toEqual(list.map((e) => `SPACE:${e.scopeId}`).sort());
    expect(converged.stdout).not.toContain("pending operations");

    await s.destroy();
    expect(emu.subscriptions().dingtalk).toEqual([]);
    await sleep(1500);
    expect(emu.subscriptions().dingtalk).toEqual([]);
  });

  it("destroys from a copy of the program in another folder; the state holds no machine path", async () => {
    emu.reset();
    const list = spaces(3, "m");
    const config = {
      ...emulatorConfig(emu, DEFAULT_CREDENTIALS),
      "from-config:dingtalk": JSON.stringify(list),
      "from-config:feishu": JSON.stringify([{ name: "helpdesk", events: [{ type: "helpdesk.ticket", subtype: "ticket.created_v1" }] }]),
    };
    const original = TestStack.create({ program: "examples/from-config", config });
    stacks.push(original);
    await original.up();
    expect(dingtalkSubs(emu)).toHaveLength(3);
    expect(emu.subscriptions().feishu).toHaveLength(1);

    // Not a single absolute path of this machine in what is stored: the __provider blob
    // (which the engine compares to decide on replacement) must be the same everywhere.
    const exported = JSON.stringify(await original.exportState());
    const moved = mkdtempSync(join(tmpdir(), "pdf-moved-"));
    leftovers.push(moved);
    const paths = [repoRoot, original.programDir, original.backendDir, moved, homedir(), `${tmpdir()}/`];
    expect(paths.filter((p) => exported.includes(p))).toEqual([]);
    const resources = await original.dynamicResources();
    expect(resources).toHaveLength(4);
    for (const r of resources) {
      expect(r.inputs.__provider).toBe(resources.find((o) => o.type === r.type).inputs.__provider);
      // The only path-like string in the blob is the package's own module name.
      expect(r.inputs.__provider.match(/"[^"]*\/[^"]*"/g)).toEqual(['"pulumi-dingtalk-feishu/runtime"']);
    }

    // The folder moves elsewhere (its stack file with it); node_modules comes along as a link.
    const programDir = join(moved, "from-config");
    cpSync(original.programDir, programDir, { recursive: true, filter: (src) => !src.includes("node_modules") });
    symlinkSync(join(repoRoot, "node_modules"), join(programDir, "node_modules"), "dir");
    const copy = TestStack.create({ program: programDir, config, backendDir: original.backendDir, stackName: original.stackName });
    stacks.push(copy);
    const preview = await copy.preview();
    // Same provider blob, so nothing to replace: the moved program matches the state exactly.
    expect(preview.changeSummary).toEqual({ same: 5 });
    const mark = emu.ledger().length;
    const destroy = await copy.destroy();
    expect(destroy.summary?.resourceChanges).toEqual({ delete: 5 });
    expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
    expect(emu.ledger().slice(mark).filter((e) => e.op !== "token").map((e) => `${e.vendor} ${e.op} ${e.status}`).sort()).toEqual([
      "dingtalk unsubscribe 200",
      "dingtalk unsubscribe 200",
      "dingtalk unsubscribe 200",
      "feishu unsubscribe 200",
    ]);
  });
});
