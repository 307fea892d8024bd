import { describe, expect, it } from "vitest";
import { readClientOptions } from "../../provider/config/client-options";
import { SettingsSource } from "../../provider/config/settings-source";
import { ConfigError } from "../../provider/core/errors";
import { readDingTalkSettings } from "../../provider/dingtalk/settings";
import { readFeishuSettings } from "../../provider/feishu/settings";
import { thrown } from "../core/helpers";

// Issue 9, section 7: tuning-option errors name the full key, carry it in `keys`, and only
// plain decimal numbers are read.

function source(values: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return new SettingsSource({ get: (k: string) => values[k], require: (k: string) => values[k]! } as never, env);
}
const DINGTALK_APP = { "dingtalk:appKey": "dingkey", "dingtalk:appSecret": "app-secret-options-1234" };
const FEISHU_APP = {
  "feishu:appId": "cli_options",
  "feishu:appSecret": "app-secret-options-5678",
  "feishu:helpdeskId": "7001",
  "feishu:helpdeskToken": "hd-token-options-5678",
};

describe("tuning options read from stack config", () => {
  it("a value out of range names dingtalk:maxQps, in the message and in keys", () => {
    const error = thrown(() => readDingTalkSettings(source({ ...DINGTALK_APP, "dingtalk:maxQps": "5000" }))) as ConfigError;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.keys).toEqual(["dingtalk:maxQps"]);
    expect(error.message).toMatch(/^dingtalk:maxQps \(DINGTALK_MAX_QPS\) must be a number from 0\.1 to 1000/);
  });

  it("names feishu:maxAttempts for Feishu", () => {
    const error = thrown(() => readFeishuSettings(source({ ...FEISHU_APP, "feishu:maxAttempts": "0" }))) as ConfigError;
    expect(error.keys).toEqual(["feishu:maxAttempts"]);
    expect(error.message).toContain("feishu:maxAttempts");
  });

  it("NaN carries its key", () => {
    const error = thrown(() => readClientOptions(source({ "dingtalk:maxQps": "NaN" }), "dingtalk", "DINGTALK")) as ConfigError;
    expect(error.keys).toEqual(["dingtalk:maxQps"]);
  });

  it.each(["0x10", "0b11", "0o7", "Infinity", "1_000", "12abc", " "])("rejects %j", (raw) => {
    if (raw.trim() === "") {
      expect(readClientOptions(source({ "dingtalk:maxAttempts": raw }), "dingtalk", "DINGTALK")).toEqual({});
      return;
    }
    const error = thrown(() => readClientOptions(source({ "dingtalk:maxAttempts": raw }), "dingtalk", "DINGTALK")) as ConfigError;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.keys).toEqual(["dingtalk:maxAttempts"]);
  });

  it("reads plain decimals from config and environment", () => {
    expect(readClientOptions(source({ "dingtalk:maxQps": "2.5" }, { DINGTALK_MAX_ATTEMPTS: "3" }), "dingtalk", "DINGTALK")).toEqual({
      maxQps: 2.5,
      maxAttempts: 3,
    });
  });

  it("an environment variable out of range is named both ways", () => {
    const error = thrown(() => readClientOptions(source({}, { FEISHU_REQUEST_TIMEOUT_MS: "1" }), "feishu", "FEISHU")) as ConfigError;
    expect(error.keys).toEqual(["feishu:requestTimeoutMs"]);
    expect(error.message).toContain("FEISHU_REQUEST_TIMEOUT_MS");
  });
});
