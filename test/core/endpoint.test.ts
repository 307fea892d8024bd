import { describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/core/errors";
import { isLoopbackHost, joinEndpoint, nonStandardEndpointNotice, parseEndpoint } from "../../provider/core/endpoint";

function rejection(value: string, option = "dingtalk:endpoint"): ConfigError {
  try {
    parseEndpoint(value, option);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error(`${value} was accepted`);
}

describe("parseEndpoint", () => {
  it.each([
    ["https://api.dingtalk.com", "https://api.dingtalk.com/"],
    ["https://api.dingtalk.com/", "https://api.dingtalk.com/"],
    ["https://gw.example.com/dingtalk///", "https://gw.example.com/dingtalk"],
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080/"],
    ["http://127.9.8.7:1", "http://127.9.8.7:1/"],
    ["http://localhost:3000", "http://localhost:3000/"],
    ["http://[::1]:3000", "http://[::1]:3000/"],
  ])("accepts %s", (input, href) => {
    expect(parseEndpoint(input, "dingtalk:endpoint").href).toBe(href);
  });

  it.each([
    ["http://api.dingtalk.com", /must use https: .*got host api.dingtalk.com/],
    ["http://128.0.0.1", /must use https:/],
    ["http://localhost.example.com", /must use https:/],
    ["http://evil.localhost:8080", /must use https: .*got host evil.localhost/],
    ["ftp://api.dingtalk.com", /must use https: \(got ftp:\)/],
    ["https://user:pw@api.dingtalk.com", /must not contain credentials/],
    ["https://api.dingtalk.com/?a=1", /query/],
    ["https://api.dingtalk.com/?", /query/],
    ["https://api.dingtalk.com/#x", /fragment/],
    ["not a url", /absolute URL/],
  ])("rejects %s, naming the option", (input, pattern) => {
    const error = rejection(input);
    expect(error.message).toMatch(/^dingtalk:endpoint /);
    expect(error.message).toMatch(pattern);
    expect(error.keys).toEqual(["dingtalk:endpoint"]);
  });

  it("never echoes credentials", () => {
    expect(rejection("https://user:topsecretpw@api.dingtalk.com").message).not.toContain("topsecretpw");
  });

  it("joins paths under a prefix", () => {
    const base = parseEndpoint("https://gw.example.com/dingtalk/", "x");
    expect(joinEndpoint(base, "/v1.0/a", "unionId=u%201").href).toBe("https://gw.example.com/dingtalk/v1.0/a?unionId=u%201");
    expect(joinEndpoint(parseEndpoint("https://api.dingtalk.com", "x"), "/v1.0/a").href).toBe("https://api.dingtalk.com/v1.0/a");
  });

  it("knows loopback hosts: localhost and IP literals only", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("10.0.0.1")).toBe(false);
    expect(isLoopbackHost("127.example.com")).toBe(false);
    // A name under .localhost resolves wherever the resolver or a proxy says.
    expect(isLoopbackHost("evil.localhost")).toBe(false);
    expect(isLoopbackHost("a.b.LOCALHOST")).toBe(false);
  });
});

describe("parseEndpoint: API paths in a vendor endpoint", () => {
  it.each([
    ["feishu:endpoint", "https://open.feishu.cn/open-apis", "https://open.feishu.cn"],
    ["feishu:endpoint", "https://open.feishu.cn/open-apis/", "https://open.feishu.cn"],
    ["feishu:endpoint", "https://open.larksuite.com/open-apis/helpdesk/v1", "https://open.larksuite.com"],
    ["feishu:endpoint", "https://open.feishu.cn/anything", "https://open.feishu.cn"],
    ["feishu:endpoint", "https://gw.example.com/feishu/open-apis", "https://gw.example.com/feishu"],
    ["feishu:endpoint", "http://127.0.0.1:8787/open-apis", "http://127.0.0.1:8787"],
    ["dingtalk:endpoint", "https://api.dingtalk.com/v1.0", "https://api.dingtalk.com"],
    ["dingtalk:endpoint", "https://api.dingtalk.io/v1.0/storage/events", "https://api.dingtalk.io"],
    ["dingtalk:endpoint", "https://API.DINGTALK.COM/oapi", "https://api.dingtalk.com"],
    ["dingtalk:endpoint", "https://gw.example.com/dt/v1.0/", "https://gw.example.com/dt"],
    ["dingtalk:endpoint", "http://localhost:8787/v2.0", "http://localhost:8787"],
  ])("%s %s is refused, naming %s", (option, input, suggestion) => {
    const error = rejection(input, option);
    expect(error.keys).toEqual([option]);
    expect(error.message).toMatch(new RegExp(`^${option} must be the API host without an API path`));
    expect(error.message).toContain(`Set it to ${suggestion}: pulumi config set ${option} ${suggestion}`);
    // The suggested value is itself accepted.
    expect(parseEndpoint(suggestion, option).origin).toBe(new URL(suggestion).origin);
  });

  it.each([
    ["feishu:endpoint", "https://gw.example.com/feishu"],
    ["dingtalk:endpoint", "https://gw.example.com/dingtalk/"],
    ["dingtalk:endpoint", "https://gw.example.com/v1"],
  ])("%s %s (a gateway prefix) is accepted", (option, input) => {
    expect(() => parseEndpoint(input, option)).not.toThrow();
  });

  it("applies no vendor path rules to other options", () => {
    expect(parseEndpoint("https://open.feishu.cn/open-apis", "endpoint").pathname).toBe("/open-apis");
  });
});

describe("nonStandardEndpointNotice", () => {
  const notice = (value: string, vendor: "dingtalk" | "feishu") =>
    nonStandardEndpointNotice(parseEndpoint(value, `${vendor}:endpoint`), vendor, `${vendor}:endpoint`);

  it("is silent for the documented hosts and for loopback", () => {
    for (const v of ["https://api.dingtalk.com", "https://api.dingtalk.io/", "http://127.0.0.1:8787", "http://localhost:1"]) {
      expect(notice(v, "dingtalk")).toBeUndefined();
    }
    for (const v of ["https://open.feishu.cn", "https://open.larksuite.com", "http://[::1]:9"]) {
      expect(notice(v, "feishu")).toBeUndefined();
    }
  });

  it("names the endpoint and the documented hosts otherwise", () => {
    expect(notice("https://gw.example.com/dt", "dingtalk")).toBe(
      "dingtalk:endpoint is https://gw.example.com/dt, not one of DingTalk's documented hosts " +
        "(https://api.dingtalk.com, https://api.dingtalk.io); using it as configured.",
    );
    expect(notice("https://open.feishu.cn.example.net", "feishu")).toMatch(/^feishu:endpoint is https:\/\/open.feishu.cn.example.net, not one of Feishu's documented hosts \(https:\/\/open.feishu.cn, https:\/\/open.larksuite.com\)/);
    // The other vendor's host is not standard either.
    expect(notice("https://api.dingtalk.com", "feishu")).toBeDefined();
  });
});
