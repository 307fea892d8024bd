import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startEmulator, type Emulator } from "../../provider/emulator";
import { dingTalkEvents, post } from "./helpers";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("startEmulator options", () => {
  it("binds 127.0.0.1 on a random port by default", async () => {
    emu = await startEmulator();
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.port).toBeGreaterThan(0);
  });

  it("replaces only the credential lists it is given", async () => {
    emu = await startEmulator({
      dingtalk: { apps: [{ appKey: "mykey", appSecret: "my-secret-123456", corpId: "ding-corp-mine" }] },
    });
    const token = await post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: "mykey", appSecret: "my-secret-123456" });
    expect(token.status).toBe(200);
    const old = await post(`${emu.url}/v1.0/oauth2/accessToken`, {
      appKey: DEFAULT_CREDENTIALS.dingtalk.apps[0]!.appKey,
      appSecret: DEFAULT_CREDENTIALS.dingtalk.apps[0]!.appSecret,
    });
    expect(old.body.code).toBe("invalidClientIdOrSecret");
    const org = await dingTalkEvents(emu, "subscribe", token.body.accessToken, { scope: "ORG", scopeId: "ding-corp-mine" });
    expect(org.status).toBe(200);
    // Suites still come from the defaults.
    expect(emu.secrets()).toContain(DEFAULT_CREDENTIALS.dingtalk.suites[0]!.suiteSecret);
    expect(emu.secrets()).toContain("my-secret-123456");
  });

  it("rejects invalid options with a message naming the option", async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(/port/);
    await expect(startEmulator({ tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtlSeconds/);
    await expect(startEmulator({ dingtalk: { apps: [{ appKey: "", appSecret: "s", corpId: "c" }] } })).rejects.toThrow(
      /dingtalk\.apps\.0\.appKey/,
    );
    await expect(startEmulator({ faults: { failureRate: -1 } })).rejects.toThrow(/failureRate/);
  });

  it("stop() is idempotent and refuses new connections", async () => {
    const e = await startEmulator();
    await e.stop();
    await e.stop();
    await expect(fetch(`${e.url}/_emulator/state`)).rejects.toThrow();
  });

  it("DEFAULT_CREDENTIALS is frozen and every DingTalk identity acts for ding-corp-demo", () => {
    expect(Object.isFrozen(DEFAULT_CREDENTIALS.dingtalk.apps[0])).toBe(true);
    expect(DEFAULT_CREDENTIALS.dingtalk.apps[0]!.corpId).toBe("ding-corp-demo");
    expect(DEFAULT_CREDENTIALS.dingtalk.suites[0]!.authCorpId).toBe("ding-corp-demo");
    expect(DEFAULT_CREDENTIALS.dingtalk.preIssuedTokens[0]!.corpId).toBe("ding-corp-demo");
  });
});
