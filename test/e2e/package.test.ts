// The package as a user gets it: `npm pack`, then fresh TypeScript and JavaScript Pulumi
// projects in temporary folders that install the tarball next to @pulumi/pulumi, run
// up/preview/destroy with the real CLI against the packaged emulator, and typecheck against
// the packaged declarations. Catches files missing from the package, closure serialization
// from node_modules, and a second copy of @pulumi/pulumi.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStackOperation } from "../../scripts/stack-runner.cjs";
import { pulumiBinDir, repoRoot, type RunResult } from "./harness";

type EmulatorModule = typeof import("../../provider/emulator");
type Emulator = Awaited<ReturnType<EmulatorModule["startEmulator"]>>;

const PULUMI_VERSION = "3.248.0";
const installedVersion = (name: string) => JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")).version as string;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The test may itself run under `npm test`, whose npm exports its settings as npm_* variables
// (prefixes among them): the nested npm commands must act on the temporary projects only, so
// keep just the cache, registry and config-file locations.
const KEPT_NPM_VARIABLES = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig", "npm_config_globalconfig"]);
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => (!/^npm_/i.test(k) || KEPT_NPM_VARIABLES.has(k.toLowerCase())) && k !== "INIT_CWD"),
);

function run(cmd: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: npmEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function must(cmd: string, args: string[], cwd: string): Promise<Ran> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`\`${cmd} ${args.join(" ")}\` in ${cwd} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

const TS_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { dingtalk, feishu } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();

const orgFiles = new dingtalk.StorageEventSubscription("org-files", {
  scope: "ORG",
  scopeId: config.require("corpId"),
  unionId: config.require("operatorUnionId"),
});

const tickets = new feishu.HelpdeskEventSubscription("tickets", {
  events: [feishu.HelpdeskEvents.TicketCreated, feishu.HelpdeskEvents.TicketMessageCreated],
});

export const orgSubscription = orgFiles.id;
export const credentialKind = orgFiles.credentialKind;
export const ticketEvents = tickets.events;
`;

// Compiled but not run: the public types a user reaches for, through both entry points.
const TS_TYPES_CHECK = `import { AuthError, ConfigError, ProviderError, VendorApiError, dingtalk, feishu, type VendorFailure } from "pulumi-dingtalk-feishu";
import { DEFAULT_CREDENTIALS, startEmulator, type Emulator, type FaultConfig, type LedgerEntry } from "pulumi-dingtalk-feishu/emulator";

export const faults: FaultConfig = { failureRate: 0.2, failureKinds: ["500", "429"], seed: 7 };
export async function demo(): Promise<LedgerEntry[]> {
  const emu: Emulator = await startEmulator({ faults });
  emu.setFaults({ throttleQps: 5 });
  await emu.stop();
  return emu.ledger();
}
export function describeError(e: unknown): string {
  if (VendorApiError.isInstance(e)) {
    const f: VendorFailure = e;
    return \`\${e.vendor} \${e.vendorCode ?? ""} \${f.httpStatus} \${e.hint ?? ""}\`;
  }
  if (AuthError.isInstance(e) || ConfigError.isInstance(e)) return e.keys.join(",");
  return ProviderError.isInstance(e) ? e.code : String(e);
}
export const args: dingtalk.StorageEventSubscriptionArgs = { scope: "SPACE", scopeId: "s", unionId: "u" };
export const events: feishu.HelpdeskEventSubscriptionArgs = { events: [feishu.HelpdeskEvents.TicketUpdated] };
export const defaults = [dingtalk.DEFAULT_DINGTALK_ENDPOINT, feishu.DEFAULT_FEISHU_ENDPOINT, DEFAULT_CREDENTIALS.feishu.apps[0].appId];
`;

// What \`pulumi new typescript\` writes.
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts", "types-check.ts"],
};

const JS_PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { dingtalk, feishu } = require("pulumi-dingtalk-feishu");

const config = new pulumi.Config();
const space = new dingtalk.StorageEventSubscription("team-space", {
  scope: "SPACE",
  scopeId: config.require("spaceId"),
  unionId: config.require("operatorUnionId"),
});
const updates = new feishu.HelpdeskEventSubscription("ticket-updates", { events: [feishu.HelpdeskEvents.TicketUpdated] });

exports.spaceSubscription = space.id;
exports.updateEvents = updates.events;
`;

function writeProject(dir: string, kind: "ts" | "js", tarball: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Pulumi.yaml"), `name: packed-${kind}\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\ndescription: packed ${kind} program\n`);
  const pkg: Record<string, unknown> = {
    name: `packed-${kind}`,
    version: "0.0.0",
    private: true,
    main: kind === "ts" ? "index.ts" : "index.js",
    dependencies: { "@pulumi/pulumi": PULUMI_VERSION, "pulumi-dingtalk-feishu": `file:${tarball}` },
  };
  if (kind === "ts") {
    pkg.devDependencies = { "@types/node": installedVersion("@types/node"), typescript: installedVersion("typescript") };
    writeFileSync(join(dir, "index.ts"), TS_PROGRAM);
    writeFileSync(join(dir, "types-check.ts"), TS_TYPES_CHECK);
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  } else {
    writeFileSync(join(dir, "index.js"), JS_PROGRAM);
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  // The Automation API and the program must share the project's one @pulumi/pulumi.
  copyFileSync(join(repoRoot, "scripts", "stack-driver.cjs"), join(dir, "stack-driver.cjs"));
}

/** Every installed copy of @pulumi/pulumi under `dir`, following nested node_modules. */
function pulumiCopies(dir: string): string[] {
  const found: string[] = [];
  const visit = (nodeModules: string) => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith(".")) continue;
      const packages = entry.startsWith("@") ? readdirSync(join(nodeModules, entry)).map((n) => join(entry, n)) : [entry];
      for (const name of packages) {
        const pkgDir = join(nodeModules, name);
        if (name === join("@pulumi", "pulumi")) found.push(pkgDir);
        visit(join(pkgDir, "node_modules"));
      }
    }
  };
  visit(join(dir, "node_modules"));
  return found;
}

/** A project, its packaged emulator, and a stack on a throwaway backend, driven from the project's folder. */
class PackedStack {
  readonly backendDir = mkdtempSync(join(tmpdir(), "pdf-packed-backend-"));
  constructor(
    readonly dir: string,
    readonly config: Record<string, { value: string; secret: boolean }>,
  ) {}

  async run(op: string): Promise<RunResult> {
    const request = {
      programDir: this.dir,
      stackName: "dev",
      backendUrl: `file://${this.backendDir}`,
      op,
      config: this.config,
      env: {},
      flags: {},
      pulumiBinDir: pulumiBinDir(),
    };
    const r = (await runStackOperation(request, { scratchDir: this.backendDir, driverPath: join(this.dir, "stack-driver.cjs"), cwd: this.dir })) as RunResult;
    if (!r.ok && op !== "export") throw new Error(`pulumi ${op} failed: ${r.error?.message}\n${r.stdout}\n${r.error?.stderr ?? ""}`);
    return r;
  }

  async dynamicResources(): Promise<any[]> {
    const state = (await this.run("export")).deployment!;
    return (state.deployment.resources ?? []).filter((r: any) => String(r.type).startsWith("pulumi-nodejs:dynamic/"));
  }

  cleanup(): void {
    rmSync(this.backendDir, { recursive: true, force: true });
  }
}

function emulatorFrom(projectDir: string): EmulatorModule {
  // Through the installed package's "exports" map, the way a user's test would load it.
  return createRequire(join(projectDir, "package.json"))("pulumi-dingtalk-feishu/emulator") as EmulatorModule;
}

function stackConfig(emu: Emulator, creds: EmulatorModule["DEFAULT_CREDENTIALS"], extra: Record<string, string>) {
  const plain = (value: string) => ({ value, secret: false });
  const secret = (value: string) => ({ value, secret: true });
  return {
    "dingtalk:endpoint": plain(emu.url),
    "dingtalk:appKey": plain(creds.dingtalk.apps[0].appKey),
    "dingtalk:appSecret": secret(creds.dingtalk.apps[0].appSecret),
    "feishu:endpoint": plain(emu.url),
    "feishu:appId": plain(creds.feishu.apps[0].appId),
    "feishu:appSecret": secret(creds.feishu.apps[0].appSecret),
    "feishu:helpdeskId": plain(creds.feishu.helpdesks[0].helpdeskId),
    "feishu:helpdeskToken": secret(creds.feishu.helpdesks[0].helpdeskToken),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, plain(v)])),
  };
}

const lastSeq = (emu: Emulator) => emu.ledger().at(-1)?.seq ?? 0;

describe("the packed package", () => {
  const work = mkdtempSync(join(tmpdir(), "pdf-pack-"));
  const tsDir = join(work, "ts-project");
  const jsDir = join(work, "js-project");
  let tarball = "";
  let dryRunFiles: string[] = [];

  beforeAll(async () => {
    // `npm pack` runs `prepack` (the build), exactly as publishing does.
    await must("npm", ["pack", "--pack-destination", work], repoRoot);
    const name = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (!name) throw new Error(`npm pack wrote no tarball to ${work}`);
    tarball = join(work, name);
    const dry = await must("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], repoRoot);
    dryRunFiles = (JSON.parse(dry.stdout)[0].files as { path: string }[]).map((f) => f.path).sort();

    writeProject(tsDir, "ts", tarball);
    writeProject(jsDir, "js", tarball);
    await Promise.all([tsDir, jsDir].map((dir) => must("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir)));
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("`npm pack --dry-run` lists only the compiled library, its declarations and the docs", async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const stray = dryRunFiles.filter((f) => !/^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/provider\/.+\.(js|d\.ts))$/.test(f));
    expect(stray).toEqual([]);
    expect(dryRunFiles.filter((f) => /(^|\/)(test|tests|examples|scripts)\/|\.map$|\.tsbuildinfo$/.test(f))).toEqual([]);
    for (const doc of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"]) expect(dryRunFiles).toContain(doc);

    // Exactly the compiled provider sources: no stale file from a renamed module, none missing.
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) sources.push(join(dir, e.name).replace(/\.ts$/, ""));
      }
    };
    walk("provider");
    const compiled = sources.flatMap((s) => [`dist/${s}.js`, `dist/${s}.d.ts`]).sort();
    expect(dryRunFiles.filter((f) => f.startsWith("dist/")), "dist/ holds files of no current source: rm -rf dist && npm run build").toEqual(compiled);

    // Every entry point package.json names is in the package.
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>)];
    for (const entry of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) {
      targets.push(...(typeof entry === "string" ? [entry] : Object.values(entry)));
    }
    for (const list of Object.values(pkg.typesVersions["*"] as Record<string, string[]>)) targets.push(...list);
    for (const t of targets) expect(dryRunFiles, t).toContain(t.replace(/^\.\//, ""));
    expect(pkg.peerDependencies["@pulumi/pulumi"]).toBeDefined();
    expect(pkg.dependencies["@pulumi/pulumi"]).toBeUndefined();
  });

  it("the tarball holds exactly what the dry run listed, installed as a copy with its bin", async () => {
    const listing = await must("tar", ["-tzf", tarball], work);
    const paths = listing.stdout.trim().split("\n").map((l) => l.replace(/^package\//, "")).sort();
    expect(paths).toEqual(dryRunFiles);
    const installed = join(jsDir, "node_modules", "pulumi-dingtalk-feishu");
    expect(lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(installed, "dist", "provider", "emulator", "cli.js"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
    // npm makes the bin executable on install (the tarball keeps tsc's file modes).
    expect(existsSync(join(jsDir, "node_modules", ".bin", "pulumi-dingtalk-feishu-emulator"))).toBe(true);
  });

  it.each([
    ["TypeScript", tsDir],
    ["JavaScript", jsDir],
  ])("the %s project has exactly one @pulumi/pulumi", async (_kind, dir) => {
    expect(pulumiCopies(dir)).toEqual([join(dir, "node_modules", "@pulumi", "pulumi")]);
    // `npm ls` exits non-zero on a missing or unmet peer dependency.
    const parseable = await must("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], dir);
    expect([...new Set(parseable.stdout.trim().split("\n"))]).toEqual([join(dir, "node_modules", "@pulumi", "pulumi")]);
    const tree = JSON.parse((await must("npm", ["ls", "@pulumi/pulumi", "--all", "--json"], dir)).stdout);
    expect(tree.dependencies["@pulumi/pulumi"].version).toBe(PULUMI_VERSION);
    const viaPackage = tree.dependencies["pulumi-dingtalk-feishu"].dependencies["@pulumi/pulumi"];
    expect(viaPackage.version).toBe(PULUMI_VERSION);
    expect(viaPackage.resolved ?? "deduped").not.toContain("pulumi-dingtalk-feishu/node_modules");
  });

  it("the TypeScript project typechecks against the packaged declarations (node10 and node16 resolution)", async () => {
    const tsc = join(tsDir, "node_modules", "typescript", "bin", "tsc");
    await must(process.execPath, [tsc, "-p", ".", "--noEmit"], tsDir);
    await must(process.execPath, [tsc, "-p", ".", "--noEmit", "--module", "node16", "--moduleResolution", "node16"], tsDir);
  });

  it("every resource input and output carries TSDoc an editor shows", () => {
    const program = ts.createProgram([join(tsDir, "index.ts"), join(tsDir, "types-check.ts")], {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2020,
      strict: true,
      noEmit: true,
      types: ["node"],
      typeRoots: [join(tsDir, "node_modules", "@types")],
    });
    const checker = program.getTypeChecker();
    const dist = join(tsDir, "node_modules", "pulumi-dingtalk-feishu", "dist", "provider");
    const wanted: Record<string, string[]> = {
      "dingtalk/storage-event-subscription.d.ts": ["StorageEventSubscriptionArgs", "StorageEventSubscription"],
      "feishu/helpdesk-event-subscription.d.ts": ["HelpdeskEventSubscriptionArgs", "HelpdeskEventSubscription"],
      "feishu/events.d.ts": ["HelpdeskEvent", "HelpdeskEvents"],
    };
    const doc = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const undocumented: string[] = [];
    const checked: string[] = [];
    for (const [file, names] of Object.entries(wanted)) {
      const source = program.getSourceFile(join(dist, file));
      expect(source, file).toBeDefined();
      const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source!)!);
      for (const name of names) {
        const symbol = exports.find((s) => s.name === name);
        expect(symbol, `${file} exports ${name}`).toBeDefined();
        if (!doc(symbol!)) undocumented.push(name);
        const declaration = symbol!.declarations![0];
        const members = ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration) ? declaration.members : [];
        for (const member of members) {
          if (!ts.isPropertyDeclaration(member) && !ts.isPropertySignature(member)) continue;
          const memberSymbol = checker.getSymbolAtLocation(member.name)!;
          checked.push(`${name}.${memberSymbol.name}`);
          if (!doc(memberSymbol)) undocumented.push(`${name}.${memberSymbol.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
    for (const p of ["scope", "scopeId", "unionId", "endpoint", "credentialKind", "appKey", "suiteKey", "authCorpId"]) {
      expect(checked).toContain(`StorageEventSubscription${["scope", "scopeId", "unionId"].includes(p) ? "Args" : ""}.${p}`);
    }
    for (const p of ["Args.events", ".events", ".helpdeskId", ".endpoint", ".appId"]) expect(checked).toContain(`HelpdeskEventSubscription${p}`);
  });

  it.each([
    ["TypeScript", tsDir, { corpId: "ding-corp-demo", operatorUnionId: "union-ts" }],
    ["JavaScript", jsDir, { spaceId: "space-js", operatorUnionId: "union-js" }],
  ])("a %s program runs up, preview and destroy against the packaged emulator", async (kind, dir, settings) => {
    const { startEmulator, DEFAULT_CREDENTIALS } = emulatorFrom(dir);
    const emu = await startEmulator();
    const project = kind === "TypeScript" ? "packed-ts" : "packed-js";
    const stack = new PackedStack(dir, stackConfig(emu, DEFAULT_CREDENTIALS, Object.fromEntries(Object.entries(settings).map(([k, v]) => [`${project}:${k}`, v]))));
    try {
      const app = DEFAULT_CREDENTIALS.dingtalk.apps[0].appKey;
      const up = await stack.run("up");
      expect(up.summary?.resourceChanges).toEqual({ create: 3 });
      const held = emu.subscriptions();
      if (kind === "TypeScript") {
        expect(held.dingtalk).toEqual([{ app, scope: "ORG", scopeId: "ding-corp-demo", unionId: "union-ts" }]);
        expect(held.feishu.map((s) => `${s.type}/${s.subtype}`).sort()).toEqual(["helpdesk.ticket/ticket.created_v1", "helpdesk.ticket_message/ticket_message.created_v1"]);
        expect(up.outputs).toMatchObject({ orgSubscription: "ORG:ding-corp-demo", credentialKind: "app" });
      } else {
        expect(held.dingtalk).toEqual([{ app, scope: "SPACE", scopeId: "space-js", unionId: "union-js" }]);
        expect(held.feishu.map((s) => `${s.type}/${s.subtype}`)).toEqual(["helpdesk.ticket/ticket.updated_v1"]);
        expect(up.outputs).toMatchObject({ spaceSubscription: "SPACE:space-js" });
      }
      expect(emu.ledger().filter((e) => e.op === "subscribe").map((e) => e.status)).toEqual([200, 200]);

      // The stored provider is the one-line module that loads the installed package by name.
      const resources = await stack.dynamicResources();
      expect(resources).toHaveLength(2);
      for (const r of resources) {
        const blob: string = r.inputs.__provider;
        expect(blob).toMatch(/^exports\.handler=\(\)=>\{let p="pulumi-dingtalk-feishu\/runtime";try\{return require\(p\)\.implementation\("(dingtalk|feishu)"\)\}/);
        expect(Buffer.byteLength(blob)).toBeLessThan(400);
      }

      let mark = lastSeq(emu);
      const preview = await stack.run("preview");
      expect(preview.changeSummary).toEqual({ same: 3 });
      expect(emu.ledger().filter((e) => e.seq > mark)).toEqual([]);

      mark = lastSeq(emu);
      const destroy = await stack.run("destroy");
      expect(destroy.summary?.resourceChanges).toEqual({ delete: 3 });
      expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
      expect(emu.ledger().filter((e) => e.seq > mark && e.op === "unsubscribe").map((e) => `${e.vendor} ${e.status}`).sort()).toEqual(["dingtalk 200", "feishu 200"]);
    } finally {
      stack.cleanup();
      await emu.stop();
    }
  });

  it("the packaged emulator bin starts, serves its control endpoints, and stops on SIGTERM", async () => {
    const bin = join(jsDir, "node_modules", ".bin", "pulumi-dingtalk-feishu-emulator");
    const child = spawn(bin, ["--port", "0"], { cwd: jsDir, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          stdout += d;
          const m = /emulator listening on (http:\/\/\S+)/.exec(stdout);
          if (m) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`emulator exited (${code}) before printing its URL:\n${stdout}\n${stderr}`)));
      });
      const state = await fetch(`${url}/_emulator/state`);
      expect(state.status).toBe(200);
      expect(await state.json()).toMatchObject({ subscriptions: { dingtalk: [], feishu: [] }, counters: { calls: 0 }, faults: {} });
      const put = await fetch(`${url}/_emulator/faults`, { method: "PUT", body: JSON.stringify({ latencyMs: 5, throttleQps: 3 }) });
      expect(put.status).toBe(200);
      expect(((await (await fetch(`${url}/_emulator/state`)).json()) as { faults: unknown }).faults).toEqual({ latencyMs: 5, throttleQps: 3 });
      expect(stdout).toContain(`pulumi config set dingtalk:endpoint ${url}`);
      const { DEFAULT_CREDENTIALS } = emulatorFrom(jsDir);
      for (const s of [DEFAULT_CREDENTIALS.dingtalk.apps[0].appSecret, DEFAULT_CREDENTIALS.feishu.helpdesks[0].helpdeskToken]) expect(stdout).not.toContain(s);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout).toContain("SIGTERM received");
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
