// Shared by profiles.test.ts and integrity.test.ts: the emulator with several identities, the
// stack config of the default profile and of profiles b / isv / hr, and path-config runs.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startEmulator } from "../../provider/emulator";
import { pulumiBinDir, TestStack, type ConfigValue } from "./harness";
import type { Emulator } from "./ledger";

export const A = { appKey: "dingappkeyA000000001", appSecret: "dtAppSecret-A-0f9e8d7c6b5a49382716", corpId: "ding-corp-a", permissions: true };
export const B = { appKey: "dingappkeyB000000002", appSecret: "dtAppSecret-B-1a2b3c4d5e6f70819203", corpId: "ding-corp-a", permissions: true };
export const SUITE = { suiteKey: "suiteisv000000000001", suiteSecret: "dtSuiteSecret-isv-5d4c3b2a19080706", suiteTicket: "dtSuiteTicket-isv-99887766" };
export const APP1 = { appId: "cli_app1000000000001", appSecret: "fsAppSecret-one-8a7b6c5d4e3f2a1b0c9d" };
export const APP2 = { appId: "cli_app2000000000002", appSecret: "fsAppSecret-two-0f1e2d3c4b5a69788796" };
export const H1 = { helpdeskId: "7001", helpdeskToken: "fsHelpdeskToken-7001-aaaa1111bbbb" };
export const H2 = { helpdeskId: "7002", helpdeskToken: "fsHelpdeskToken-7002-cccc2222dddd" };
export const SECRETS = [A.appSecret, B.appSecret, SUITE.suiteSecret, SUITE.suiteTicket, APP1.appSecret, APP2.appSecret, H1.helpdeskToken, H2.helpdeskToken];
export const TICKET_CREATED = { type: "helpdesk.ticket", subtype: "ticket.created_v1" };
export const TICKET_MESSAGE = { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" };
export const PROGRAM = "test/e2e/programs/profiles";

/** The emulator of these tests: two apps in one organization, one suite in two organizations, two Feishu apps and helpdesks. */
export function startIdentityEmulator(): Promise<Emulator> {
  return startEmulator({
    dingtalk: { apps: [A, B], suites: [{ ...SUITE, authCorpId: "ding-corp-a" }, { ...SUITE, authCorpId: "ding-corp-b" }] },
    feishu: { apps: [APP1, APP2], helpdesks: [H1, H2] },
  });
}

export const secret = (value: string): ConfigValue => ({ value, secret: true });

/** Top-level (default profile) config: DingTalk app A, Feishu app 1 on helpdesk 7001. */
export function defaultConfig(emu: Emulator): Record<string, ConfigValue> {
  return {
    "dingtalk:endpoint": emu.url,
    "dingtalk:appKey": A.appKey,
    "dingtalk:appSecret": secret(A.appSecret),
    "feishu:endpoint": emu.url,
    "feishu:appId": APP1.appId,
    "feishu:appSecret": secret(APP1.appSecret),
    "feishu:helpdeskId": H1.helpdeskId,
    "feishu:helpdeskToken": secret(H1.helpdeskToken),
  };
}

/** `pulumi config set --path` keys of profiles `b` (DingTalk app B), `isv` (the suite) and `hr` (Feishu app 2 on 7002). */
export function profileConfig(): Record<string, ConfigValue> {
  return {
    "dingtalk:profiles.b.appKey": B.appKey,
    "dingtalk:profiles.b.appSecret": secret(B.appSecret),
    "dingtalk:profiles.isv.suiteKey": SUITE.suiteKey,
    "dingtalk:profiles.isv.suiteSecret": secret(SUITE.suiteSecret),
    "dingtalk:profiles.isv.suiteTicket": secret(SUITE.suiteTicket),
    "feishu:profiles.hr.appId": APP2.appId,
    "feishu:profiles.hr.appSecret": secret(APP2.appSecret),
    "feishu:profiles.hr.helpdeskId": H2.helpdeskId,
    "feishu:profiles.hr.helpdeskToken": secret(H2.helpdeskToken),
  };
}

/** Runs an operation with path config keys (`pulumi config set --path`); throws when it fails. */
export async function runPath(stack: TestStack, op: string, flags: Record<string, unknown> = {}) {
  const r = await stack.run(op, flags, { configPath: true });
  if (!r.ok) throw new Error(`pulumi ${op} failed: ${r.error?.message}\n${r.stdout}`);
  return r;
}

/** `pulumi config rm --path <key>` on the stack (the harness only ever sets keys). */
export function configRm(stack: TestStack, key: string): void {
  for (const k of Object.keys(stack.config)) if (k === key || k.startsWith(`${key}.`)) delete stack.config[k];
  execFileSync(join(pulumiBinDir(), "pulumi"), ["config", "rm", "--path", key, "--stack", stack.stackName], {
    cwd: stack.programDir,
    env: { ...process.env, PULUMI_BACKEND_URL: stack.backendUrl, PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase", PULUMI_SKIP_UPDATE_CHECK: "true" },
    stdio: "pipe",
  });
}

export function setEntries(stack: TestStack, dingtalk: object[], feishu: object[]): void {
  stack.setConfig("profiles:dingtalk", JSON.stringify(dingtalk));
  stack.setConfig("profiles:feishu", JSON.stringify(feishu));
}


/** DingTalk subscriptions the emulator holds, as sorted `<app> <scope>:<scopeId>`. */
export const dingtalkHeld = (emu: Emulator) => emu.subscriptions().dingtalk.map((s) => `${s.app} ${s.scope}:${s.scopeId}`).sort();
/** Feishu subscriptions the emulator holds, as sorted `<app> <helpdesk> <subtype>`. */
export const feishuHeld = (emu: Emulator) => emu.subscriptions().feishu.map((s) => `${s.app} ${s.helpdeskId} ${s.subtype}`).sort();

/** The identity emulator for a test file (started in beforeAll) and the stacks of the profiles program, cleaned up after it. */
export function identityEmulatorPerFile() {
  let emu: Emulator | undefined;
  const stacks: TestStack[] = [];
  beforeAll(async () => {
    emu = await startIdentityEmulator();
  });
  afterAll(async () => {
    for (const s of stacks) s.cleanup();
    await emu?.stop();
  });
  return {
    get emu(): Emulator {
      if (!emu) throw new Error("the emulator starts in beforeAll");
      return emu;
    },
    stack(config: Record<string, ConfigValue>, env?: Record<string, string | null>): TestStack {
      const s = TestStack.create({ program: PROGRAM, config, env });
      stacks.push(s);
      return s;
    },
  };
}
