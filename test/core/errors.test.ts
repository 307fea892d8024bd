import { describe, expect, it } from "vitest";
import {
  AuthError,
  ConfigError,
  NetworkError,
  ProviderError,
  TimeoutError,
  VendorApiError,
} from "../../provider/core/errors";
import { registerSecret } from "../../provider/core/redact";

const ctx = { vendor: "dingtalk" as const, operation: "subscribe", target: "ORG:ding123" };

describe("VendorApiError", () => {
  it("formats what was attempted, on what, the vendor's answer and what to do", () => {
    const error = new VendorApiError(
      ctx,
      { httpStatus: 403, vendorCode: "permissionDenied", vendorMessage: "no permission.", requestId: "abc" },
      "Grant the app Storage.Event.Write.",
    );
    expect(error.message).toBe(
      "DingTalk subscribe ORG:ding123 failed: 403 permissionDenied: no permission (request id abc). Grant the app Storage.Event.Write.",
    );
    expect(error.code).toBe("VENDOR_API_ERROR");
    expect(error.name).toBe("VendorApiError");
    expect(error).toMatchObject({ vendor: "dingtalk", httpStatus: 403, vendorCode: "permissionDenied", requestId: "abc" });
  });

  it("calls Feishu's id a log id", () => {
    const error = new VendorApiError(
      { vendor: "feishu", operation: "subscribe", target: "helpdesk:1" },
      { httpStatus: 403, vendorCode: "154003", vendorMessage: "no access", requestId: "2024LOG" },
    );
    expect(error.message).toBe("Feishu subscribe helpdesk:1 failed: 403 154003: no access (log id 2024LOG).");
  });

  it("redacts registered secrets from the message and the vendor message", () => {
    registerSecret("tok-errors-test-0123456789");
    const error = new VendorApiError(ctx, { httpStatus: 401, vendorMessage: "token tok-errors-test-0123456789 is invalid" });
    expect(error.message).not.toContain("tok-errors-test-0123456789");
    expect(error.vendorMessage).toBe("token [redacted] is invalid");
  });
});

describe("error families", () => {
  it("keep a stable code and a cause", () => {
    const cause = new Error("socket hang up");
    const network = new NetworkError({ ...ctx, host: "api.dingtalk.com", detail: "ECONNRESET" }, { cause });
    const timeout = new TimeoutError({ ...ctx, host: "api.dingtalk.com", phase: "deadline", timeoutMs: 15000 }, { cause });
    expect(network.code).toBe("NETWORK_ERROR");
    expect(network.cause).toBe(cause);
    expect(network.message).toMatch(/^DingTalk subscribe ORG:ding123 failed: network error reaching api.dingtalk.com \(ECONNRESET\)/);
    expect(timeout.code).toBe("TIMEOUT_ERROR");
    expect(timeout.message).toBe(
      "DingTalk subscribe ORG:ding123 failed: api.dingtalk.com did not answer within 15000 ms (deadline timeout).",
    );
    expect(new AuthError({ vendor: "feishu", message: "x", keys: ["feishu:appId"] }).keys).toEqual(["feishu:appId"]);
    const config = new ConfigError("dingtalk:endpoint must use https:.", "dingtalk:endpoint");
    expect(config.code).toBe("CONFIG_ERROR");
    expect(config.keys).toEqual(["dingtalk:endpoint"]);
  });

  it("isInstance distinguishes the families", () => {
    const config = new ConfigError("bad", "k");
    expect(ProviderError.isInstance(config)).toBe(true);
    expect(ConfigError.isInstance(config)).toBe(true);
    expect(AuthError.isInstance(config)).toBe(false);
    expect(VendorApiError.isInstance(new Error("plain"))).toBe(false);
    expect(ProviderError.isInstance(null)).toBe(false);
    expect(ProviderError.isInstance({ code: "CONFIG_ERROR" })).toBe(false);
  });

  it("isInstance recognises errors from a second loaded copy of the package", async () => {
    // The query makes the module loader evaluate the file again: a second copy with its own classes.
    const secondCopy = "../../provider/core/errors.ts?second-copy";
    const copy = (await import(secondCopy)) as typeof import("../../provider/core/errors");
    expect(copy.ConfigError).not.toBe(ConfigError);
    const foreign = new copy.VendorApiError(ctx, { httpStatus: 500 });
    expect(foreign instanceof VendorApiError).toBe(false);
    expect(VendorApiError.isInstance(foreign)).toBe(true);
    expect(ProviderError.isInstance(foreign)).toBe(true);
    expect(copy.VendorApiError.isInstance(new VendorApiError(ctx, { httpStatus: 500 }))).toBe(true);
  });
});
