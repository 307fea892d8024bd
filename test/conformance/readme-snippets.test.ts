/**
 * The README's "Testing your own code against the emulator" snippets, run as written: each
 * TypeScript block becomes a module (its body wrapped in a function that hands back `emu`), with
 * the package's emulator import pointed at this checkout's source.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../provider/emulator";

const root = join(__dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const section = readme.split("\n## Testing your own code against the emulator\n")[1]?.split("\n## ")[0] ?? "";
const snippets = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), "readme-snippets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a snippet as a module exporting `run(): Promise<Emulator>`, bare imports resolved from this repository. */
function asModule(snippet: string, name: string): string {
  const lines = snippet.split("\n");
  const imports = lines.filter((l) => l.startsWith("import "));
  const body = lines.filter((l) => !l.startsWith("import "));
  const resolved = imports.map((line) =>
    line.replace(/from "([^"]+)"/, (_m, spec: string) => {
      const target = spec === "pulumi-dingtalk-feishu/emulator" ? join(root, "provider", "emulator", "index.ts") : require.resolve(spec, { paths: [root] });
      return `from ${JSON.stringify(target)}`;
    }),
  );
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, [...resolved, "export async function run() {", ...body, "  return emu;", "}", ""].join("\n"));
  return file;
}

describe("README snippets for the official SDKs", () => {
  it("has one for each SDK", () => {
    expect(snippets).toHaveLength(2);
    expect(snippets[0]).toMatch(/protocol: "http"/);
    expect(snippets[1]).toMatch(/domain: emu\.url/);
  });

  it.each([
    ["DingTalk", 0, (emu: Emulator) => expect(emu.subscriptions().dingtalk).toEqual([{ app: "dingdemoappkey0000001", scope: "ORG", scopeId: "ding-corp-demo", unionId: "union-001" }])],
    ["Lark", 1, (emu: Emulator) => expect(emu.subscriptions().feishu).toEqual([{ app: "cli_demo0a1b2c3d4e5f", helpdeskId: "7000000000000000001", type: "helpdesk.ticket", subtype: "ticket.created_v1" }])],
  ])("the %s snippet runs against the emulator and subscribes", async (name, index, check) => {
    const mod = (await import(asModule(snippets[index as number]!, String(name)))) as { run(): Promise<Emulator> };
    const emu = await mod.run();
    try {
      check(emu);
      expect(emu.ledger().every((e) => e.status === 200)).toBe(true);
    } finally {
      await emu.stop();
    }
  });
});
