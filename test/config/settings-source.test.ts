import { describe, expect, it } from "vitest";
import { SettingsSource } from "../../provider/config/settings-source";
import { ConfigError } from "../../provider/core/errors";
import { DingTalkProvider } from "../../provider/dingtalk/provider";
import { readDingTalkSettings } from "../../provider/dingtalk/settings";
import { FeishuProvider } from "../../provider/feishu/provider";
import { caught, thrown } from "../core/helpers";

// Issue 9, section 7: a credential with a character HTTP headers cannot carry fails when the
// settings are read (at preview, in check) as a ConfigError naming the key, never echoing it.

function config(values: Record<string, string>) {
  return { get: (k: string) => values[k], require: (k: string) => values[k]! };
}

describe("settings with characters HTTP cannot carry", () => {
  it("a zero-width space in dingtalk:accessToken is a ConfigError naming the key", () => {
    const value = "pre-issued-token-0123456789\u200b";
    const error = thrown(() => readDingTalkSettings(new SettingsSource(config({ "dingtalk:accessToken": value }) as never, {}))) as ConfigError;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.keys).toEqual(["dingtalk:accessToken"]);
    expect(error.message).toContain("U+200B");
    expect(error.message).not.toContain("pre-issued-token");
  });

  it("the same from the environment names the variable too", () => {
    const error = thrown(() =>
      readDingTalkSettings(new SettingsSource(undefined, { DINGTALK_APP_KEY: "dingkey", DINGTALK_APP_SECRET: "sec\u00a0ret-value-1234" })),
    ) as ConfigError;
    expect(error.keys).toEqual(["dingtalk:appSecret"]);
    expect(error.message).toContain("DINGTALK_APP_SECRET");
  });

  it("fails DingTalk check at preview, before any vendor call", async () => {
    const p = new DingTalkProvider();
    await p.configure({
      config: config({ "dingtalk:endpoint": "http://127.0.0.1:9", "dingtalk:appKey": "dingkey", "dingtalk:appSecret": "app-secret\u200b-1234" }),
    } as never);
    const error = await caught(() => p.check({}, { scope: "ORG", scopeId: "ding1", unionId: "u1" }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).keys).toEqual(["dingtalk:appSecret"]);
  });

  it("fails Feishu check at preview when feishu:tenantAccessToken carries a zero-width space", async () => {
    const p = new FeishuProvider();
    await p.configure({
      config: config({
        "feishu:endpoint": "http://127.0.0.1:9",
        "feishu:tenantAccessToken": "t-\u200bg1044ghJRUIJJ5ELPPDAOSFWTRB2EMKSNXTAFCKC",
        "feishu:helpdeskId": "7001",
        "feishu:helpdeskToken": "hd-token-0123456789",
      }),
    } as never);
    const error = await caught(() => p.check({}, { events: [{ type: "helpdesk.ticket", subtype: "ticket.created_v1" }] }));
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).keys).toEqual(["feishu:tenantAccessToken"]);
  });

  it("plain ASCII values pass", () => {
    const s = new SettingsSource(config({ "dingtalk:appKey": " dingkey " }) as never, {});
    expect(s.get("dingtalk:appKey", "DINGTALK_APP_KEY")).toBe("dingkey");
  });
});
