#!/usr/bin/env node
// `npm run demo`: the commands a user types, in the repo root, through the pinned `pulumi` CLI
// and its Node language host: `pulumi stack init`, `pulumi config set …`, `pulumi up --yes`,
// then what the emulated vendors hold, `pulumi destroy --yes`, and that nothing is left.
// The stack lives on a `file://` backend in a temporary folder; the emulator on 127.0.0.1.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const require = createRequire(import.meta.url);
const { startEmulator, DEFAULT_CREDENTIALS } = require("../dist/provider/emulator/index.js");
const { cachedPulumiBinDir, repoRoot } = require("./stack-runner.cjs");

const pulumiBinDir = cachedPulumiBinDir();
if (!pulumiBinDir) {
  console.error("demo: no Pulumi CLI found; run `node scripts/setup.mjs` first");
  process.exit(1);
}

const emulator = await startEmulator();
const backendDir = mkdtempSync(join(tmpdir(), "ddf-demo-"));
const stackName = "demo";
const env = {
  ...process.env,
  PATH: `${pulumiBinDir}${delimiter}${process.env.PATH}`,
  PULUMI_BACKEND_URL: `file://${backendDir}`,
  PULUMI_CONFIG_PASSPHRASE: "demo-passphrase",
  PULUMI_SKIP_UPDATE_CHECK: "true",
};
for (const k of Object.keys(env)) if (/^(DINGTALK|FEISHU)_/.test(k)) delete env[k]; // the stack config is the demo's only source

/**
 * Runs `pulumi <args>` in the repo root, printing the command (secrets masked) and the CLI's own
 * output. Asynchronous: the emulator runs in this process and must keep answering meanwhile.
 */
async function pulumi(args, { secretValue } = {}) {
  const shown = secretValue ? args.map((a) => (a === secretValue ? "<secret>" : a)) : args;
  console.log(`\n$ pulumi ${shown.join(" ")}`);
  const child = spawn(join(pulumiBinDir, "pulumi"), args, { cwd: repoRoot, env, stdio: ["ignore", "inherit", "inherit"] });
  const [code, signal] = await once(child, "exit");
  if (code !== 0) throw new Error(`pulumi ${shown.join(" ")} exited ${code ?? signal}`);
}

const d = DEFAULT_CREDENTIALS.dingtalk.apps[0];
const f = DEFAULT_CREDENTIALS.feishu;
const plain = {
  "dingtalk:endpoint": emulator.url,
  "dingtalk:appKey": d.appKey,
  "feishu:endpoint": emulator.url,
  "feishu:appId": f.apps[0].appId,
  "feishu:helpdeskId": f.helpdesks[0].helpdeskId,
  corpId: d.corpId,
  operatorUnionId: "demo-operator-union-id",
};
const secrets = {
  "dingtalk:appSecret": d.appSecret,
  "feishu:appSecret": f.apps[0].appSecret,
  "feishu:helpdeskToken": f.helpdesks[0].helpdeskToken,
};

function show(title) {
  const subs = emulator.subscriptions();
  console.log(`\n== ${title}`);
  console.log(`DingTalk subscriptions (${subs.dingtalk.length}):`);
  for (const s of subs.dingtalk) console.log(`  ${s.scope}:${s.scopeId} as ${s.unionId} (app ${s.app})`);
  console.log(`Feishu helpdesk subscriptions (${subs.feishu.length}):`);
  for (const s of subs.feishu) console.log(`  ${s.type} / ${s.subtype} on helpdesk ${s.helpdeskId} (app ${s.app})`);
  return subs;
}

let failed = false;
let stackMade = false;
try {
  console.log(`emulator: ${emulator.url}\nbackend:  file://${backendDir} (PULUMI_BACKEND_URL)`);
  await pulumi(["stack", "init", stackName]);
  stackMade = true;
  for (const [key, value] of Object.entries(plain)) await pulumi(["config", "set", key, value]);
  for (const [key, value] of Object.entries(secrets)) await pulumi(["config", "set", "--secret", key, value], { secretValue: value });

  await pulumi(["up", "--yes"]);
  const made = show("after pulumi up, the vendors hold");
  if (made.dingtalk.length !== 1 || made.feishu.length !== 2) throw new Error("expected 1 DingTalk and 2 Feishu subscriptions");

  await pulumi(["destroy", "--yes"]);
  const left = show("after pulumi destroy, the vendors hold");
  if (left.dingtalk.length + left.feishu.length !== 0) throw new Error("subscriptions left after destroy");
  const calls = emulator.ledger().filter((e) => e.op === "subscribe" || e.op === "unsubscribe" || e.op === "token");
  console.log(`\nvendor calls: ${calls.map((e) => `${e.vendor} ${e.op} ${e.status}`).join(", ")}`);
  console.log("\ndemo: OK - subscriptions were made and removed");
} catch (e) {
  failed = true;
  console.error(`\ndemo: FAILED - ${e.message}`);
} finally {
  if (stackMade) {
    try {
      await pulumi(["stack", "rm", "--yes", "--force", stackName]);
    } catch {
      /* reported above */
    }
  }
  rmSync(join(repoRoot, `Pulumi.${stackName}.yaml`), { force: true });
  await emulator.stop();
  rmSync(backendDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
