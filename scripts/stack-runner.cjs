// Runs one Pulumi operation through scripts/stack-driver.cjs in a child process and returns
// its parsed result. Shared by the demo, the benchmark and the end-to-end harness.
"use strict";
const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const { readFileSync, rmSync, writeFileSync, existsSync } = require("node:fs");
const { join } = require("node:path");

const repoRoot = join(__dirname, "..");
const driver = join(repoRoot, "scripts", "stack-driver.cjs");

/** The folder of the pinned CLI that scripts/setup.mjs found or built. */
function cachedPulumiBinDir() {
  const file = join(repoRoot, "node_modules", ".cache", "pulumi-bin-dir");
  if (!existsSync(file)) return undefined;
  const dir = readFileSync(file, "utf8").trim();
  return existsSync(join(dir, "pulumi")) ? dir : undefined;
}

/**
 * @param {object} request the driver request (programDir, stackName, backendUrl, op, config, env, flags, pulumiBinDir, ...)
 * @param {{ scratchDir: string, driverPath?: string, timeoutMs?: number }} opts
 */
async function runStackOperation(request, opts) {
  const reqFile = join(opts.scratchDir, `.req-${randomBytes(4).toString("hex")}.json`);
  writeFileSync(reqFile, JSON.stringify(request));
  try {
    const { stdout, stderr, peakRssKb } = await runNode([opts.driverPath ?? driver, reqFile], opts.timeoutMs ?? 600_000, opts.cwd);
    const line = stdout.split("\n").find((l) => l.startsWith("@@result "));
    if (!line) throw new Error(`stack driver printed no result:\n${stdout}\n${stderr}`);
    return { stderr, peakRssKb, ...JSON.parse(line.slice("@@result ".length)) };
  } finally {
    rmSync(reqFile, { force: true });
  }
}

function runNode(args, timeoutMs, cwd = repoRoot) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", () => { clearTimeout(timer); resolve({ stdout, stderr }); });
  });
}

module.exports = { repoRoot, cachedPulumiBinDir, runStackOperation };
