import { describe, expect, it } from "vitest";
import { createdButFailed, mayHaveApplied } from "../../provider/dynamic/partial-failure";
import { AuthError, ConfigError, NetworkError, TimeoutError, VendorApiError } from "../../provider/core/errors";
import { containsUnknown, toCheckFailures, UNKNOWN, withoutProvider } from "../../provider/dynamic/check";
import { Claims } from "../../provider/dynamic/claims";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

describe("createdButFailed", () => {
  it("carries the id and the properties, so the dynamic provider host reports ErrorResourceInitFailed", () => {
    const cause = new Error("DingTalk subscribe ORG:ding1 failed: network error");
    const e = createdButFailed("ORG:ding1", { scope: "ORG", unconfirmed: true }, cause, "subscribe ORG:ding1 may have been applied") as any;
    // The host's grpcResponseFromError packs err.id, err.properties and err.reasons.
    expect(e.id).toBe("ORG:ding1");
    expect(e.properties).toEqual({ scope: "ORG", unconfirmed: true });
    expect(e.reasons).toEqual(["subscribe ORG:ding1 may have been applied: DingTalk subscribe ORG:ding1 failed: network error"]);
    expect(e.message).toMatch(/^DingTalk subscribe ORG:ding1 failed: network error \(subscribe ORG:ding1 may have been applied; recorded in the state/);
    expect(e.cause).toBe(cause);
  });

  it("keeps the inputs' __provider: the host adds it only to successes, and a resource recorded without it can never be deleted", () => {
    const e = createdButFailed("ORG:ding1", { scope: "ORG" }, new Error("lost"), "subscribe may have been applied", { __provider: "exports.handler=…", scope: "ORG" }) as any;
    expect(e.properties).toEqual({ scope: "ORG", __provider: "exports.handler=…" });
  });
});

describe("mayHaveApplied", () => {
  const ctx = { vendor: "dingtalk" as const, operation: "subscribe", target: "ORG:x" };
  it.each([
    ["a lost answer (network)", new NetworkError({ ...ctx, host: "h", detail: "UND_ERR_SOCKET" }, { cause: null }), true],
    ["a lost answer (timeout)", new TimeoutError({ ...ctx, host: "h", phase: "headers", timeoutMs: 5 }, { cause: null }), true],
    ["a server error", new VendorApiError(ctx, { httpStatus: 503, vendorCode: "operationTimeout" }), true],
    ["a parameter refusal", new VendorApiError(ctx, { httpStatus: 400, vendorCode: "paramError" }), false],
    ["a permission refusal", new VendorApiError(ctx, { httpStatus: 403, vendorCode: "permissionDenied" }), false],
    ["a permission refusal wrapped in a 500", new VendorApiError(ctx, { httpStatus: 500, vendorCode: "permissionDenied" }), false],
    ["an IP ban answered with a 503", new VendorApiError(ctx, { httpStatus: 503, vendorCode: "IpBanned" }), false],
    ["a Feishu scope refusal on a 503", new VendorApiError({ ...ctx, vendor: "feishu" }, { httpStatus: 503, vendorCode: "99991672" }), false],
    ["a throttle", new VendorApiError(ctx, { httpStatus: 429 }), false],
    ["a token problem", new AuthError({ vendor: "dingtalk", message: "bad" }), false],
    ["a config error", new ConfigError("x"), false],
    ["anything else", new Error("x"), false],
  ])("%s: %s", (_name, error, expected) => {
    expect(mayHaveApplied(error)).toBe(expected);
  });
});

describe("check helpers", () => {
  it("knows Pulumi's unknown-value placeholder", () => {
    expect(UNKNOWN).toBe(rpc.unknownValue);
    expect(containsUnknown({ events: [{ type: UNKNOWN }] })).toBe(true);
    expect(containsUnknown({ events: [{ type: "helpdesk.ticket" }] })).toBe(false);
  });

  it("formats zod paths as property paths", () => {
    expect(toCheckFailures([{ code: "custom", path: ["events", 1, "subtype"], message: "m", input: undefined } as any])).toEqual([{ property: "events[1].subtype", reason: "m" }]);
  });

  it("drops __provider", () => {
    expect(withoutProvider({ __provider: "x", a: 1 })).toEqual({ a: 1 });
  });
});

describe("Claims", () => {
  it("remembers what the deployment still wants", () => {
    const c = new Claims();
    expect(c.isClaimed("k")).toBe(false);
    c.claim("k");
    expect(c.isClaimed("k")).toBe(true);
  });
});
