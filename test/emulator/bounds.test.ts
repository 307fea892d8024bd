import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../provider/emulator";
import { CORP, DT, FS, dingTalkEvents, get, post } from "./helpers";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const suite = DT.suites[0]!;
const suiteBody = { suiteKey: suite.suiteKey, suiteSecret: suite.suiteSecret, authCorpId: suite.authCorpId, suiteTicket: suite.suiteTicket };
const suiteToken = async (e: Emulator): Promise<string> =>
  (await post(`${e.url}/v1.0/oauth2/corpAccessToken`, suiteBody)).body.accessToken as string;

describe("bounded memory", () => {
  it("keeps the newest ledgerLimit entries; seq and the state counters keep counting", async () => {
    emu = await startEmulator({ ledgerLimit: 3 });
    for (let i = 0; i < 5; i += 1) await suiteToken(emu);
    expect(emu.ledger().map((e) => e.seq)).toEqual([3, 4, 5]);
    const state = (await get(`${emu.url}/_emulator/state`)).body;
    expect(state.counters).toMatchObject({ calls: 5, dingtalk: 5, feishu: 0 });
    emu.reset();
    expect(emu.state().counters).toMatchObject({ calls: 0, dingtalk: 0 });
  });

  it("keeps the newest tokenLimit issued tokens (pre-issued ones always); a forgotten token is refused as invalid", async () => {
    emu = await startEmulator({ tokenLimit: 2 });
    const first = await suiteToken(emu);
    const second = await suiteToken(emu);
    const third = await suiteToken(emu);
    const tokens = emu.issuedTokens();
    expect(tokens).toEqual(expect.arrayContaining([DT.preIssuedTokens[0]!.token, second, third]));
    expect(tokens).not.toContain(first);
    const refused = await dingTalkEvents(emu, "subscribe", first, { scope: "ORG", scopeId: CORP });
    expect([refused.status, refused.body.code]).toEqual([400, "InvalidAuthentication"]);
    expect((await dingTalkEvents(emu, "subscribe", third, { scope: "ORG", scopeId: CORP })).status).toBe(200);
    expect((await dingTalkEvents(emu, "subscribe", DT.preIssuedTokens[0]!.token, { scope: "ORG", scopeId: CORP })).status).toBe(200);
  });

  it("forgets the internal app's current token past the limit, and issues a new one when re-asked", async () => {
    emu = await startEmulator({ tokenLimit: 1 });
    const body = { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret };
    const app = (await post(`${emu.url}/v1.0/oauth2/accessToken`, body)).body.accessToken;
    await suiteToken(emu);
    const again = (await post(`${emu.url}/v1.0/oauth2/accessToken`, body)).body.accessToken;
    expect(again).not.toBe(app);
    expect((await dingTalkEvents(emu, "subscribe", again, { scope: "ORG", scopeId: CORP })).status).toBe(200);
  });

  it("masks configured secrets and every token it keeps, found by shape wherever they sit; forgotten tokens are not", async () => {
    emu = await startEmulator({ tokenLimit: 3 });
    const forgotten = await suiteToken(emu);
    const fsToken = (await post(`${emu.url}/open-apis/auth/v3/tenant_access_token/internal`, { app_id: FS.apps[0]!.appId, app_secret: FS.apps[0]!.appSecret })).body.tenant_access_token as string;
    const kept = await suiteToken(emu);
    const live = await suiteToken(emu);
    expect(emu.issuedTokens()).not.toContain(forgotten);
    // A caller that pastes values where an id belongs, alone or inside other text.
    const pasted = [live, `ab${kept}cd`, `x${fsToken}y`, `${kept}${live}`, suite.suiteSecret, forgotten];
    for (const unionId of pasted) await dingTalkEvents(emu, "subscribe", live, { scope: "SPACE", scopeId: "s" }, unionId);
    expect(emu.ledger().filter((e) => e.op === "subscribe").map((e) => e.unionId)).toEqual(["***", "ab***cd", "x***y", "******", "***", forgotten]);
  });

  it("rejects invalid limits naming the option", async () => {
    await expect(startEmulator({ ledgerLimit: 0 })).rejects.toThrow(/ledgerLimit/);
    await expect(startEmulator({ tokenLimit: 1.5 })).rejects.toThrow(/tokenLimit/);
    await expect(startEmulator({ feishuEventPairs: "any" as never })).rejects.toThrow(/feishuEventPairs/);
  });
});
