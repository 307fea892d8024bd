// Issue 5, production hardening: secrets never leak (state, backend files, CLI output, debug
// output included), hostile input either fails `check` naming the property or reaches the
// vendor byte-exact, plain-http endpoints are refused, and redirects never carry credentials.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { backendFiles, emulatorConfig, emulatorPerFile, leakedSecrets, type TestStack } from "./harness";

const EVENTS = [
  { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
  { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
];

describe("production hardening: secrets, hostile input, endpoints", () => {
  const fx = emulatorPerFile();

  function stack(config: Record<string, string> = {}, env: Record<string, string | null> = {}, base = emulatorConfig(fx.emu, DEFAULT_CREDENTIALS)): TestStack {
    return fx.stack({ program: "examples/from-config", config: { ...base, ...config }, env });
  }
  const allSecrets = () => [...fx.emu.secrets(), ...fx.emu.issuedTokens()];

  it.each<[string, Record<string, string>]>([
    ["default output", {}],
    ["PULUMI_DINGTALK_FEISHU_DEBUG=1", { PULUMI_DINGTALK_FEISHU_DEBUG: "1" }],
  ])("keeps every secret and issued token out of state, backend files and the CLI output (%s)", async (_name, env) => {
    fx.emu.reset();
    const s = stack(
      {
        "from-config:dingtalk": JSON.stringify([{ name: "org", scope: "ORG", scopeId: DEFAULT_CREDENTIALS.dingtalk.apps[0]!.corpId, unionId: "u-1" }, { name: "space", scope: "SPACE", scopeId: "s-1", unionId: "u-1" }]),
        "from-config:feishu": JSON.stringify([{ name: "helpdesk", events: EVENTS }]),
        // This test is about what gets printed, not about running out of attempts.
        "dingtalk:maxAttempts": "10",
        "feishu:maxAttempts": "10",
      },
      env,
    );
    // Failures and expiring tokens so that retry lines, refreshes and (in debug) their details are printed.
    fx.emu.setFaults({ failureRate: 0.3, failureKinds: ["500", "503"], seed: 3, tokenMaxUses: 3 });
    const up = await s.up();
    const refresh = await s.refresh();
    await s.destroy();
    expect(fx.emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });

    const output = s.transcript.join("\n");
    expect(output).toMatch(/\[pulumi-dingtalk-feishu\] info: .* retrying in/);
    if (env.PULUMI_DINGTALK_FEISHU_DEBUG) expect(output).toMatch(/\[pulumi-dingtalk-feishu\] debug: DingTalk subscribe \S+: POST \S+\/v1\.0\/storage\/events\/subscribe answered 200 in \d+ ms/);
    else expect(output).not.toContain("[pulumi-dingtalk-feishu] debug:");
    // Several tokens were issued (each lasted three uses), and every one of them stayed inside the provider.
    expect(fx.emu.issuedTokens().length).toBeGreaterThan(2);
    const state = JSON.stringify(await s.exportState());
    expect(leakedSecrets([state], allSecrets())).toEqual([]);
    expect(leakedSecrets(backendFiles(s.backendDir), allSecrets())).toEqual([]);
    expect(leakedSecrets([output, up.stdout, refresh.stdout], allSecrets())).toEqual([]);
    // The secrets are in the backend only encrypted: the stack config holds them as ciphertext.
    expect(state).not.toContain(DEFAULT_CREDENTIALS.dingtalk.apps[0]!.appSecret);
  });

  it("sends &, #, /, .., non-ASCII and 256-character ids to the vendor byte-exact, and back on delete", async () => {
    fx.emu.reset();
    const entries = [
      { name: "hostile", scope: "SPACE", scopeId: "sp&ce#1/../ü-空间?x=1", unionId: "a&b#c/../é" },
      { name: "long", scope: "SPACE", scopeId: "é".repeat(128) + "%2F".repeat(41) + "&#/..", unionId: "ü".repeat(255) + "#" },
    ];
    expect(entries[1]!.scopeId).toHaveLength(256);
    const s = stack({ "from-config:dingtalk": JSON.stringify(entries) });
    await s.up();
    const made = fx.emu.ledger().filter((e) => e.op === "subscribe");
    expect(made.map((e) => [e.scopeId, e.unionId]).sort()).toEqual(entries.map((e) => [e.scopeId, e.unionId]).sort());
    expect(fx.emu.subscriptions().dingtalk.map((x) => [x.scopeId, x.unionId]).sort()).toEqual(entries.map((e) => [e.scopeId, e.unionId]).sort());
    const ids = (await s.dynamicResources()).map((r) => r.id).sort();
    expect(ids).toEqual(entries.map((e) => `SPACE:${e.scopeId}`).sort());
    await s.destroy();
    const removed = fx.emu.ledger().filter((e) => e.op === "unsubscribe");
    expect(removed.map((e) => [e.scopeId, e.unionId]).sort()).toEqual(entries.map((e) => [e.scopeId, e.unionId]).sort());
    expect(fx.emu.subscriptions().dingtalk).toEqual([]);
  });

  it.each([
    ["CR/LF in unionId", "unionId", "white space or control characters", { dingtalk: [{ name: "x", scope: "SPACE", scopeId: "s", unionId: "a\r\nX-Injected: 1" }] }],
    ["NUL in scopeId", "scopeId", "white space or control characters", { dingtalk: [{ name: "x", scope: "SPACE", scopeId: "s\u0000t", unionId: "u" }] }],
    ["a 10,000-character unionId", "unionId", "at most 256 characters", { dingtalk: [{ name: "x", scope: "SPACE", scopeId: "s", unionId: "u".repeat(10_000) }] }],
    ["a path as scope", "scope", "scope must be ORG or SPACE", { dingtalk: [{ name: "x", scope: "../ORG", scopeId: "s", unionId: "u" }] }],
    ["CR/LF in a Feishu subtype", "events[0].subtype", "subtype must look like", { feishu: [{ name: "x", events: [{ type: "helpdesk.ticket", subtype: "ticket.created_v1\r\nX: 1" }] }] }],
  ])("fails preview on %s, naming %s, and calls no vendor", async (_name, property, reason, lists) => {
    fx.emu.reset();
    const config: Record<string, string> = {};
    for (const [vendor, list] of Object.entries(lists)) config[`from-config:${vendor}`] = JSON.stringify(list);
    const s = stack(config);
    const r = await s.run("preview");
    expect(r.ok).toBe(false);
    const text = `${r.stdout}\n${r.error?.message ?? ""}`;
    expect(text).toContain(property);
    expect(text).toContain(reason);
    // (The engine's own message quotes the rejected value as it is, line breaks included.)
    expect(fx.emu.ledger()).toEqual([]);
  });

  it.each([
    ["dingtalk:endpoint", { "dingtalk:endpoint": "http://api.dingtalk.com" }, { dingtalk: [{ name: "x", scope: "SPACE", scopeId: "s", unionId: "u" }] }],
    ["feishu:endpoint", { "feishu:endpoint": "http://open.feishu.cn" }, { feishu: [{ name: "x", events: EVENTS }] }],
  ] as const)("refuses a plain-http %s that is not loopback, at preview", async (key, endpoint, lists) => {
    fx.emu.reset();
    const config: Record<string, string> = { ...endpoint };
    for (const [vendor, list] of Object.entries(lists)) config[`from-config:${vendor}`] = JSON.stringify(list);
    const s = stack(config);
    const r = await s.run("preview");
    expect(r.ok).toBe(false);
    const text = `${r.stdout}\n${r.error?.message ?? ""}`;
    expect(text).toContain(`${key} must use https:`);
    expect(fx.emu.ledger()).toEqual([]);
  });

  describe("a redirecting endpoint", () => {
    let redirector: Server;
    let redirectorUrl: string;
    const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"] }> = [];

    beforeAll(async () => {
      // Answers everything with a 307 (which keeps method and body) to the emulator under
      // another host name: a client that followed it would hand the credentials to that host.
      redirector = createServer((req, res) => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
        req.resume();
        res.writeHead(307, { location: `http://localhost:${fx.emu.port}${req.url}` }).end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
      redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => redirector.close(() => resolve())));

    it.each([
      ["DingTalk", { "dingtalk:endpoint": "REDIRECTOR" }, { dingtalk: [{ name: "x", scope: "SPACE", scopeId: "s", unionId: "u" }] }, "dingtalk:endpoint"],
      ["Feishu", { "feishu:endpoint": "REDIRECTOR" }, { feishu: [{ name: "x", events: EVENTS }] }, "feishu:endpoint"],
    ])("%s: never follows it, so no credential reaches the other host", async (_vendor, endpoint, lists, key) => {
      fx.emu.reset();
      seen.length = 0;
      const config: Record<string, string> = {};
      for (const [k] of Object.entries(endpoint)) config[k] = redirectorUrl;
      for (const [vendor, list] of Object.entries(lists)) config[`from-config:${vendor}`] = JSON.stringify(list);
      const s = stack(config);
      const r = await s.run("up");
      expect(r.ok).toBe(false);
      const text = `${r.stdout}\n${r.error?.message ?? ""}`;
      expect(text).toContain(`redirect to http://localhost:${fx.emu.port}/`);
      expect(text).toContain(`Redirects are never followed; set ${key}`);
      // One request (the token fetch), not retried, and nothing at the host it pointed to.
      expect(seen).toHaveLength(1);
      expect(seen[0]!.url).toMatch(/oauth2\/accessToken|tenant_access_token/);
      expect(fx.emu.ledger()).toEqual([]);
      expect(leakedSecrets(s.transcript, allSecrets())).toEqual([]);
    });
  });
});
