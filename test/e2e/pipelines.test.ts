// docs/pipelines.md: the GitHub Actions workflow and the GitLab CI file are read out of the page,
// and every command their jobs run is run here, with the environment variables they pass, through
// the real `pulumi` CLI in a program folder, against the emulator. What only exists on the CI
// systems (checkout, the Pulumi install step, secret stores, job concurrency) is not run.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DINGTALK_SETTINGS } from "../../provider/dingtalk/settings";
import { FEISHU_SETTINGS } from "../../provider/feishu/settings";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { emulatorPerFile, repoRoot } from "./harness";
import { credentialEnv, jobBaseEnv } from "./pipeline-env";
import { apiOps, callsSince, dingtalkHeld, feishuHeld, lastSeq } from "./ledger";

const fx = emulatorPerFile();
const C = DEFAULT_CREDENTIALS;
const page = readFileSync(join(repoRoot, "docs", "pipelines.md"), "utf8");
// js-yaml as @pulumi/pulumi (a peer dependency) brings it.
const yaml = require(require.resolve("js-yaml", { paths: [dirname(require.resolve("@pulumi/pulumi"))] }));

function fenced(lang: string): string[] {
  return [...page.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

const [githubText, gitlabText] = fenced("yaml");
const github = yaml.load(githubText);
const gitlab = yaml.load(gitlabText);

/** Commands of a job that exist only on the CI system (install steps); everything else runs here. */
const CI_ONLY = [/^npm ci$/, /get\.pulumi\.com/, /^export PATH="\$HOME\/\.pulumi\/bin:\$PATH"$/];

function githubCommands(job: string): string[] {
  return (github.jobs[job].steps as { run?: string }[]).filter((s) => s.run).map((s) => s.run!.trim());
}

function gitlabCommands(job: string): string[] {
  const j = gitlab[job];
  const base = j.extends ? gitlab[j.extends] : {};
  return [...(base.before_script ?? []), ...(j.before_script ?? []), ...j.script].map((c: string) => c.trim());
}

/** Every variable the provider reads from the environment. */
const PROVIDER_ENV = new Set<string>([...Object.values(DINGTALK_SETTINGS), ...Object.values(FEISHU_SETTINGS)].map((s) => s.env));

describe("docs/pipelines.md", () => {
  const backendDir = mkdtempSync(join(tmpdir(), "pdf-pipelines-"));
  const programDir = join(repoRoot, "examples", "automation-api");
  const stackFile = join(programDir, `Pulumi.${github.env.PULUMI_STACK}.yaml`);
  afterAll(() => {
    rmSync(stackFile, { force: true });
    rmSync(backendDir, { recursive: true, force: true });
  });

  it("the two CI files pass the same variables, and each is one the provider or Pulumi reads", () => {
    const githubNames = Object.keys(github.env).sort();
    const gitlabNames = [...Object.keys(gitlab.variables), ...(gitlabText!.match(/\b(PULUMI|DINGTALK|FEISHU)_[A-Z_]+\b/g) ?? [])];
    expect([...new Set(gitlabNames)].sort()).toEqual(githubNames);
    for (const name of githubNames) {
      if (name.startsWith("PULUMI_")) expect(["PULUMI_STACK", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"]).toContain(name);
      else expect(PROVIDER_ENV.has(name), name).toBe(true);
    }
    // The variables the page's table names exist too.
    for (const name of page.match(/`((DINGTALK|FEISHU)_[A-Z_]+)`/g)!.map((n) => n.slice(1, -1))) {
      expect(PROVIDER_ENV.has(name), name).toBe(true);
    }
  });

  /** The job's environment: the workflow's variables with this machine's values. */
  function jobEnv(): NodeJS.ProcessEnv {
    const values: Record<string, string> = {
      PULUMI_STACK: github.env.PULUMI_STACK,
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "pipelines-doc",
      ...credentialEnv(),
    };
    // The emulator instead of the vendors' hosts (DINGTALK_ENDPOINT / FEISHU_ENDPOINT).
    const env = jobBaseEnv(fx.emu.url);
    for (const name of Object.keys(github.env)) env[name] = values[name] ?? expect.fail(`no test value for ${name}`);
    return env;
  }

  /** Runs a job's commands in order, as its shell would; each must succeed. (Asynchronously: the emulator lives in this process.) */
  async function runJob(commands: string[]): Promise<string> {
    let output = "";
    for (const command of commands.filter((c) => !CI_ONLY.some((r) => r.test(c)))) {
      const r = await shell(command, programDir, jobEnv());
      output += `$ ${command}\n${r.output}`;
      expect(r.code, `${command}\n${r.output}`).toBe(0);
    }
    return output;
  }

  it("GitHub: the pull request's preview calls no vendor; the merge's up subscribes", async () => {
    // The repository's committed, non-secret stack settings.
    writeFileSync(stackFile, "config:\n  automation-api:spaceId: pipeline-space\n  automation-api:operatorUnionId: pipeline-operator\n");
    const mark = lastSeq(fx.emu);
    expect(githubCommands("preview")).toContain("pulumi preview --non-interactive --diff");
    const preview = await runJob(githubCommands("preview"));
    expect(preview).toMatch(/\+ 3 to create/);
    expect(callsSince(fx.emu, mark)).toEqual([]);

    const up = await runJob(githubCommands("up"));
    expect(up).toMatch(/\+ 3 created/);
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:pipeline-space:pipeline-operator"]);
    expect(feishuHeld(fx.emu)).toHaveLength(2);
    // One DingTalk subscribe, one Feishu subscribe for both pairs.
    expect(apiOps(callsSince(fx.emu, mark))).toEqual(["subscribe", "subscribe"]);
    for (const secret of [C.dingtalk.apps[0].appSecret, C.feishu.apps[0].appSecret, C.feishu.helpdesks[0].helpdeskToken]) {
      expect(preview + up).not.toContain(secret);
      expect(readFileSync(stackFile, "utf8")).not.toContain(secret);
    }
  });

  it("GitLab: the same jobs on the same stack find nothing to change and call no vendor", async () => {
    const mark = lastSeq(fx.emu);
    expect(await runJob(gitlabCommands("preview"))).toMatch(/3 unchanged/);
    expect(await runJob(gitlabCommands("up"))).toMatch(/3 unchanged/);
    expect(apiOps(callsSince(fx.emu, mark))).toEqual([]);
  });

  // After a real SIGKILL these steps are run by test/e2e/hardening-recovery.test.ts; here they
  // run as the page writes them, in the jobs' environment, on a healthy stack: no harm, no vendor call.
  it("the recovery commands of 'When a run fails' run in the jobs' environment", async () => {
    const block = fenced("sh").find((b) => b.includes("pulumi cancel"))!;
    const commands = block.trim().split("\n").map((c) => c.trim());
    expect(commands).toEqual(["pulumi cancel --yes", "pulumi refresh --clear-pending-creates --yes", "pulumi up --yes"]);
    const mark = lastSeq(fx.emu);
    await runJob(commands);
    expect(apiOps(callsSince(fx.emu, mark))).toEqual([]);
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:pipeline-space:pipeline-operator"]);
    expect(feishuHeld(fx.emu)).toHaveLength(2);
  });

  it("destroy through the same environment unsubscribes", async () => {
    await runJob(["pulumi destroy --yes --non-interactive", `pulumi stack rm --yes "$PULUMI_STACK"`]);
    expect(dingtalkHeld(fx.emu)).toEqual([]);
    expect(feishuHeld(fx.emu)).toEqual([]);
  });
});

function shell(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
