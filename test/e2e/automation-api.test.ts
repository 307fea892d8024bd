// examples/automation-api: the TypeScript program that runs preview / up / destroy of a local
// program through the Automation API with everything from the environment, against the emulator.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deploy } from "../../examples/automation-api/deploy";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { backendFiles, emulatorPerFile, leakedSecrets, pulumiBinDir, repoRoot } from "./harness";
import { credentialEnv, jobBaseEnv } from "./pipeline-env";
import { apiOps, callsSince, dingtalkHeld, feishuHeld, lastSeq } from "./ledger";

const fx = emulatorPerFile();
const C = DEFAULT_CREDENTIALS;
const SECRETS = [C.dingtalk.apps[0].appSecret, C.feishu.apps[0].appSecret, C.feishu.helpdesks[0].helpdeskToken];
const programDir = join(repoRoot, "examples", "automation-api");

describe("examples/automation-api", () => {
  const backendDir = mkdtempSync(join(tmpdir(), "pdf-automation-"));
  const stackName = `auto${randomBytes(3).toString("hex")}`;
  let pulumiCommand: PulumiCommand;
  let env: NodeJS.ProcessEnv;
  const output: string[] = [];
  const onOutput = (text: string) => void output.push(text);

  beforeAll(async () => {
    pulumiCommand = await PulumiCommand.get({ root: dirname(pulumiBinDir()), skipVersionCheck: true });
    // What a pipeline's secret store hands the job: no DingTalk/Feishu setting of the test runner leaks in.
    env = {
      ...jobBaseEnv(fx.emu.url),
      ...credentialEnv(),
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: "automation-api-example",
      PULUMI_STACK: stackName,
      DINGTALK_SPACE_ID: "automation-space-1",
      DINGTALK_OPERATOR_UNION_ID: "automation-operator",
    };
  });

  afterAll(() => {
    rmSync(join(programDir, `Pulumi.${stackName}.yaml`), { force: true });
    rmSync(backendDir, { recursive: true, force: true });
  });

  it("preview plans both subscriptions and calls no vendor", async () => {
    const mark = lastSeq(fx.emu);
    const r = await deploy("preview", { env, onOutput, pulumiCommand });
    expect(r.changes).toMatchObject({ create: 3 });
    expect(callsSince(fx.emu, mark)).toEqual([]);
  });

  it("up subscribes at the vendors with the credentials from the environment", async () => {
    const mark = lastSeq(fx.emu);
    const r = await deploy("up", { env, onOutput, pulumiCommand });
    expect(r.changes).toMatchObject({ create: 3 });
    expect(r.outputs).toMatchObject({ dingtalkSubscription: "SPACE:automation-space-1" });
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:automation-space-1:automation-operator"]);
    expect(feishuHeld(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1", "helpdesk.ticket_message/ticket_message.created_v1"]);
    const calls = callsSince(fx.emu, mark);
    expect(calls.filter((c) => c.vendor === "dingtalk" && c.op === "subscribe").map((c) => c.app)).toEqual([C.dingtalk.apps[0].appKey]);
    expect(calls.filter((c) => c.vendor === "feishu" && c.op === "subscribe").every((c) => c.app === C.feishu.apps[0].appId)).toBe(true);
    // The credentials never reached the stack's config file, the state or the output.
    const stackFile = readFileSync(join(programDir, `Pulumi.${stackName}.yaml`), "utf8");
    expect(stackFile).not.toMatch(/appSecret|helpdeskToken|appKey/);
    expect(leakedSecrets([stackFile, ...backendFiles(backendDir), output.join("")], SECRETS)).toEqual([]);
  });

  it("a second run while the first holds the stack lock is refused and changes nothing", async () => {
    fx.emu.setFaults({ latencyMs: 4000 });
    try {
      const first = deploy("up", { env: { ...env, DINGTALK_OPERATOR_UNION_ID: "automation-operator-2" }, onOutput, pulumiCommand });
      await waitFor(() => lockFiles(backendDir).length > 0, 60_000);
      const mark = lastSeq(fx.emu);
      const second = await deploy("up", { env, onOutput, pulumiCommand }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(second?.constructor.name).toBe("ConcurrentUpdateError");
      expect(callsSince(fx.emu, mark).filter((c) => c.op !== "token")).toEqual([]);
      await first;
    } finally {
      fx.emu.resetFaults();
    }
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:automation-space-1:automation-operator-2"]);
  });

  it("destroy unsubscribes everything", async () => {
    const mark = lastSeq(fx.emu);
    const r = await deploy("destroy", { env, onOutput, pulumiCommand });
    expect(r.changes).toMatchObject({ delete: 3 });
    expect(dingtalkHeld(fx.emu)).toEqual([]);
    expect(feishuHeld(fx.emu)).toEqual([]);
    expect(apiOps(callsSince(fx.emu, mark, "dingtalk"))).toEqual(["unsubscribe"]);
    // Feishu unsubscribes both pairs of the resource in one call.
    expect(apiOps(callsSince(fx.emu, mark, "feishu"))).toEqual(["unsubscribe"]);
  });
});

function lockFiles(backendDir: string): string[] {
  const dir = join(backendDir, ".pulumi", "locks");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".json"));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}
