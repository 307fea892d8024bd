import { describe, expect, it } from "vitest";
import { AuthError, ConfigError, NetworkError, TimeoutError, VendorApiError, type Vendor } from "../../provider/core/errors";
import { backoffDelay, formatRetryEvent, withRetry, type RetryEvent } from "../../provider/core/retry";
import { parseRetryHint } from "../../provider/core/retry-hint";
import { classifyFailure, isTokenRejected } from "../../provider/core/retry-policy";
import { caught, fakeClock } from "./helpers";

function vendorError(vendor: Vendor, httpStatus: number, vendorCode?: string, retryAfterMs?: number): VendorApiError {
  return new VendorApiError({ vendor, operation: "subscribe", target: "T" }, { httpStatus, vendorCode, retryAfterMs });
}
const ctx = { vendor: "dingtalk" as const, operation: "subscribe", target: "T", host: "h" };

describe("classifyFailure (the decision table)", () => {
  it.each([
    ["dingtalk", 403, "Forbidden.AccessDenied.QpsLimitForApi", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["dingtalk", 403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["dingtalk", 403, "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["dingtalk", 429, "system.busy", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["dingtalk", 429, "systemBusy", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["dingtalk", 500, "systemError", { retry: true, kind: "server" }],
    ["dingtalk", 500, "unknownError", { retry: true, kind: "server" }],
    ["dingtalk", 503, "operationTimeout", { retry: true, kind: "server" }],
    ["dingtalk", 502, undefined, { retry: true, kind: "server" }],
    ["dingtalk", 400, "paramError", { retry: false }],
    ["dingtalk", 400, "paramError.scopeId", { retry: false }],
    ["dingtalk", 403, "permissionDenied", { retry: false }],
    ["dingtalk", 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", { retry: false }],
    ["dingtalk", 400, "InvalidAuthentication", { retry: false }],
    ["dingtalk", 401, "Unauthorized", { retry: false }],
    ["dingtalk", 403, "IpBanned", { retry: false }],
    ["dingtalk", 501, undefined, { retry: false }],
    ["dingtalk", 404, "InvalidAction.NotFound", { retry: false }],
    ["dingtalk", 302, undefined, { retry: false }],
    // Without a hint a throttled wait is still at least 1 s (MIN_THROTTLE_WAIT_MS).
    ["feishu", 429, "99991400", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["feishu", 400, "99991400", { retry: true, kind: "throttle", delayMs: 1000 }],
    ["feishu", 500, "155000", { retry: true, kind: "server" }],
    ["feishu", 503, "155000", { retry: true, kind: "server" }],
    ["feishu", 400, "154000", { retry: false }],
    ["feishu", 403, "154003", { retry: false }],
    ["feishu", 400, "99991672", { retry: false }],
    ["feishu", 400, "99991401", { retry: false }],
    ["feishu", 401, "99991663", { retry: false }],
    ["feishu", 400, "10014", { retry: false }],
  ] as const)("%s %i %s → %o", (vendor, status, code, decision) => {
    expect(classifyFailure(vendorError(vendor, status, code))).toEqual(decision);
  });

  it("lets a server hint win", () => {
    expect(classifyFailure(vendorError("feishu", 429, "99991400", 3000))).toEqual({ retry: true, kind: "throttle", delayMs: 3000 });
    expect(classifyFailure(vendorError("dingtalk", 403, "Forbidden.AccessDenied.QpsLimitForApi", 2000))).toMatchObject({ delayMs: 2000 });
    expect(classifyFailure(vendorError("dingtalk", 503, "operationTimeout", 5000))).toMatchObject({ delayMs: 5000 });
  });

  it("retries network errors and timeouts, nothing else", () => {
    expect(classifyFailure(new NetworkError({ ...ctx, detail: "x" }, { cause: null }))).toEqual({ retry: true, kind: "network" });
    expect(classifyFailure(new TimeoutError({ ...ctx, phase: "headers" }, { cause: null }))).toEqual({ retry: true, kind: "timeout" });
    expect(classifyFailure(new AuthError({ vendor: "dingtalk", message: "x" }))).toEqual({ retry: false });
    expect(classifyFailure(new ConfigError("x"))).toEqual({ retry: false });
    expect(classifyFailure(new TypeError("x"))).toEqual({ retry: false });
  });

  it("recognises rejected tokens", () => {
    expect(isTokenRejected(vendorError("dingtalk", 401, "Unauthorized"))).toBe(true);
    expect(isTokenRejected(vendorError("dingtalk", 400, "InvalidAuthentication"))).toBe(true);
    expect(isTokenRejected(vendorError("dingtalk", 400, "paramError"))).toBe(false);
    for (const code of ["99991661", "99991663", "99991665"]) expect(isTokenRejected(vendorError("feishu", 401, code))).toBe(true);
    expect(isTokenRejected(vendorError("feishu", 403, "154003"))).toBe(false);
  });
});

describe("parseRetryHint", () => {
  const now = Date.parse("2024-01-01T00:00:00Z");
  it("reads x-ogw-ratelimit-reset and Retry-After", () => {
    expect(parseRetryHint({ "x-ogw-ratelimit-reset": "2" }, now)).toBe(2000);
    expect(parseRetryHint({ "retry-after": "1.5" }, now)).toBe(1500);
    expect(parseRetryHint({ "retry-after": "Mon, 01 Jan 2024 00:00:03 GMT" }, now)).toBe(3000);
    expect(parseRetryHint({ "retry-after": "soon", "x-ogw-ratelimit-reset": "-1" }, now)).toBeUndefined();
    expect(parseRetryHint({ "x-ogw-ratelimit-reset": "1", "retry-after": "4" }, now)).toBe(4000);
    expect(parseRetryHint({}, now)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("is full jitter under an exponential ceiling capped at 8 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, () => 0.999999))).toEqual([249, 499, 999, 1999, 3999, 7999, 7999, 7999]);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(2, () => 0.5)).toBe(250);
  });
});

describe("withRetry", () => {
  const throttled = () => vendorError("dingtalk", 403, "Forbidden.AccessDenied.QpsLimitForApi");
  const unavailable = () => vendorError("dingtalk", 503, "operationTimeout");

  function run(failures: unknown[], opts: { maxAttempts?: number; maxElapsedMs?: number } = {}) {
    const clock = fakeClock();
    const events: RetryEvent[] = [];
    let calls = 0;
    const promise = withRetry(
      "DingTalk subscribe",
      async (attempt) => {
        calls++;
        expect(attempt).toBe(calls);
        if (calls <= failures.length) throw failures[calls - 1];
        return "ok";
      },
      classifyFailure,
      {
        target: "ORG:ding123",
        maxAttempts: opts.maxAttempts ?? 6,
        maxElapsedMs: opts.maxElapsedMs ?? 120_000,
        sleep: clock.sleep,
        now: clock.now,
        random: () => 0.5,
        onRetry: (e) => events.push(e),
      },
    );
    return { promise, clock, events, calls: () => calls };
  }

  it("retries with backoff and reports each retry", async () => {
    const r = run([unavailable(), unavailable(), throttled()]);
    expect(await r.promise).toBe("ok");
    expect(r.calls()).toBe(4);
    expect(r.clock.sleeps).toEqual([125, 250, 1000]);
    expect(r.events[0]).toEqual({
      operation: "DingTalk subscribe",
      target: "ORG:ding123",
      attempt: 1,
      maxAttempts: 6,
      delayMs: 125,
      kind: "server",
      reason: "503 operationTimeout",
    });
    expect(r.events.map(formatRetryEvent)).toEqual([
      "DingTalk subscribe ORG:ding123: attempt 1/6 failed (503 operationTimeout); retrying in 0.1 s",
      "DingTalk subscribe ORG:ding123: attempt 2/6 failed (503 operationTimeout); retrying in 0.3 s",
      "DingTalk subscribe ORG:ding123: attempt 3/6 failed (403 Forbidden.AccessDenied.QpsLimitForApi); retrying in 1.0 s",
    ]);
  });

  it("stops after maxAttempts and says so", async () => {
    const r = run(Array.from({ length: 10 }, unavailable));
    const error = await caught(() => r.promise);
    expect(r.calls()).toBe(6);
    expect(r.clock.sleeps).toHaveLength(5);
    expect((error as VendorApiError).attempts).toBe(6);
    expect(error.message).toMatch(/503 operationTimeout\. Gave up after 6 attempts\.$/);
  });

  it("stops before a wait would exceed the elapsed-time budget", async () => {
    const r = run(Array.from({ length: 10 }, throttled), { maxElapsedMs: 2500 });
    await caught(() => r.promise);
    expect(r.calls()).toBe(3);
    expect(r.clock.sleeps).toEqual([1000, 1000]);
  });

  it("never retries what the table calls final", async () => {
    const final = vendorError("dingtalk", 403, "permissionDenied");
    const r = run([final]);
    expect(await caught(() => r.promise)).toBe(final);
    expect(r.calls()).toBe(1);
    expect(r.clock.sleeps).toEqual([]);
    expect(final.message).not.toContain("Gave up");
  });

  it("rethrows a final error met after retries as a copy with its attempt count, leaving the original untouched", async () => {
    const final = vendorError("dingtalk", 400, "paramError");
    const r = run([unavailable(), final]);
    const error = (await caught(() => r.promise)) as VendorApiError;
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect(error).not.toBe(final);
    expect(error.attempts).toBe(2);
    expect(error.message).toBe(final.message);
    expect(final.attempts).toBeUndefined();
  });
});
