// The documentation stays true to the code: the API reference builds with warnings as errors
// (so every exported symbol keeps its TSDoc), and the README and the examples' READMEs name
// every setting, default, vendor error code and config key that the code has.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_OPTION_KEYS } from "../provider/config/client-options";
import { CLIENT_OPTION_RULES } from "../provider/core/options";
import { DEBUG_ENV } from "../provider/core/logger";
import { DEFAULT_DINGTALK_ENDPOINT, DINGTALK_PROFILE_SPEC, DINGTALK_SETTINGS } from "../provider/dingtalk/settings";
import { DEFAULT_FEISHU_ENDPOINT, FEISHU_PROFILE_SPEC, FEISHU_SETTINGS } from "../provider/feishu/settings";

const root = resolve(__dirname, "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const readme = read("README.md");

/** The README's section under a `## title` heading, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  expect(start, `README has a "## ${title}" section`).toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 4);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Rows of the markdown tables in `text` whose first cell is `key` in backticks. */
function row(text: string, key: string): string | undefined {
  return text.split("\n").find((l) => l.startsWith(`| \`${key}\` |`));
}

describe("API reference", () => {
  it("`typedoc` builds it from the TSDoc with warnings as errors", { timeout: 120_000 }, () => {
    const config = JSON.parse(read("typedoc.json"));
    expect(config).toMatchObject({ entryPoints: ["provider/index.ts", "provider/emulator/index.ts"], out: "docs-api", treatWarningsAsErrors: true });
    expect(config.validation.notDocumented).toBe(true);
    expect(read(".gitignore").split("\n")).toContain("docs-api/");
    // A private output folder, so that parallel runs do not write over each other's docs-api/.
    const out = mkdtempSync(join(tmpdir(), "pdf-docs-"));
    try {
      const r = spawnSync("npx", ["--no", "--", "typedoc", "--out", out], { cwd: root, encoding: "utf8", timeout: 110_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(existsSync(join(out, "index.html"))).toBe(true);
      const classes = readdirSync(join(out, "classes")).join(" ");
      expect(classes).toContain("StorageEventSubscription");
      expect(classes).toContain("HelpdeskEventSubscription");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("README", () => {
  it("has a Quickstart of exactly two commands: npm run demo and npm test", () => {
    const blocks = [...section("Quickstart").matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim().split("\n"));
    expect(blocks).toEqual([["npm run demo", "npm test"]]);
  });

  it("lists every setting with its environment variable and default", () => {
    const config = section("Configuration");
    const settings = [
      ...Object.values(DINGTALK_SETTINGS).map((s) => ({ ...s, prefix: "dingtalk", envPrefix: "DINGTALK" })),
      ...Object.values(FEISHU_SETTINGS).map((s) => ({ ...s, prefix: "feishu", envPrefix: "FEISHU" })),
    ];
    for (const s of settings) expect(row(config, s.config), s.config).toContain(`| \`${s.env}\` |`);
    expect(row(config, DINGTALK_SETTINGS.endpoint.config)).toContain(`\`${DEFAULT_DINGTALK_ENDPOINT}\``);
    expect(row(config, FEISHU_SETTINGS.endpoint.config)).toContain(`\`${DEFAULT_FEISHU_ENDPOINT}\``);
    for (const [namespace, envPrefix] of [["dingtalk", "DINGTALK"], ["feishu", "FEISHU"]]) {
      for (const key of CLIENT_OPTION_KEYS) {
        const env = `${envPrefix}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
        const rule = CLIENT_OPTION_RULES[key];
        const line = row(config, `${namespace}:${key}`);
        expect(line, `${namespace}:${key}`).toContain(`| \`${env}\` | \`${rule.default}\` |`);
        expect(line).toContain(`${rule.min} to ${rule.max}`);
      }
    }
    expect(row(config, `${DEBUG_ENV}=1`)).toBeDefined();
    // Every key in the tables is a real one.
    // The profile maps (issue 12): one row each, with their JSON environment variable.
    for (const spec of [DINGTALK_PROFILE_SPEC, FEISHU_PROFILE_SPEC]) expect(row(config, `${spec.namespace}:profiles`)).toContain(`| \`${spec.envVar}\` (JSON) |`);
    const known = new Set([
      ...settings.map((s) => s.config),
      ...CLIENT_OPTION_KEYS.flatMap((k) => [`dingtalk:${k}`, `feishu:${k}`]),
      "dingtalk:profiles",
      "feishu:profiles",
    ]);
    const listed = [...config.matchAll(/^\| `((?:dingtalk|feishu):\w+)` \|/gm)].map((m) => m[1]);
    expect(listed.filter((k) => !known.has(k))).toEqual([]);
    expect(new Set(listed).size).toBe(known.size);
  });

  it("has a troubleshooting row for every vendor code the provider gives a hint for", () => {
    const troubleshooting = section("Troubleshooting");
    for (const file of ["provider/dingtalk/errors.ts", "provider/feishu/errors.ts"]) {
      const codes = [...read(file).matchAll(/case "([^"]+)":/g)].map((m) => m[1]);
      expect(codes.length, file).toBeGreaterThan(3);
      for (const code of codes) expect(troubleshooting, `${file}: ${code}`).toContain(`\`${code}\``);
    }
    for (const code of ["paramError", "permissionDenied", "Forbidden.AccessDenied.AccessTokenPermissionDenied", "IpBanned", "system.busy", "systemError", "operationTimeout"]) {
      expect(troubleshooting).toContain(`\`${code}\``);
    }
    for (const code of ["154000", "154003", "155000", "99991400", "99991661", "99991663", "99991665", "99991672", "99991401"]) {
      expect(troubleshooting).toContain(`\`${code}\``);
    }
  });

  it("documents the lifecycle, recovery, limits and the emulator's control endpoints", () => {
    const lifecycle = section("What each Pulumi command does");
    for (const word of ["`pulumi preview`", "`pulumi up`", "`pulumi refresh`", "`pulumi destroy`", "**Rename.**", "**Adopting existing subscriptions.**"]) expect(lifecycle).toContain(word);
    expect(lifecycle).toContain("pulumi refresh --clear-pending-creates --yes");
    const emulator = section("The emulator");
    for (const path of ["/_emulator/state", "/_emulator/ledger", "/_emulator/faults", "/_emulator/reset"]) expect(emulator).toContain(path);
    expect(emulator).toContain("npx pulumi-dingtalk-feishu-emulator");
    expect(readme).toContain("npm install pulumi-dingtalk-feishu @pulumi/pulumi");
    const limits = section("Known limits");
    for (const word of ["drift", "Node.js only", "`__provider`", "language host"]) expect(limits).toContain(word);
    expect(limits).not.toContain("runs Pulumi through the Automation API");
  });

  it("is shipped with a CHANGELOG entry for the package version and the Apache-2.0 license", () => {
    const pkg = JSON.parse(read("package.json"));
    expect(read("CHANGELOG.md")).toContain(`## [${pkg.version}]`);
    expect(pkg.license).toBe("Apache-2.0");
    expect(read("LICENSE")).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });
});

describe("examples", () => {
  const folders = readdirSync(join(root, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

  it.each(folders)("%s has a Pulumi project, a README with its config commands, and its dependencies", (name) => {
    const dir = join("examples", name);
    const notes = read(join(dir, "README.md"));
    expect(notes).toContain("pulumi config set");
    // The root program's Pulumi.yaml (and package.json) are the repository's own.
    const isRoot = name === "root";
    const project = read(isRoot ? "Pulumi.yaml" : join(dir, "Pulumi.yaml"));
    const projectName = /^name:\s*(\S+)/m.exec(project)![1];
    const main = /^main:\s*(\S+)/m.exec(project)![1];
    expect(resolve(root, isRoot ? "." : dir, main)).toBe(join(root, dir, "index.ts"));
    if (!isRoot) {
      const pkg = JSON.parse(read(join(dir, "package.json")));
      expect(pkg.name).toBe(projectName);
      expect(Object.keys(pkg.dependencies).sort()).toEqual(["@pulumi/pulumi", "pulumi-dingtalk-feishu"]);
      expect(pkg.devDependencies.typescript).toBeDefined();
    }
    // Every config key the program reads is named in its README.
    const program = read(join(dir, "index.ts"));
    const keys = [...program.matchAll(/\bconfig\.(?:require|get|getObject|requireObject|getSecret|requireSecret)(?:<[^>]*>)?\("([^"]+)"\)/g)].map((m) => m[1]);
    const vendorKeys = [...program.matchAll(/new pulumi\.Config\("(\w+)"\)\.(?:get|require)\("(\w+)"\)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(keys.length + vendorKeys.length, `${name} reads some config`).toBeGreaterThan(0);
    for (const key of keys) expect(notes, `${name}: ${key}`).toMatch(new RegExp(`pulumi config set (--secret )?(--path '|${projectName}:)?${key}\\b`));
    for (const key of vendorKeys) expect(notes, `${name}: ${key}`).toContain(`pulumi config set ${key}`);
  });
});
