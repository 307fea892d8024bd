// Issue 9 §1/§4/§7 and issue 12 on the DingTalk provider, called as the dynamic-provider host calls it,
// against the emulator configured with two internal apps and one suite installed in two organizations.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DingTalkProvider } from "../../provider/dingtalk/provider";
import { startEmulator } from "../../provider/emulator";
import { UNKNOWN } from "../../provider/dynamic/check";
import { ConfiguredProfiles } from "../../provider/dynamic/configured";
import { DINGTALK_PROFILE_SPEC, readDingTalkSettings } from "../../provider/dingtalk/settings";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const CORP_A = "ding-corp-a";
const CORP_B = "ding-corp-b";
const A = { appKey: "dingappkeyA000000001", appSecret: "dtAppSecret-A-0f9e8d7c6b5a49382716", corpId: CORP_A, permissions: true };
const B = { appKey: "dingappkeyB000000002", appSecret: "dtAppSecret-B-1a2b3c4d5e6f70819203", corpId: CORP_A, permissions: true };
const SUITE = { suiteKey: "suiteisv000000000001", suiteSecret: "dtSuiteSecret-isv-5d4c3b2a19080706", suiteTicket: "dtSuiteTicket-isv-99887766" };

function configOf(values: Record<string, unknown>) {
  return { config: { get: (k: string) => values[k] as string, require: (k: string) => values[k] as string } };
}
async function providerFor(values: Record<string, unknown>) {
  const p = new DingTalkProvider();
  await p.configure(configOf(values));
  return p;
}

describe("DingTalkProvider: identity from state, profiles", () => {
  let emu: Emulator;
  let base: Record<string, string>;
  let appA: Record<string, string>;
  let appB: Record<string, string>;
  const held = () => emu.subscriptions().dingtalk.map((s) => `${s.app}/${s.scope}:${s.scopeId}`).sort();
  const calls = (mark: number) => emu.ledger().slice(mark).map((e) => `${e.op} ${e.app}${e.scopeId ? ` ${e.scope}:${e.scopeId}` : ""}`);
  beforeAll(async () => {
    emu = await startEmulator({
      dingtalk: {
        apps: [A, B],
        suites: [
          { ...SUITE, authCorpId: CORP_A },
          { ...SUITE, authCorpId: CORP_B },
        ],
      },
    });
    base = { "dingtalk:endpoint": emu.url };
    appA = { ...base, "dingtalk:appKey": A.appKey, "dingtalk:appSecret": A.appSecret };
    appB = { ...base, "dingtalk:appKey": B.appKey, "dingtalk:appSecret": B.appSecret };
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it("delete under another app's config refuses with the recorded identity and the keys, and calls nothing", async () => {
    const mine = (await (await providerFor(appA)).create({ scope: "SPACE", scopeId: "s1", unionId: "u" })).outs!;
    await (await providerFor(appB)).create({ scope: "SPACE", scopeId: "s1", unionId: "u" }); // another stack's subscription, app B
    const mark = emu.ledger().length;
    await expect((await providerFor(appB)).delete("SPACE:s1", mine)).rejects.toMatchObject({
      code: "CONFIG_ERROR",
      keys: ["dingtalk:appKey", "dingtalk:appSecret"],
      message: expect.stringMatching(/SPACE:s1 was made with app dingappkeyA000000001 at .* \(profile "default"\), but that profile now resolves to app dingappkeyB000000002/),
    });
    expect(emu.ledger().length).toBe(mark);
    expect(held()).toEqual([`${A.appKey}/SPACE:s1`, `${B.appKey}/SPACE:s1`]);
  });

  it("an app change under the same profile stops at diff (preview), before anything changes", async () => {
    const outs = (await (await providerFor(appA)).create({ scope: "SPACE", scopeId: "s2", unionId: "u" })).outs!;
    const p = await providerFor(appB);
    const news = (await p.check(outs, { scope: "SPACE", scopeId: "s2", unionId: "u" })).inputs;
    const mark = emu.ledger().length;
    await expect(p.diff("SPACE:s2", outs, news)).rejects.toThrow(/was made with app dingappkeyA000000001.*configure that app as a profile/);
    expect(emu.ledger().length).toBe(mark);
  });

  it("a migration to another profile replaces: new subscription under B first, then the old one removed under A", async () => {
    const outs = (await (await providerFor(appA)).create({ scope: "SPACE", scopeId: "s3", unionId: "u" })).outs!;
    // The next `pulumi up`: both apps configured, the resource now names profile "b".
    const both = { ...appA, "dingtalk:profiles": { b: { appKey: B.appKey, appSecret: B.appSecret } } };
    const p = await providerFor(both);
    const news = (await p.check(outs, { scope: "SPACE", scopeId: "s3", unionId: "u", profile: "b" })).inputs;
    expect(await p.diff("SPACE:s3", outs, news)).toEqual({ changes: true, replaces: ["profile"], deleteBeforeReplace: false });
    const created = await p.create(news);
    expect(created.outs).toMatchObject({ profile: "b", appKey: B.appKey, credentialKind: "app" });
    // The old resource's delete, in the same process: the claim of B's subscription does not protect A's.
    await p.delete("SPACE:s3", outs);
    expect(held()).toEqual([`${B.appKey}/SPACE:s3`]);
  });

  it("the replacement is refused at diff when the old profile no longer resolves to the recorded app", async () => {
    const outs = (await (await providerFor(appA)).create({ scope: "SPACE", scopeId: "s4", unionId: "u" })).outs!;
    // Top level switched to B and B also as a profile: A is configured nowhere.
    const p = await providerFor({ ...appB, "dingtalk:profiles": { b: { appKey: B.appKey, appSecret: B.appSecret } } });
    const mark = emu.ledger().length;
    await expect(p.diff("SPACE:s4", outs, { scope: "SPACE", scopeId: "s4", unionId: "u", profile: "b" })).rejects.toThrow(/was made with app dingappkeyA000000001/);
    expect(emu.ledger().length).toBe(mark);
  });

  it("a profile rename to one of the same identity updates in place, with no replacement", async () => {
    const outs = (await (await providerFor(appA)).create({ scope: "SPACE", scopeId: "s5", unionId: "u" })).outs!;
    const p = await providerFor({ ...appA, "dingtalk:profiles": { a: { appKey: A.appKey, appSecret: A.appSecret } } });
    const news = { scope: "SPACE", scopeId: "s5", unionId: "u", profile: "a" };
    expect(await p.diff("SPACE:s5", outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await p.update("SPACE:s5", outs, news)).outs).toMatchObject({ profile: "a", appKey: A.appKey });
  });

  it("a pre-issued token names no app: a token resource is acted on with a token, never with app credentials", async () => {
    const token = emu.secrets().length; // touch: the emulator issues tokens on demand
    void token;
    const tokenConfig = { ...base, "dingtalk:accessToken": "dtPreIssuedToken-demo-0c6f2e8a4b1d3579" };
    const outs = { scope: "SPACE", scopeId: "s6", unionId: "u", profile: "default", endpoint: `${emu.url}/`, credentialKind: "accessToken" };
    const mark = emu.ledger().length;
    await expect((await providerFor(appA)).delete("SPACE:s6", outs)).rejects.toThrow(/made with a pre-issued access token .*Set dingtalk:accessToken \(DINGTALK_ACCESS_TOKEN\) back/);
    expect(emu.ledger().length).toBe(mark);
    const appOuts = { ...outs, credentialKind: "app", appKey: A.appKey };
    await expect((await providerFor(tokenConfig)).delete("SPACE:s6", appOuts)).rejects.toThrow(/made with app dingappkeyA000000001.*Set dingtalk:appKey/);
    expect(emu.ledger().length).toBe(mark);
  });

  it("unknown profile: check fails naming the profile and every key to set, with no call", async () => {
    const p = await providerFor({ ...appA, "dingtalk:profiles": { other: { appKey: B.appKey } } });
    const mark = emu.ledger().length;
    await expect(p.check({}, { scope: "SPACE", scopeId: "s7", unionId: "u", profile: "isv" })).rejects.toMatchObject({
      code: "CONFIG_ERROR",
      message: expect.stringMatching(/profile "isv" is not configured .*configured: "other".*dingtalk:profiles\.isv\.appKey \(DINGTALK_PROFILES \(isv\.appKey\)\), dingtalk:profiles\.isv\.appSecret/),
    });
    // An incomplete but unused profile is not an error; a used one names its exact missing key.
    expect(await p.check({}, { scope: "SPACE", scopeId: "s7", unionId: "u" })).not.toHaveProperty("failures");
    await expect(p.check({}, { scope: "SPACE", scopeId: "s7", unionId: "u", profile: "other" })).rejects.toThrow(/set dingtalk:profiles\.other\.appSecret/);
    expect(emu.ledger().length).toBe(mark);
  });

  it("a malformed profile map is reported whichever profile is used, naming the key", async () => {
    const p = await providerFor({ ...appA, "dingtalk:profiles": { x: { appKey: B.appKey, appSecrt: "typo-secret-value" } } });
    await expect(p.check({}, { scope: "SPACE", scopeId: "s8", unionId: "u" })).rejects.toThrow(/dingtalk:profiles\.x\.appSecrt is not a setting/);
    const q = await providerFor({ ...appA, "dingtalk:profiles": "{not json" });
    await expect(q.check({}, { scope: "SPACE", scopeId: "s8", unionId: "u" })).rejects.toThrow(/dingtalk:profiles must be a JSON object/);
  });

  it("profiles from DINGTALK_PROFILES (JSON), with nested secrets as the engine sends them", async () => {
    const previous = process.env.DINGTALK_PROFILES;
    process.env.DINGTALK_PROFILES = JSON.stringify({ fromenv: { appKey: B.appKey, appSecret: B.appSecret } });
    try {
      const p = await providerFor(appA);
      const created = await p.create({ scope: "SPACE", scopeId: "s9", unionId: "u", profile: "fromenv" });
      expect(created.outs).toMatchObject({ profile: "fromenv", appKey: B.appKey });
    } finally {
      if (previous === undefined) delete process.env.DINGTALK_PROFILES;
      else process.env.DINGTALK_PROFILES = previous;
    }
    const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
    const p = await providerFor({ ...appA, "dingtalk:profiles": { b: { appKey: B.appKey, appSecret: secret(B.appSecret) } } });
    expect((await p.create({ scope: "SPACE", scopeId: "s10", unionId: "u", profile: "b" })).outs).toMatchObject({ appKey: B.appKey });
    expect(held()).toEqual([`${B.appKey}/SPACE:s10`, `${B.appKey}/SPACE:s9`]);
  });

  it("a profile's errors name its own keys: a refused token names dingtalk:profiles.b.*, a bad character fails at check", async () => {
    const p = await providerFor({ ...appA, "dingtalk:profiles": { b: { appKey: B.appKey, appSecret: "wrong-secret-value" } } });
    const refused = p.create({ scope: "SPACE", scopeId: "k1", unionId: "u", profile: "b" });
    await expect(refused).rejects.toMatchObject({
      code: "AUTH_ERROR",
      keys: ["dingtalk:profiles.b.appKey", "dingtalk:profiles.b.appSecret"],
      // The advice names the profile's keys too, not the top-level ones it does not use.
      message: expect.stringContaining("Check dingtalk:profiles.b.appKey and dingtalk:profiles.b.appSecret."),
    });
    await expect(refused).rejects.not.toThrow(/dingtalk:app(Key|Secret)/);
    const q = await providerFor({ ...appA, "dingtalk:profiles": { b: { appKey: B.appKey, appSecret: "bad\nsecret-value" } } });
    const mark = emu.ledger().length;
    await expect(q.check({}, { scope: "SPACE", scopeId: "k1", unionId: "u", profile: "b" })).rejects.toThrow(/dingtalk:profiles\.b\.appSecret .*contains U\+000A/);
    // A character an HTTP header cannot carry (a pasted zero-width space) is refused at check too, naming the profile's key, never the value.
    const z = await providerFor({ ...appA, "dingtalk:profiles": { b: { appKey: B.appKey, appSecret: "zero-width\u200bsecret" } } });
    const refusal = z.check({}, { scope: "SPACE", scopeId: "k1", unionId: "u", profile: "b" });
    await expect(refusal).rejects.toThrow(/dingtalk:profiles\.b\.appSecret .*U\+200B/);
    await expect(refusal).rejects.not.toThrow(/zero-width\u200bsecret/);
    expect(emu.ledger().length).toBe(mark);
  });

  it("one suite profile serves two organizations, each with its own token and recorded organization", async () => {
    const isv = { ...base, "dingtalk:profiles": { isv: { ...SUITE } } };
    const p = await providerFor(isv);
    const a = await p.create((await p.check({}, { scope: "ORG", scopeId: CORP_A, unionId: "u", profile: "isv" })).inputs);
    const b = await p.create((await p.check({}, { scope: "SPACE", scopeId: "sp-b", unionId: "u", profile: "isv", authCorpId: CORP_B })).inputs);
    expect(a.outs).toMatchObject({ profile: "isv", credentialKind: "suite", suiteKey: SUITE.suiteKey, authCorpId: CORP_A });
    expect(b.outs).toMatchObject({ profile: "isv", credentialKind: "suite", suiteKey: SUITE.suiteKey, authCorpId: CORP_B });
    // Two organizations never share a token: one corpAccessToken per organization.
    const tokenCorps = emu.ledger().filter((e) => e.op === "token").length;
    expect(tokenCorps).toBe(2);
    // SPACE with a suite profile that names no organization: the property is named at check.
    const bad = await p.check({}, { scope: "SPACE", scopeId: "sp", unionId: "u", profile: "isv" });
    expect(bad.failures?.[0]).toMatchObject({ property: "authCorpId", reason: expect.stringMatching(/serving many organizations: set authCorpId/) });
    const appOnly = await (await providerFor(appA)).check({}, { scope: "SPACE", scopeId: "sp", unionId: "u", authCorpId: CORP_B });
    expect(appOnly.failures?.[0]).toMatchObject({ property: "authCorpId" });
    // Deletes act for the recorded organization.
    await (await providerFor(isv)).delete(b.id, b.outs!);
    await (await providerFor(isv)).delete(a.id, a.outs!);
    expect(held()).toEqual([]);
  });

  it("changing authCorpId replaces; the old organization's subscription is removed under its own organization", async () => {
    const isv = { ...base, "dingtalk:profiles": { isv: { ...SUITE } } };
    const old = await (await providerFor(isv)).create({ scope: "SPACE", scopeId: "sp-x", unionId: "u", profile: "isv", authCorpId: CORP_A });
    const p = await providerFor(isv);
    const news = { scope: "SPACE", scopeId: "sp-x", unionId: "u", profile: "isv", authCorpId: CORP_B };
    expect((await p.diff(old.id, old.outs!, news)).replaces).toEqual(["authCorpId"]);
    await p.create(news);
    const mark = emu.ledger().length;
    await p.delete(old.id, old.outs!);
    // Not "kept": the claim of corp B's subscription does not cover corp A's. (The emulator keys a suite's
    // subscriptions by suiteKey, not by organization, so it cannot show which one is left.)
    expect(calls(mark).filter((c) => !c.startsWith("token"))).toEqual([`unsubscribe ${SUITE.suiteKey} SPACE:sp-x`]);
  });

  it("unknown profile or authCorpId at preview: check and diff pass and propose a replacement", async () => {
    const p = await providerFor(appA);
    expect((await p.check({}, { scope: "ORG", scopeId: CORP_A, unionId: "u", profile: UNKNOWN })).failures).toBeUndefined();
    const outs = { scope: "ORG", scopeId: CORP_A, unionId: "u", endpoint: `${emu.url}/`, credentialKind: "app", appKey: A.appKey };
    expect((await p.diff("ORG:x", outs, { scope: "ORG", scopeId: CORP_A, unionId: "u", profile: UNKNOWN })).replaces).toContain("profile");
  });

  it("create: an answer lost on every attempt records the resource (id, outputs); a refusal records nothing", async () => {
    const tuned = { ...appA, "dingtalk:maxAttempts": "2", "dingtalk:requestTimeoutMs": "1000" };
    emu.setFaults({ script: [{ fault: "applied-drop", vendor: "dingtalk", op: "subscribe", times: 2 }] });
    const error = await (await providerFor(tuned)).create({ scope: "SPACE", scopeId: "lost", unionId: "u" }).then(() => undefined, (e) => e);
    expect(error).toMatchObject({ id: "SPACE:lost", properties: { scope: "SPACE", scopeId: "lost", unionId: "u", appKey: A.appKey, unconfirmed: true } });
    expect(held()).toEqual([`${A.appKey}/SPACE:lost`]);
    // The next up updates it (diff says so) and re-subscribes; a destroy would unsubscribe it.
    const p = await providerFor(appA);
    expect((await p.diff("SPACE:lost", error.properties, { scope: "SPACE", scopeId: "lost", unionId: "u" })).changes).toBe(true);
    await p.delete("SPACE:lost", error.properties);
    expect(held()).toEqual([]);
    emu.setFaults({ script: [{ fault: "scope-denied", vendor: "dingtalk", op: "subscribe", times: 1 }] });
    const refused = await (await providerFor(tuned)).create({ scope: "SPACE", scopeId: "lost", unionId: "u" }).then(() => undefined, (e) => e);
    expect(refused.message).toMatch(/AccessTokenPermissionDenied/);
    expect(refused.id).toBeUndefined();
  });

  it("read of a resource taken with .get() or imported rebuilds scope and scopeId from the id; delete without a unionId says what to do", async () => {
    const p = await providerFor(appA);
    const read = await p.read("SPACE:imported", {});
    expect(read.inputs).toMatchObject({ scope: "SPACE", scopeId: "imported" });
    expect(read.props).toMatchObject({ scope: "SPACE", scopeId: "imported" });
    await expect(p.read("TEAM:x", {})).rejects.toThrow(/is not ORG:<corpId> or SPACE:<spaceId>/);
    await expect(p.delete("SPACE:imported", read.props)).rejects.toMatchObject({
      code: "CONFIG_ERROR",
      message: expect.stringMatching(/no valid unionId .*Declare it in the program with scope, scopeId and unionId/),
    });
    // With the unionId (a .get() with args), it can be deleted.
    await p.create({ scope: "SPACE", scopeId: "imported", unionId: "u" });
    const withUnion = await p.read("SPACE:imported", { unionId: "u" });
    await (await providerFor(appA)).delete("SPACE:imported", withUnion.props);
    expect(held()).toEqual([]);
  });

  it.each([
    ["scopeId", "abc\u202efdp", /bidirectional-control or zero-width/],
    ["scopeId", "a\u200bb", /bidirectional-control or zero-width/],
    ["unionId", "\ud800x", /lone surrogate/],
    ["authCorpId", "\udc00", /lone surrogate/],
    ["profile", "a b", /profile must start with a letter/],
  ])("check rejects %s %j naming the property, with no call", async (property, value, reason) => {
    const p = await providerFor({ ...base, "dingtalk:profiles": { isv: { ...SUITE } } });
    const r = await p.check({}, { scope: "SPACE", scopeId: "s", unionId: "u", profile: "isv", authCorpId: CORP_A, [property]: value });
    expect(r.failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    expect(emu.ledger()).toEqual([]);
  });

  it("an old (v0.1) state, with no profile recorded, is read, updated and deleted without a replacement", async () => {
    // The outputs of 65b0b4e: scope, scopeId, unionId, endpoint, credentialKind, appKey.
    const v01 = { scope: "SPACE", scopeId: "old", unionId: "u", endpoint: `${emu.url}/`, credentialKind: "app", appKey: A.appKey };
    const p = await providerFor(appA);
    expect((await p.read("SPACE:old", v01)).inputs).toEqual({ scope: "SPACE", scopeId: "old", unionId: "u" });
    const same = (await p.check({ scope: "SPACE", scopeId: "old", unionId: "u" }, { scope: "SPACE", scopeId: "old", unionId: "u" })).inputs;
    expect(await p.diff("SPACE:old", v01, same)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const news = { scope: "SPACE", scopeId: "old", unionId: "u2" };
    expect(await p.diff("SPACE:old", v01, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await p.update("SPACE:old", v01, news);
    expect(updated.outs).toMatchObject({ profile: "default", unionId: "u2", appKey: A.appKey });
    await (await providerFor(appA)).delete("SPACE:old", updated.outs);
    expect(held()).toEqual([]);
  });
});

describe("DingTalk profile settings", () => {
  it("a profile inherits the endpoint and tuning options; its own bad option is named by its own key", async () => {
    const values: Record<string, unknown> = {
      "dingtalk:endpoint": "https://api.dingtalk.io",
      "dingtalk:maxQps": "7",
      "dingtalk:profiles": { p: { appKey: "k", appSecret: "s-secret-value" }, bad: { appKey: "k", appSecret: "s", maxQps: "fast" } },
    };
    const profiles = new ConfiguredProfiles(DINGTALK_PROFILE_SPEC, readDingTalkSettings, {});
    profiles.configure(configOf(values));
    const p = profiles.get("p");
    expect(p.endpoint.href).toBe("https://api.dingtalk.io/");
    expect(p.options.maxQps).toBe(7);
    expect(p.identity).toEqual({ credentialKind: "app", appKey: "k" });
    expect(() => profiles.get("bad")).toThrow(/dingtalk:profiles\.bad\.maxQps must be a number/);
    // The default profile has no credentials: only a resource that uses it fails.
    expect(() => profiles.get()).toThrow(/DingTalk credentials are missing/);
  });
});
