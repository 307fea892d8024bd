import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DingTalkProvider } from "../../provider/dingtalk/provider";
import { readDingTalkSettings } from "../../provider/dingtalk/settings";
import { SettingsSource } from "../../provider/config/settings-source";
import { UNKNOWN } from "../../provider/dynamic/check";
import { DEFAULT_CREDENTIALS, startEmulator } from "../../provider/emulator";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const app = DEFAULT_CREDENTIALS.dingtalk.apps[0];
const CORP = app.corpId;

function configOf(values: Record<string, string>) {
  return { config: { get: (k: string) => values[k], require: (k: string) => values[k]! } };
}
async function providerFor(values: Record<string, string>) {
  const p = new DingTalkProvider();
  await p.configure(configOf(values));
  return p;
}

describe("DingTalkProvider", () => {
  let emu: Emulator;
  let config: Record<string, string>;
  beforeAll(async () => {
    emu = await startEmulator();
    config = { "dingtalk:endpoint": emu.url, "dingtalk:appKey": app.appKey, "dingtalk:appSecret": app.appSecret };
  });
  afterAll(() => emu.stop());

  it("check accepts values still unknown at preview and validates the rest", async () => {
    const p = await providerFor(config);
    expect((await p.check({}, { scope: "ORG", scopeId: UNKNOWN, unionId: "u" })).failures).toBeUndefined();
    const bad = await p.check({}, { scope: "TEAM", scopeId: UNKNOWN, unionId: "u" });
    expect(bad.failures?.map((f) => f.property)).toEqual(["scope"]);
  });

  it("check reports missing credentials naming the keys, without any call", async () => {
    const before = emu.ledger().length;
    const p = new DingTalkProvider();
    await p.configure({ config: { get: () => undefined, require: () => "" } });
    await expect(p.check({}, { scope: "ORG", scopeId: CORP, unionId: "u" })).rejects.toThrow(/dingtalk:appKey \(DINGTALK_APP_KEY\)/);
    expect(emu.ledger().length).toBe(before);
  });

  it("diff: scope or scopeId replaces, unionId updates, nothing else changes", async () => {
    const p = await providerFor(config);
    const olds = { scope: "ORG", scopeId: CORP, unionId: "u", endpoint: `${emu.url}/`, credentialKind: "app", appKey: app.appKey };
    expect(await p.diff("id", olds, { scope: "ORG", scopeId: CORP, unionId: "u" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect((await p.diff("id", olds, { scope: "SPACE", scopeId: CORP, unionId: "u" })).replaces).toEqual(["scope"]);
    expect((await p.diff("id", olds, { scope: "ORG", scopeId: "other", unionId: "u" })).replaces).toEqual(["scopeId"]);
    expect(await p.diff("id", olds, { scope: "ORG", scopeId: CORP, unionId: "u2" })).toMatchObject({ changes: true, replaces: [] });
  });

  it("diff: a new endpoint or another app under the same profile stops the run, naming the recorded identity, with no call", async () => {
    const p = await providerFor(config);
    const before = emu.ledger().length;
    const olds = { scope: "ORG", scopeId: CORP, unionId: "u", endpoint: "https://api.dingtalk.io/", credentialKind: "app", appKey: app.appKey };
    await expect(p.diff("ORG:x", olds, { scope: "ORG", scopeId: CORP, unionId: "u" })).rejects.toThrow(
      /ORG:x was made with app dingdemoappkey0000001 at https:\/\/api\.dingtalk\.io\/ \(profile "default"\).*Set dingtalk:endpoint \(DINGTALK_ENDPOINT\) back/,
    );
    const otherApp = { ...olds, endpoint: `${emu.url}/`, appKey: "another-app" };
    await expect(p.diff("ORG:x", otherApp, { scope: "ORG", scopeId: CORP, unionId: "u" })).rejects.toThrow(
      /made with app another-app .*now resolves to app dingdemoappkey0000001.*Set dingtalk:appKey \(DINGTALK_APP_KEY\), dingtalk:appSecret \(DINGTALK_APP_SECRET\) back/,
    );
    expect(emu.ledger().length).toBe(before);
  });

  it("create subscribes and returns the coverage id and non-secret outputs; delete unsubscribes", async () => {
    const p = await providerFor(config);
    const created = await p.create({ scope: "SPACE", scopeId: "unit-space", unionId: "u", __provider: "x" });
    expect(created.id).toBe("SPACE:unit-space");
    expect(created.outs).toEqual({ scope: "SPACE", scopeId: "unit-space", unionId: "u", profile: "default", endpoint: `${emu.url}/`, credentialKind: "app", appKey: app.appKey });
    expect(JSON.stringify(created.outs)).not.toContain(app.appSecret);
    expect(emu.subscriptions().dingtalk.map((s) => s.scopeId)).toContain("unit-space");
    await (await providerFor(config)).delete(created.id, created.outs!);
    expect(emu.subscriptions().dingtalk.map((s) => s.scopeId)).not.toContain("unit-space");
  });

  it("delete keeps a subscription another resource of the deployment still claims", async () => {
    const p = await providerFor(config);
    const outs = (await p.create({ scope: "SPACE", scopeId: "shared", unionId: "u" })).outs;
    // A renamed resource: the new one was checked/created in this process, the old one is deleted.
    await p.check({}, { scope: "SPACE", scopeId: "shared", unionId: "u" });
    const before = emu.ledger().length;
    await p.delete("SPACE:shared", outs);
    expect(emu.ledger().length).toBe(before);
    expect(emu.subscriptions().dingtalk.map((s) => s.scopeId)).toContain("shared");
    // A fresh deployment (a destroy) has no claims: it unsubscribes.
    await (await providerFor(config)).delete("SPACE:shared", outs);
    expect(emu.subscriptions().dingtalk.map((s) => s.scopeId)).not.toContain("shared");
  });

  it("delete refuses when the configured endpoint is not the recorded one, calling neither endpoint", async () => {
    const other = await startEmulator();
    try {
      const p = await providerFor({ ...config, "dingtalk:endpoint": other.url });
      const outs = (await p.create({ scope: "SPACE", scopeId: "moved", unionId: "u" })).outs;
      const marks = [emu.ledger().length, other.ledger().length];
      // Config now points elsewhere: acting there would touch another subscription, acting at the recorded one is not configured.
      await expect((await providerFor(config)).delete("SPACE:moved", outs)).rejects.toThrow(/SPACE:moved was made with app .* at http:\/\/127\.0\.0\.1:\d+\/ .*dingtalk:endpoint/);
      expect([emu.ledger().length, other.ledger().length]).toEqual(marks);
      expect(other.subscriptions().dingtalk.map((s) => s.scopeId)).toEqual(["moved"]);
      // With the recorded endpoint configured again, it goes there.
      await (await providerFor({ ...config, "dingtalk:endpoint": other.url })).delete("SPACE:moved", outs);
      expect(other.subscriptions().dingtalk).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it("read returns what is stored, inputs included, without calling the vendor", async () => {
    const p = await providerFor(config);
    const before = emu.ledger().length;
    const props = { scope: "ORG", scopeId: CORP, unionId: "u", endpoint: `${emu.url}/`, credentialKind: "app", appKey: app.appKey };
    expect(await p.read(`ORG:${CORP}`, props)).toEqual({ id: `ORG:${CORP}`, props, inputs: { scope: "ORG", scopeId: CORP, unionId: "u" } });
    expect(emu.ledger().length).toBe(before);
  });
});

describe("DingTalk settings", () => {
  const read = (values: Record<string, string>, env: Record<string, string> = {}) =>
    readDingTalkSettings(new SettingsSource({ get: (k: string) => values[k], require: (k: string) => values[k]! }, env));

  it("prefers stack config to the environment and defaults the endpoint", () => {
    const s = read({ "dingtalk:appKey": "k", "dingtalk:appSecret": "s" }, { DINGTALK_APP_KEY: "env-k", DINGTALK_APP_SECRET: "env-s" });
    expect(s.identity).toEqual({ credentialKind: "app", appKey: "k" });
    expect(s.endpoint.href).toBe("https://api.dingtalk.com/");
  });

  it("falls back to the environment", () => {
    const s = read({}, { DINGTALK_SUITE_KEY: "sk", DINGTALK_SUITE_SECRET: "ss", DINGTALK_SUITE_TICKET: "st", DINGTALK_AUTH_CORP_ID: "corp", DINGTALK_ENDPOINT: "https://api.dingtalk.io" });
    expect(s.identity).toEqual({ credentialKind: "suite", suiteKey: "sk", authCorpId: "corp" });
    expect(s.endpoint.href).toBe("https://api.dingtalk.io/");
  });

  it.each([
    [{ "dingtalk:appKey": "k" }, /incomplete: set dingtalk:appSecret \(DINGTALK_APP_SECRET\)/],
    [{ "dingtalk:appKey": "k", "dingtalk:appSecret": "s", "dingtalk:accessToken": "t" }, /conflict/],
    [{ "dingtalk:accessToken": "t", "dingtalk:endpoint": "http://api.example.com" }, /dingtalk:endpoint/],
    [{ "dingtalk:accessToken": "t", "dingtalk:maxQps": "fast" }, /dingtalk:maxQps \(DINGTALK_MAX_QPS\) must be a number/],
  ])("rejects %j", (values, message) => {
    expect(() => read(values)).toThrow(message);
  });

  it("never puts a secret in its error messages", () => {
    try {
      read({ "dingtalk:appKey": "k", "dingtalk:appSecret": "very-secret-value", "dingtalk:accessToken": "token-value-123" });
      expect.unreachable();
    } catch (e) {
      expect(String(e)).not.toContain("very-secret-value");
      expect(String(e)).not.toContain("token-value-123");
    }
  });
});
