#!/usr/bin/env node
// `npm run demo`: starts the local emulator, runs `pulumi up` on the repo's root program
// (Pulumi.yaml) with a file:// backend in a temporary folder, shows what the emulated
// vendors now hold, runs `pulumi destroy`, shows that it is gone, and stops the emulator.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";


const require = createRequire(import.meta.url);
const { startEmulator, DEFAULT_CREDENTIALS } = require("../dist/provider/emulator/index.js");
const { cachedPulumiBinDir, repoRoot, runStackOperation } = require("./stack-runner.cjs");

const pulumiBinDir = cachedPulumiBinDir();
if (!pulumiBinDir) {
  console.error("demo: no Pulumi CLI found; run `node scripts/setup.mjs` first");
  process.exit(1);
}

const emulator = await startEmulator();
const backendDir = mkdtempSync(join(tmpdir(), "ddf-demo-"));
const d = DEFAULT_CREDENTIALS.dingtalk.apps[0];
const f = DEFAULT_CREDENTIALS.feishu;
const secret = (value) => ({ value, secret: true });
const base = {
  programDir: repoRoot,
  stackName: "demo",
  backendUrl: `file://${backendDir}`,
  pulumiBinDir,
  config: {
    "dingtalk:endpoint": { value: emulator.url },
    "dingtalk:appKey": { value: d.appKey },
    "dingtalk:appSecret": secret(d.appSecret),
    "feishu:endpoint": { value: emulator.url },
    "feishu:appId": { value: f.apps[0].appId },
    "feishu:appSecret": secret(f.apps[0].appSecret),
    "feishu:helpdeskId": { value: f.helpdesks[0].helpdeskId },
    "feishu:helpdeskToken": secret(f.helpdesks[0].helpdeskToken),
    "dingtalk-feishu-demo:corpId": { value: d.corpId },
    "dingtalk-feishu-demo:operatorUnionId": { value: "demo-operator-union-id" },
  },
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
try {
  console.log(`emulator: ${emulator.url}\nbackend:  file://${backendDir}\n\n== pulumi up`);
  const up = await runStackOperation({ ...base, op: "up" }, { scratchDir: backendDir });
  process.stdout.write(up.stdout);
  if (!up.ok) throw new Error(`pulumi up failed: ${up.error?.message}`);
  const made = show("after pulumi up, the vendors hold");
  if (made.dingtalk.length !== 1 || made.feishu.length !== 2) throw new Error("expected 1 DingTalk and 2 Feishu subscriptions");

  console.log("\n== pulumi destroy");
  const destroy = await runStackOperation({ ...base, op: "destroy" }, { scratchDir: backendDir });
  process.stdout.write(destroy.stdout);
  if (!destroy.ok) throw new Error(`pulumi destroy failed: ${destroy.error?.message}`);
  const left = show("after pulumi destroy, the vendors hold");
  if (left.dingtalk.length + left.feishu.length !== 0) throw new Error("subscriptions left after destroy");
  const calls = emulator.ledger().filter((e) => e.op === "subscribe" || e.op === "unsubscribe" || e.op === "token");
  console.log(`\nvendor calls: ${calls.map((e) => `${e.vendor} ${e.op} ${e.status}`).join(", ")}`);
  console.log("\ndemo: OK - subscriptions were made and removed");
} catch (e) {
  failed = true;
  console.error(`\ndemo: FAILED - ${e.message}`);
} finally {
  await runStackOperation({ ...base, op: "remove", flags: { force: true } }, { scratchDir: backendDir }).catch(() => {});
  await emulator.stop();
  rmSync(backendDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
