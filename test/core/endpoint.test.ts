import { describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/core/errors";
import { isLoopbackHost, joinEndpoint, parseEndpoint } from "../../provider/core/endpoint";

function rejection(value: string): ConfigError {
  try {
    parseEndpoint(value, "dingtalk:endpoint");
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

  it("knows loopback hosts", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("10.0.0.1")).toBe(false);
    expect(isLoopbackHost("127.example.com")).toBe(false);
  });
});
