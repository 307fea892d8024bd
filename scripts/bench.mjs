#!/usr/bin/env node
// `npm run bench`: the real Pulumi CLI against the local emulator.
//
// For each size it times `pulumi up` and `pulumi destroy` of DingTalk storage event
// subscriptions (bench/programs/dingtalk) beside a baseline program with as many no-op dynamic
// resources (bench/programs/noop: the same dynamic-provider host and the same one-line
// `__provider` module, calling no vendor), both built from a count in their config, on the same engine; the ratio is what the provider
// costs. It counts vendor calls and token fetches from the emulator's ledger, measures the
// checkpoint file per resource (beside the baseline's), the `__provider` blob and the provider
// process's peak memory, splits a run at the default 20 QPS into the span from the first to the
// last subscribe call (against the vendor floor) and the rest, and runs N subscriptions against an
// emulator throttling at DingTalk's 20 QPS. Medians of the runs.
//
// It prints a table, keeps every measured section in bench/results.json and writes
// bench/results.md from it, so a large size measured alone (`--sizes 1000 --throttled 0`) joins
// the rows measured earlier; each row says when it was measured and how many runs it took.
//
// Flags (or environment): --sizes 1,10,100 (BENCH_SIZES), --runs 3 (BENCH_RUNS),
// --throttled 200 (BENCH_THROTTLED; 0 skips the throttled section), --unlimited-from 1000
// (BENCH_UNLIMITED_FROM: sizes from this one up run with `dingtalk:maxQps=1000`, never do that
// against the real vendor), --fresh (forget results.json), --report-only (write results.md from
// results.json without measuring).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const { startEmulator, DEFAULT_CREDENTIALS } = require("../dist/provider/emulator/index.js");
const { cachedPulumiBinDir, repoRoot, runStackOperation } = require("./stack-runner.cjs");

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: process.env.BENCH_SIZES ?? "1,10,100" },
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "3" },
    throttled: { type: "string", default: process.env.BENCH_THROTTLED ?? "200" },
    "unlimited-from": { type: "string", default: process.env.BENCH_UNLIMITED_FROM ?? "1000" },
    fresh: { type: "boolean", default: false },
    "report-only": { type: "boolean", default: false },
  },
});
const SIZES = args.sizes.split(",").filter(Boolean).map(Number);
const RUNS = Number(args.runs);
const THROTTLED_N = Number(args.throttled);
const UNLIMITED_FROM = Number(args["unlimited-from"]);
if (![...SIZES, RUNS, THROTTLED_N, UNLIMITED_FROM].every((n) => Number.isInteger(n) && n >= 0) || SIZES.some((n) => n < 1) || RUNS < 1) {
  console.error("bench: --sizes takes positive integers separated by commas; --runs, --throttled and --unlimited-from integers");
  process.exit(2);
}
const LATENCY_MS = 20;
const VENDOR_QPS = 20;
const RESULTS_JSON = join(repoRoot, "bench", "results.json");

const RUN_LABEL = `sizes ${SIZES.join(", ")}${THROTTLED_N ? `, ${THROTTLED_N} throttled` : ""}`;
const pulumiBinDir = cachedPulumiBinDir();
if (!pulumiBinDir) {
  console.error("bench: no Pulumi CLI found; run `node scripts/setup.mjs` first");
  process.exit(1);
}
const scratchRoot = join(repoRoot, "bench", "tmp");
const app = DEFAULT_CREDENTIALS.dingtalk.apps[0];

const PROGRAMS = {
  baseline: { dir: join(repoRoot, "bench", "programs", "noop"), project: "bench-noop" },
  provider: { dir: join(repoRoot, "bench", "programs", "dingtalk"), project: "bench-dingtalk" },
};
const UNLIMITED = { "dingtalk:maxQps": { value: "1000" } };

function configFor(kind, n, extra = {}) {
  if (kind === "baseline") return { "bench-noop:count": { value: String(n) } };
  return {
    "bench-dingtalk:count": { value: String(n) },
    "dingtalk:endpoint": { value: emu.url },
    "dingtalk:appKey": { value: app.appKey },
    "dingtalk:appSecret": { value: app.appSecret, secret: true },
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
  }, 250);
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
  const r = await runStackOperation({ ...stack, op: name, flags }, { scratchDir: stack.scratch, timeoutMs: 3_600_000 });
  const wallMs = Date.now() - started;
  const peakKb = stopSampler();
  if (!r.ok) throw new Error(`pulumi ${name} of ${stack.stackName} failed: ${r.error?.message}\n${r.stdout}`);
  const calls = emu.ledger().filter((e) => e.seq > mark);
  return { ms: r.elapsedMs ?? wallMs, wallMs, peakKb, calls, result: r };
}

/** The size of the stack's checkpoint file on the `file://` backend (what the engine rewrites after every step). */
function checkpointBytes(stack) {
  const file = join(stack.scratch, ".pulumi", "stacks", PROGRAMS[stack.kind].project, `${stack.stackName}.json`);
  return existsSync(file) ? statSync(file).size : Number.NaN;
}

let stackCounter = 0;
function newStack(kind, n, extra, env) {
  const scratch = mkdtempSync(join(scratchRoot, `${kind}-`));
  return {
    kind,
    scratch,
    programDir: PROGRAMS[kind].dir,
    stackName: `bench${process.pid}x${stackCounter++}`,
    backendUrl: `file://${scratch}`,
    pulumiBinDir,
    config: configFor(kind, n, extra),
    ...(env ? { env } : {}),
  };
}
function dispose(stack) {
  rmSync(join(stack.programDir, `Pulumi.${stack.stackName}.yaml`), { force: true });
  rmSync(stack.scratch, { recursive: true, force: true });
}

/** up, (optionally) export, destroy: one sample. */
async function sample(kind, n, { exportState = false, extra, env } = {}) {
  const stack = newStack(kind, n, extra, env);
  try {
    const up = await op(stack, "up");
    const bytes = checkpointBytes(stack);
    let state;
    if (exportState) state = (await op(stack, "export")).result.deployment;
    const destroy = await op(stack, "destroy");
    return { up, destroy, bytes, state };
  } finally {
    dispose(stack);
  }
}

/**
 * RUNS samples of each program at size n, interleaved (baseline, provider, baseline, …) so that
 * drift on a shared machine hits both sides alike. `provider` may depend on the run's index.
 */
async function interleaved(n, { baseline = {}, provider = {}, onRun } = {}) {
  const base = [];
  const prov = [];
  for (let run = 0; run < RUNS; run++) {
    base.push(await sample("baseline", n, baseline));
    prov.push(await sample("provider", n, typeof provider === "function" ? provider(run) : provider));
    onRun?.(run, base.at(-1), prov.at(-1));
  }
  return { base, prov };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const count = (calls, op) => calls.filter((e) => e.op === op).length;
const fmtS = (ms) => (ms / 1000).toFixed(2);
const log = (msg) => process.stderr.write(`bench: ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/**
 * The span from the first to the last vendor call of an operation (from the emulator's clock)
 * and the rest of the operation: the engine's start-up before the first call and its wind-down
 * after the last.
 */
function callSpan(sampleOp, vendorOp) {
  const at = sampleOp.calls.filter((e) => e.op === vendorOp).map((e) => e.at);
  if (at.length === 0) return { spanMs: 0, restMs: sampleOp.ms };
  const spanMs = Math.max(...at) - Math.min(...at);
  return { spanMs, restMs: sampleOp.ms - spanMs };
}
/** DingTalk's floor for n calls at 20 QPS: the first 20 at once, then 20 a second. */
const floorMs = (n) => (Math.max(0, n - VENDOR_QPS) / VENDOR_QPS) * 1000;

function meta(runs) {
  return { date: new Date().toISOString().slice(0, 16).replace("T", " "), runs, load: loadavg()[0].toFixed(1) };
}

// ---- the runs -----------------------------------------------------------------------------
if (args["report-only"]) {
  report(JSON.parse(readFileSync(RESULTS_JSON, "utf8")), pulumiBinDir, undefined);
  process.exit(0);
}
mkdirSync(scratchRoot, { recursive: true });
const emu = await startEmulator();
const previous = !args.fresh && existsSync(RESULTS_JSON) ? JSON.parse(readFileSync(RESULTS_JSON, "utf8")) : { rows: {}, throttled: {} };
const results = { rows: { ...previous.rows }, throttled: { ...previous.throttled } };
const benchStarted = Date.now();
try {
  emu.setFaults({ latencyMs: LATENCY_MS });
  // Warm-up (disk caches, the CLI binary, node's compile cache): not measured.
  await sample("baseline", 1);
  await sample("provider", 1);

  for (const n of SIZES) {
    const unlimited = n >= UNLIMITED_FROM;
    const extra = unlimited ? UNLIMITED : {};
    const { base, prov } = await interleaved(n, {
      provider: (run) => ({ exportState: run === 0, extra }),
      onRun: (run, b, p) =>
        log(`n=${n} run ${run + 1}/${RUNS}: up ${fmtS(b.up.ms)} / ${fmtS(p.up.ms)} s, destroy ${fmtS(b.destroy.ms)} / ${fmtS(p.destroy.ms)} s (baseline / provider)`),
    });
    const state = prov[0].state;
    // The engine's lever for large stacks on self-managed backends (only the final checkpoint is
    // written): both programs again with it, so what is left of the gap is the engine's and the
    // provider's work besides rewriting the checkpoint.
    let skipCheckpoints;
    if (unlimited) {
      const skip = { PULUMI_SKIP_CHECKPOINTS: "true" };
      const { base: b, prov: p } = await interleaved(n, { baseline: { env: skip }, provider: { extra, env: skip } });
      skipCheckpoints = {
        runs: RUNS,
        up: median(p.map((s) => s.up.ms)),
        down: median(p.map((s) => s.destroy.ms)),
        baseUp: median(b.map((s) => s.up.ms)),
        baseDown: median(b.map((s) => s.destroy.ms)),
      };
      log(`n=${n} with PULUMI_SKIP_CHECKPOINTS=true: up ${fmtS(skipCheckpoints.baseUp)} / ${fmtS(skipCheckpoints.up)} s, destroy ${fmtS(skipCheckpoints.baseDown)} / ${fmtS(skipCheckpoints.down)} s`);
    }
    const resources = state.deployment.resources.filter((r) => String(r.type).startsWith("pulumi-nodejs:dynamic/"));
    const spans = prov.map((s) => callSpan(s.up, "subscribe"));
    results.rows[n] = {
      n,
      maxQps: unlimited ? 1000 : VENDOR_QPS,
      ...meta(RUNS),
      baseUp: median(base.map((s) => s.up.ms)),
      provUp: median(prov.map((s) => s.up.ms)),
      baseDown: median(base.map((s) => s.destroy.ms)),
      provDown: median(prov.map((s) => s.destroy.ms)),
      spanUp: median(spans.map((s) => s.spanMs)),
      restUp: median(spans.map((s) => s.restMs)),
      subscribePerCreate: median(prov.map((s) => count(s.up.calls, "subscribe") / n)),
      unsubscribePerDelete: median(prov.map((s) => count(s.destroy.calls, "unsubscribe") / n)),
      tokensUp: median(prov.map((s) => count(s.up.calls, "token"))),
      tokensDown: median(prov.map((s) => count(s.destroy.calls, "token"))),
      blob: Buffer.byteLength(resources[0].inputs.__provider),
      baseBytesPerResource: Math.round(median(base.map((s) => s.bytes)) / n),
      provBytesPerResource: Math.round(median(prov.map((s) => s.bytes)) / n),
      basePeakMb: median(base.map((s) => Math.max(s.up.peakKb, s.destroy.peakKb))) / 1024,
      provPeakMb: median(prov.map((s) => Math.max(s.up.peakKb, s.destroy.peakKb))) / 1024,
      skipCheckpoints,
    };
  }

  // The vendor's own limit: the emulator throttles at 20 QPS per app per API.
  if (THROTTLED_N > 0) {
    emu.setFaults({ latencyMs: LATENCY_MS, throttleQps: VENDOR_QPS });
    const { base: tBase, prov: tProv } = await interleaved(THROTTLED_N, {
      onRun: (run, b, p) => log(`n=${THROTTLED_N} at ${VENDOR_QPS} QPS, run ${run + 1}/${RUNS}: baseline up ${fmtS(b.up.ms)} s, provider up ${fmtS(p.up.ms)} s`),
    });
    const throttledShare = (s, o) => {
      const calls = s[o].calls.filter((e) => e.op === (o === "up" ? "subscribe" : "unsubscribe"));
      return calls.filter((e) => e.fault === "throttled").length / calls.length;
    };
    const spansUp = tProv.map((s) => callSpan(s.up, "subscribe"));
    const spansDown = tProv.map((s) => callSpan(s.destroy, "unsubscribe"));
    results.throttled[THROTTLED_N] = {
      n: THROTTLED_N,
      ...meta(RUNS),
      baseUp: median(tBase.map((s) => s.up.ms)),
      provUp: median(tProv.map((s) => s.up.ms)),
      baseDown: median(tBase.map((s) => s.destroy.ms)),
      provDown: median(tProv.map((s) => s.destroy.ms)),
      spanUp: median(spansUp.map((s) => s.spanMs)),
      restUp: median(spansUp.map((s) => s.restMs)),
      spanDown: median(spansDown.map((s) => s.spanMs)),
      restDown: median(spansDown.map((s) => s.restMs)),
      shareUp: median(tProv.map((s) => throttledShare(s, "up"))),
      shareDown: median(tProv.map((s) => throttledShare(s, "destroy"))),
      callsUp: median(tProv.map((s) => count(s.up.calls, "subscribe"))),
      tokensUp: median(tProv.map((s) => count(s.up.calls, "token"))),
    };
  }
  writeFileSync(RESULTS_JSON, JSON.stringify(results, null, 2) + "\n");
  report(results, pulumiBinDir, (Date.now() - benchStarted) / 60_000);
} finally {
  await emu.stop();
  rmSync(scratchRoot, { recursive: true, force: true });
}

// ---- output -------------------------------------------------------------------------------
function report({ rows, throttled }, pulumiBinDir, minutes) {
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  const check = (ok) => (ok ? "met" : "**not met**");
  const pulumiVersion = execFileSync(join(pulumiBinDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
  const sorted = Object.values(rows).sort((a, b) => a.n - b.n);
  const lines = [];
  lines.push("# Benchmark results", "");
  lines.push(
    `Written by \`npm run bench\` (scripts/bench.mjs): Pulumi CLI ${pulumiVersion}, Node ${process.version}, ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB; file backend; emulator on loopback adding ${LATENCY_MS} ms per vendor call. ` +
      (minutes === undefined ? "Rows are kept in bench/results.json and say" : `The last run (${RUN_LABEL}) took ${minutes.toFixed(1)} min; rows measured by earlier runs are kept (bench/results.json) and say`) +
      " when they were measured, over how many runs (medians), and the machine's 1-minute load average then: " +
      "the machine may be shared, and other jobs on its cores show up as noise.",
    "",
  );
  lines.push(
    "Times are the `pulumi up` / `pulumi destroy` operation as the Automation API runs it (the driver's own start-up excluded). " +
      "The measured program is bench/programs/dingtalk: N DingTalk storage event subscriptions built from a count in its config. " +
      "The baseline is bench/programs/noop: as many no-op dynamic resources built the same way, through the same host and the same one-line `__provider`. " +
      "Checkpoint bytes are the stack's checkpoint file after `up`, divided by the resources (the stack and its default provider included).",
    "",
  );
  lines.push("## Provider against the no-op baseline", "");
  lines.push(
    "| resources | client QPS | up: baseline | up: provider | up ratio | destroy: baseline | destroy: provider | destroy ratio | checkpoint bytes per resource (baseline / provider) | `__provider` bytes | vendor calls per create / delete | token fetches (up / destroy) | provider process peak RSS (baseline / provider) | measured (runs, load) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const r of sorted) {
    lines.push(
      `| ${r.n} | ${r.maxQps} | ${fmtS(r.baseUp)} s | ${fmtS(r.provUp)} s | ${ratio(r.provUp, r.baseUp)} | ${fmtS(r.baseDown)} s | ${fmtS(r.provDown)} s | ${ratio(r.provDown, r.baseDown)} | ` +
        `${r.baseBytesPerResource} / ${r.provBytesPerResource} (${ratio(r.provBytesPerResource, r.baseBytesPerResource)}) | ${r.blob} | ` +
        `${r.subscribePerCreate.toFixed(2)} / ${r.unsubscribePerDelete.toFixed(2)} | ${r.tokensUp} / ${r.tokensDown} | ${r.basePeakMb.toFixed(0)} / ${r.provPeakMb.toFixed(0)} MiB | ${r.date} (${r.runs}, ${r.load}) |`,
    );
  }
  lines.push("");
  const skipped = sorted.filter((r) => r.skipCheckpoints?.baseUp !== undefined);
  if (skipped.length) {
    lines.push("## Where the gap goes at the large size", "");
    lines.push(
      "Both programs run again with `PULUMI_SKIP_CHECKPOINTS=true` (the engine writes the checkpoint once, at the end), as many runs, medians. " +
        "The checkpoint share of a time is the time with per-step checkpoints less the time without; the gap between provider and baseline splits into " +
        "the checkpoint share (what the larger per-resource state costs, paid on every rewrite) and the rest (the engine's and the provider's other work, vendor calls included).",
      "",
    );
    lines.push(
      "| resources | operation | baseline: with / without checkpoints | provider: with / without checkpoints | gap | of which checkpoint rewriting | of which the rest |",
      "|---:|---|---:|---:|---:|---:|---:|",
    );
    for (const r of skipped) {
      const k = r.skipCheckpoints;
      for (const [label, base, prov, baseSkip, provSkip] of [
        ["up", r.baseUp, r.provUp, k.baseUp, k.up],
        ["destroy", r.baseDown, r.provDown, k.baseDown, k.down],
      ]) {
        const gap = prov - base;
        const rest = provSkip - baseSkip;
        lines.push(`| ${r.n} | ${label} | ${fmtS(base)} / ${fmtS(baseSkip)} s | ${fmtS(prov)} / ${fmtS(provSkip)} s | ${fmtS(gap)} s | ${fmtS(gap - rest)} s | ${fmtS(rest)} s |`);
      }
    }
    lines.push("");
  }

  const at20 = [
    ...sorted.filter((r) => r.maxQps === VENDOR_QPS && r.n > VENDOR_QPS).map((r) => ({ label: `${r.n}, emulator not throttling`, n: r.n, up: r.provUp, span: r.spanUp, rest: r.restUp, base: r.baseUp })),
    ...Object.values(throttled).map((t) => ({ label: `${t.n}, emulator throttling at ${VENDOR_QPS} QPS`, n: t.n, up: t.provUp, span: t.spanUp, rest: t.restUp, base: t.baseUp })),
  ];
  if (at20.length) {
    lines.push(`## Where the time of \`up\` goes at the default ${VENDOR_QPS} QPS`, "");
    lines.push(
      `The span is from the first to the last subscribe call in the emulator's ledger; DingTalk's floor for it is (N − ${VENDOR_QPS}) / ${VENDOR_QPS} s ` +
        "(the first 20 calls at once, then 20 a second). The rest is the operation without that span: the engine's start-up before the first call and its wind-down after the last, " +
        "compared with the no-op baseline's whole `up` of as many resources. Span and rest are medians of their own, so they need not add up to the median `up`.",
      "",
    );
    lines.push("| resources | up (median) | span first → last call | vendor floor | span / floor | rest of the run | baseline up | rest / baseline |", "|---|---:|---:|---:|---:|---:|---:|---:|");
    for (const x of at20) {
      lines.push(
        `| ${x.label} | ${fmtS(x.up)} s | ${fmtS(x.span)} s | ${fmtS(floorMs(x.n))} s | ${ratio(x.span, floorMs(x.n))} | ${fmtS(x.rest)} s | ${fmtS(x.base)} s | ${ratio(x.rest, x.base)} |`,
      );
    }
    lines.push("");
  }

  for (const t of Object.values(throttled)) {
    lines.push(`## ${t.n} subscriptions with the emulator throttling at ${VENDOR_QPS} QPS`, "");
    lines.push(`Measured ${t.date} (${t.runs} runs, load ${t.load}).`, "");
    lines.push("| operation | baseline (no-op) | provider | span first → last call | vendor floor | rest of the run | throttled share of vendor calls |", "|---|---:|---:|---:|---:|---:|---:|");
    lines.push(`| up | ${fmtS(t.baseUp)} s | ${fmtS(t.provUp)} s | ${fmtS(t.spanUp)} s | ${fmtS(floorMs(t.n))} s | ${fmtS(t.restUp)} s | ${(t.shareUp * 100).toFixed(1)} % |`);
    lines.push(`| destroy | ${fmtS(t.baseDown)} s | ${fmtS(t.provDown)} s | ${fmtS(t.spanDown)} s | ${fmtS(floorMs(t.n))} s | ${fmtS(t.restDown)} s | ${(t.shareDown * 100).toFixed(1)} % |`);
    lines.push("", `Subscribe calls for ${t.n} creates: ${t.callsUp}; token fetches: ${t.tokensUp}.`, "");
  }

  lines.push("## Targets", "");
  for (const r of sorted.filter((r) => r.maxQps !== VENDOR_QPS && r.n >= 1000)) {
    lines.push(
      `- ${r.n} resources, limit lifted: up ${ratio(r.provUp, r.baseUp)} and destroy ${ratio(r.provDown, r.baseDown)} of the baseline (target 1.25x): ` +
        `${check(r.provUp <= 1.25 * r.baseUp)} / ${check(r.provDown <= 1.25 * r.baseDown)}; checkpoint bytes ${ratio(r.provBytesPerResource, r.baseBytesPerResource)} (target 1.3x): ` +
        `${check(r.provBytesPerResource <= 1.3 * r.baseBytesPerResource)}.`,
    );
  }
  for (const x of at20.filter((x) => x.n === 100 || x.n === 200)) {
    lines.push(
      `- ${x.label}: span ${ratio(x.span, floorMs(x.n))} of the floor (target 1.10x): ${check(x.span <= 1.1 * floorMs(x.n))}; ` +
        `rest ${ratio(x.rest, x.base)} of the baseline's up (target 1.15x): ${check(x.rest <= 1.15 * x.base)}.`,
    );
  }
  lines.push(`- one vendor call per create and per delete: ${check(sorted.every((r) => r.subscribePerCreate === 1 && r.unsubscribePerDelete === 1))}.`);
  lines.push(`- one token fetch per vendor per run: ${check(sorted.every((r) => r.tokensUp === 1 && r.tokensDown === 1))}.`);
  const text = lines.join("\n") + "\n";
  writeFileSync(join(repoRoot, "bench", "results.md"), text);
  process.stdout.write(text);
}
