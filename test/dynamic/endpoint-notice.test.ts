import { describe, expect, it } from "vitest";
import { noticeNonStandardEndpoint } from "../../provider/dynamic/endpoint-notice";
import type { Logger } from "../../provider/core/logger";

const setting = { config: "feishu:endpoint", env: "FEISHU_ENDPOINT" };

function collect(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { info() {}, debug() {}, warn: (m) => void warnings.push(m) } };
}

const req = (endpoint?: string) => ({ config: { get: (k: string) => (k === "feishu:endpoint" ? endpoint : undefined) } }) as any;

describe("noticeNonStandardEndpoint", () => {
  it("says once per process that a gateway host is non-standard", () => {
    const { logger, warnings } = collect();
    for (let i = 0; i < 3; i++) noticeNonStandardEndpoint("feishu", setting, req("https://gw.example.com/feishu"), logger, {});
    expect(warnings).toEqual([
      "feishu:endpoint is https://gw.example.com/feishu, not one of Feishu's documented hosts (https://open.feishu.cn, https://open.larksuite.com); using it as configured.",
    ]);
  });

  it("reads the environment variable when the config key is unset", () => {
    const { logger, warnings } = collect();
    noticeNonStandardEndpoint("feishu", setting, req(undefined), logger, { FEISHU_ENDPOINT: "https://proxy.example.net" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^feishu:endpoint is https:\/\/proxy.example.net, not one of/);
  });

  it("is silent for documented hosts, loopback, unset and invalid values", () => {
    const { logger, warnings } = collect();
    for (const value of ["https://open.larksuite.com", "http://127.0.0.1:8787", "http://localhost:1", undefined, "http://evil.example.com", "https://open.feishu.cn/open-apis"]) {
      noticeNonStandardEndpoint("feishu", setting, req(value), logger, {});
    }
    expect(warnings).toEqual([]);
  });
});

describe("noticeNonStandardEndpoint with profiles", () => {
  const spec = { namespace: "feishu", envVar: "FEISHU_PROFILES", keys: ["appId", "appSecret", "helpdeskId", "helpdeskToken", "endpoint"], inherited: ["endpoint"], secrets: [] };
  const withProfiles = (profiles: unknown) => ({ config: { get: (k: string) => (k === "feishu:profiles" ? profiles : undefined) } }) as any;

  it("names each profile's own non-standard endpoint once, from the stack config and from the environment", () => {
    const { logger, warnings } = collect();
    const req = withProfiles({ hr: { endpoint: "https://gw.example.com/hr" }, lark: { endpoint: "https://open.larksuite.com" }, plain: { appId: "cli_x" } });
    const env = { FEISHU_PROFILES: JSON.stringify({ ops: { endpoint: "https://proxy.example.net" } }) };
    for (let i = 0; i < 2; i++) noticeNonStandardEndpoint("feishu", setting, req, logger, env, spec);
    expect(warnings).toEqual([
      "FEISHU_PROFILES (ops.endpoint) is https://proxy.example.net, not one of Feishu's documented hosts (https://open.feishu.cn, https://open.larksuite.com); using it as configured.",
      "feishu:profiles.hr.endpoint is https://gw.example.com/hr, not one of Feishu's documented hosts (https://open.feishu.cn, https://open.larksuite.com); using it as configured.",
    ]);
  });

  it("leaves a malformed profile map to the settings' own error", () => {
    const { logger, warnings } = collect();
    expect(() => noticeNonStandardEndpoint("feishu", setting, withProfiles("{not json"), logger, {}, spec)).not.toThrow();
    expect(warnings).toEqual([]);
  });
});
