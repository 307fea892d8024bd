#!/usr/bin/env node
// One setup step shared by `npm test`, `npm run demo`, `npm run bench` and `npm run emulator`:
// installs dependencies when missing, builds the package, links it under its own name (the
// examples import "pulumi-dingtalk-feishu" exactly as a user's program does), and finds or
// builds the pinned Pulumi CLI. Idempotent: a second run takes seconds.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quiet = process.argv.includes("--quiet");
const skipCli = process.argv.includes("--no-cli");
const say = (msg) => { if (!quiet) process.stderr.write(`setup: ${msg}\n`); };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"], ...opts });
  if (r.status !== 0) {
    process.stderr.write(`setup: \`${cmd} ${args.join(" ")}\` failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  return r;
}

// 1) Dependencies.
const lock = join(root, "package-lock.json");
const marker = join(root, "node_modules", ".package-lock.json");
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  say("installing dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

// 2) Build.
say("building (tsc)");
run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);

// 3) Self link: node_modules/pulumi-dingtalk-feishu -> .. so programs in this repo resolve
// the package (and the dynamic provider process resolves its implementation) by name.
const link = join(root, "node_modules", "pulumi-dingtalk-feishu");
let linked = false;
try { linked = lstatSync(link).isSymbolicLink() && readlinkSync(link) === ".."; } catch { /* missing */ }
if (!linked) {
  rmSync(link, { recursive: true, force: true });
  symlinkSync("..", link, "dir");
}

// 4) The pinned Pulumi CLI.
if (!skipCli) {
  const r = spawnSync("bash", [join(root, "scripts", "ensure-pulumi")], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (r.status !== 0) {
    process.stderr.write("setup: the Pulumi CLI is not available (see the messages above)\n");
    process.exit(1);
  }
  const binDir = r.stdout.trim().split("\n").pop();
  mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
  writeFileSync(join(root, "node_modules", ".cache", "pulumi-bin-dir"), binDir + "\n");
  say(`pulumi CLI: ${binDir}/pulumi (${execFileSync(join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim()})`);
  const hostNote = join(binDir, ".pulumi-language-nodejs.version");
  say(`Node language host: ${binDir}/pulumi-language-nodejs (${existsSync(hostNote) ? readFileSync(hostNote, "utf8").trim() : "installed with the CLI"})`);
}
