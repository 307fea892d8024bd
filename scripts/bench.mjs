#!/usr/bin/env node
// `npm run bench`: the real Pulumi CLI against the local emulator, in one process and one run.
//
// For 1, 10 and 100 resources it times `pulumi up` and `pulumi destroy` of DingTalk storage
// event subscriptions (examples/from-config) beside a baseline program with as many no-op
// dynamic resources (test/e2e/programs/trivial) on the same engine; the ratio is what the
// provider costs. It counts vendor calls and token fetches per resource from the emulator's
// ledger, measures the `__provider` blob and the provider process's peak memory, and runs 200
// subscriptions against an emulator throttling at DingTalk's 20 QPS. Medians of RUNS runs.
// Prints a table and writes bench/results.md.
//
// Environment: BENCH_RUNS (default 3), BENCH_SIZES (default "1,10,100"), BENCH_THROTTLED (default 200).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

const require = createRequire(import.meta.url);
const { startEmulator, DEFAULT_CREDENTIALS } = require("../dist/provider/emulator/index.js");
const { cachedPulumiBinDir, repoRoot, runStackOperation } = require("./stack-runner.cjs");

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? "1,10,100").split(",").map(Number);
const THROTTLED_N = Number(process.env.BENCH_THROTTLED ?? 200);
const LATENCY_MS = 20;
const VENDOR_QPS = 20;

const pulumiBinDir = cachedPulumiBinDir();
if (!pulumiBinDir) {
  console.error("bench: no Pulumi CLI found; run `node scripts/setup.mjs` first");
  process.exit(1);
}
const scratchRoot = join(repoRoot, "bench", "tmp");
mkdirSync(scratchRoot, { recursive: true });
const emu = await startEmulator();
const app = DEFAULT_CREDENTIALS.dingtalk.apps[0];

const PROGRAMS = {
  baseline: join(repoRoot, "test", "e2e", "programs", "trivial"),
  provider: join(repoRoot, "examples", "from-config"),
};

function configFor(kind, n, extra = {}) {
  if (kind === "baseline") return { "trivial:count": { value: String(n) } };
  const list = Array.from({ length: n }, (_, i) => ({ name: `s${i}`, scope: "SPACE", scopeId: `bench-space-${i}`, unionId: "bench-operator" }));
  return {
    "dingtalk:endpoint": { value: emu.url },
    "dingtalk:appKey": { value: app.appKey },
    "dingtalk:appSecret": { value: app.appSecret, secret: true },
    "from-config:dingtalk": { value: JSON.stringify(list) },
    ...extra,
  };
}

// ---- peak memory of the dynamic-provider process (a descendant of this process) ----------
function procTable() {
  const table = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      table.set(Number(name), ppid);
    } catch {
      // gone
    }
  }
  return table;
}
function isOurs(pid, table) {
  for (let p = pid, hops = 0; p > 1 && hops < 20; p = table.get(p) ?? 0, hops++) if (p === process.pid) return true;
  return false;
}
function startMemorySampler() {
  let peakKb = 0;
  const timer = setInterval(() => {
    const table = procTable();
    for (const pid of table.keys()) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmd.includes("dynamic-provider/index.js") || !isOurs(pid, table)) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // gone
      }
    }
  }, 100);
  return () => {
    clearInterval(timer);
    return peakKb;
  };
}

// ---- one operation ------------------------------------------------------------------------
async function op(stack, name, flags = {}) {
  const stopSampler = startMemorySampler();
  const mark = emu.ledger().at(-1)?.seq ?? 0;
  const started = Date.now();
  const r = await runStackOperation({ ...stack, op: name, flags }, { scratchDir: stack.scratch });
  const wallMs = Date.now() - started;
  const peakKb = stopSampler();
  if (!r.ok) throw new Error(`pulumi ${name} of ${stack.stackName} failed: ${r.error?.message}\n${r.stdout}`);
  const calls = emu.ledger().filter((e) => e.seq > mark);
  return { ms: r.elapsedMs ?? wallMs, wallMs, peakKb, calls, result: r };
}

let stackCounter = 0;
function newStack(kind, n, extra) {
  const scratch = mkdtempSync(join(scratchRoot, `${kind}-`));
  return {
    kind,
    scratch,
    programDir: PROGRAMS[kind],
    stackName: `bench${process.pid}x${stackCounter++}`,
    backendUrl: `file://${scratch}`,
    pulumiBinDir,
    config: configFor(kind, n, extra),
  };
}
function dispose(stack) {
  rmSync(join(stack.programDir, `Pulumi.${stack.stackName}.yaml`), { force: true });
  rmSync(stack.scratch, { recursive: true, force: true });
}

/** up, (optionally) export, destroy: one sample. */
async function sample(kind, n, { exportState = false, extra } = {}) {
  const stack = newStack(kind, n, extra);
  try {
    const up = await op(stack, "up");
    let state;
    if (exportState) state = (await op(stack, "export")).result.deployment;
    const destroy = await op(stack, "destroy");
    return { up, destroy, state };
  } finally {
    dispose(stack);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const count = (calls, op) => calls.filter((e) => e.op === op).length;
const fmtS = (ms) => (ms / 1000).toFixed(2);
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

// ---- the runs -----------------------------------------------------------------------------
const rows = [];
const benchStarted = Date.now();
try {
  emu.setFaults({ latencyMs: LATENCY_MS });
  // Warm-up (disk caches, the CLI binary, node's compile cache): not measured.
  await sample("baseline", 1);
  await sample("provider", 1);

  for (const n of SIZES) {
    const base = [];
    const prov = [];
    let state;
    for (let run = 0; run < RUNS; run++) {
      // Interleaved, so that drift on a shared machine hits both sides alike.
      base.push(await sample("baseline", n));
      const p = await sample("provider", n, { exportState: run === 0 });
      state ??= p.state;
      prov.push(p);
      log(`n=${n} run ${run + 1}/${RUNS}: baseline up ${fmtS(base.at(-1).up.ms)} s, provider up ${fmtS(p.up.ms)} s`);
    }
    const resources = state.deployment.resources.filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic/"));
    const blob = Buffer.byteLength(resources[0].inputs.__provider);
    const stateBytes = Buffer.byteLength(JSON.stringify(state));
    rows.push({
      n,
      baseUp: median(base.map((s) => s.up.ms)),
      provUp: median(prov.map((s) => s.up.ms)),
      baseDown: median(base.map((s) => s.destroy.ms)),
      provDown: median(prov.map((s) => s.destroy.ms)),
      subscribePerCreate: median(prov.map((s) => count(s.up.calls, "subscribe") / n)),
      unsubscribePerDelete: median(prov.map((s) => count(s.destroy.calls, "unsubscribe") / n)),
      tokensUp: median(prov.map((s) => count(s.up.calls, "token"))),
      tokensDown: median(prov.map((s) => count(s.destroy.calls, "token"))),
      blob,
      stateBytesPerResource: Math.round(stateBytes / n),
      basePeakMb: median(base.map((s) => Math.max(s.up.peakKb, s.destroy.peakKb))) / 1024,
      provPeakMb: median(prov.map((s) => Math.max(s.up.peakKb, s.destroy.peakKb))) / 1024,
    });
  }

  // What the vendor's rate limit alone costs at the largest size: the same provider with the
  // client-side limit lifted (never do this against the real vendor).
  const largest = Math.max(...SIZES);
  const unlimited = [];
  for (let run = 0; run < RUNS; run++) {
    unlimited.push(await sample("provider", largest, { extra: { "dingtalk:maxQps": { value: "1000" } } }));
    log(`n=${largest} without the client-side limit, run ${run + 1}/${RUNS}: up ${fmtS(unlimited.at(-1).up.ms)} s`);
  }
  const unlimitedRow = { n: largest, up: median(unlimited.map((s) => s.up.ms)), down: median(unlimited.map((s) => s.destroy.ms)) };

  // The vendor's own limit: the emulator throttles at 20 QPS per app per API.
  emu.setFaults({ latencyMs: LATENCY_MS, throttleQps: VENDOR_QPS });
  const tBase = [];
  const tProv = [];
  for (let run = 0; run < RUNS; run++) {
    tBase.push(await sample("baseline", THROTTLED_N));
    tProv.push(await sample("provider", THROTTLED_N));
    log(`n=${THROTTLED_N} at ${VENDOR_QPS} QPS, run ${run + 1}/${RUNS}: baseline up ${fmtS(tBase.at(-1).up.ms)} s, provider up ${fmtS(tProv.at(-1).up.ms)} s`);
  }
  const throttledShare = (s, o) => {
    const calls = s[o].calls.filter((e) => e.op === (o === "up" ? "subscribe" : "unsubscribe"));
    return calls.filter((e) => e.fault === "throttled").length / calls.length;
  };
  const floorMs = (THROTTLED_N / VENDOR_QPS) * 1000;
  const throttled = {
    n: THROTTLED_N,
    baseUp: median(tBase.map((s) => s.up.ms)),
    provUp: median(tProv.map((s) => s.up.ms)),
    baseDown: median(tBase.map((s) => s.destroy.ms)),
    provDown: median(tProv.map((s) => s.destroy.ms)),
    shareUp: median(tProv.map((s) => throttledShare(s, "up"))),
    shareDown: median(tProv.map((s) => throttledShare(s, "destroy"))),
    callsUp: median(tProv.map((s) => count(s.up.calls, "subscribe"))),
    tokensUp: median(tProv.map((s) => count(s.up.calls, "token"))),
  };
  throttled.referenceUp = Math.max(floorMs, throttled.baseUp);
  throttled.referenceDown = Math.max(floorMs, throttled.baseDown);

  report({ rows, unlimitedRow, throttled, floorMs, minutes: (Date.now() - benchStarted) / 60_000 });
} finally {
  await emu.stop();
  rmSync(scratchRoot, { recursive: true, force: true });
}

// ---- output -------------------------------------------------------------------------------
function report({ rows, unlimitedRow, throttled, floorMs, minutes }) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  const pulumiVersion = execFileSync(join(pulumiBinDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  const lines = [];
  lines.push("# Benchmark results", "");
  lines.push(
    `Written by \`npm run bench\` (scripts/bench.mjs) on ${new Date().toISOString().slice(0, 10)}: Pulumi CLI ${pulumiVersion}, ` +
      `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
      `file backend; emulator on loopback adding ${LATENCY_MS} ms per vendor call. Medians of ${RUNS} runs; the whole bench took ${minutes.toFixed(1)} min.`,
    "",
  );
  lines.push("Times are the `pulumi up` / `pulumi destroy` operation as the Automation API runs it (the driver's own start-up excluded).", "");
  lines.push("## Provider against the no-op baseline", "");
  lines.push(
    "| resources | up: baseline | up: provider | up ratio | destroy: baseline | destroy: provider | destroy ratio | vendor calls per create / delete | token fetches per run (up / destroy) | `__provider` bytes per resource | state bytes per resource | provider process peak RSS (baseline / provider) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of rows) {
    lines.push(
      `| ${r.n} | ${fmtS(r.baseUp)} s | ${fmtS(r.provUp)} s | ${ratio(r.provUp, r.baseUp)} | ${fmtS(r.baseDown)} s | ${fmtS(r.provDown)} s | ${ratio(r.provDown, r.baseDown)} | ` +
        `${r.subscribePerCreate.toFixed(2)} / ${r.unsubscribePerDelete.toFixed(2)} | ${r.tokensUp} / ${r.tokensDown} | ${r.blob} | ${r.stateBytesPerResource} | ${r.basePeakMb.toFixed(0)} / ${r.provPeakMb.toFixed(0)} MiB |`,
    );
  }
  const big = rows.find((r) => r.n === unlimitedRow.n);
  lines.push("");
  lines.push(
    `Without the client-side limit (\`dingtalk:maxQps=1000\`, diagnostic only) ${unlimitedRow.n} resources take ${fmtS(unlimitedRow.up)} s to create ` +
      `(${ratio(unlimitedRow.up, big.baseUp)} of the baseline) and ${fmtS(unlimitedRow.down)} s to delete (${ratio(unlimitedRow.down, big.baseDown)}): ` +
      `the rest of the gap above is DingTalk's documented 20 QPS per app per API, which the provider keeps to by default.`,
    "",
  );
  lines.push(`## ${throttled.n} subscriptions with the emulator throttling at ${VENDOR_QPS} QPS`, "");
  lines.push(
    "| operation | baseline (no-op) | vendor floor | reference = max(floor, baseline) | provider | provider / reference | throttled share of vendor calls |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  lines.push(
    `| up | ${fmtS(throttled.baseUp)} s | ${fmtS(floorMs)} s | ${fmtS(throttled.referenceUp)} s | ${fmtS(throttled.provUp)} s | ${ratio(throttled.provUp, throttled.referenceUp)} | ${(throttled.shareUp * 100).toFixed(1)} % |`,
  );
  lines.push(
    `| destroy | ${fmtS(throttled.baseDown)} s | ${fmtS(floorMs)} s | ${fmtS(throttled.referenceDown)} s | ${fmtS(throttled.provDown)} s | ${ratio(throttled.provDown, throttled.referenceDown)} | ${(throttled.shareDown * 100).toFixed(1)} % |`,
  );
  lines.push("", `Subscribe calls for ${throttled.n} creates: ${throttled.callsUp}; token fetches: ${throttled.tokensUp}.`, "");
  lines.push("## Targets", "");
  const at100 = rows.find((r) => r.n === 100);
  const check = (ok) => (ok ? "met" : "**not met**");
  if (at100) lines.push(`- up at 100 within 1.15x of the baseline: ${ratio(at100.provUp, at100.baseUp)}, ${check(at100.provUp <= 1.15 * at100.baseUp)}.`);
  lines.push(`- one vendor call per create and per delete: ${check(rows.every((r) => r.subscribePerCreate === 1 && r.unsubscribePerDelete === 1))}.`);
  lines.push(`- one token fetch per vendor per run: ${check(rows.every((r) => r.tokensUp === 1 && r.tokensDown === 1))}.`);
  lines.push(`- \`__provider\` under 2 KiB per resource: ${rows[0].blob} bytes, ${check(rows.every((r) => r.blob < 2048))}.`);
  lines.push(
    `- ${throttled.n} throttled subscriptions within 1.3x of max(floor, baseline): ${ratio(throttled.provUp, throttled.referenceUp)}, ${check(throttled.provUp <= 1.3 * throttled.referenceUp)}; ` +
      `throttled share ${(throttled.shareUp * 100).toFixed(1)} %.`,
  );
  const text = lines.join("\n") + "\n";
  writeFileSync(join(repoRoot, "bench", "results.md"), text);
  process.stdout.write(text);
}
