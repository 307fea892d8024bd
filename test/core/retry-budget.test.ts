import { afterEach, describe, expect, it, vi } from "vitest";
import { realSleep } from "../../provider/core/clock";
import { ProviderError, VendorApiError } from "../../provider/core/errors";
import { LimiterDeadlineError, RateLimiter } from "../../provider/core/limiter";
import { parseRetryHint } from "../../provider/core/retry-hint";
import { DingTalkClient } from "../../provider/dingtalk/client";
import { FeishuClient, type HelpdeskEventPair } from "../../provider/feishu/client";
import { caught, DINGTALK_VENDOR, fakeClock, FEISHU_VENDOR, fixture, mockedClients, type Seen } from "./helpers";

// Issue 9, section 2: every wait (retry sleep, limiter pause, limiter queue) stays within the
// calling operation's remaining budget, and vendor hints are clamped to 60 s and floored at 1 s
// for throttling.

const EVENTS: HelpdeskEventPair[] = [{ type: "helpdesk.ticket", subtype: "ticket.created_v1" }];
const CEILING_MS = 60_000;

const feishu = mockedClients(FEISHU_VENDOR);

const dingTalk = mockedClients(DINGTALK_VENDOR);

function feishuClient(options: { maxRetryElapsedMs?: number; maxAttempts?: number } = {}) {
  return feishu.setup(
    (deps) =>
      new FeishuClient({
        ...deps,
        credentials: { kind: "app", appId: "cli_budget", appSecret: "app-secret-budget-1234" },
        helpdesk: { helpdeskId: "1", helpdeskToken: "hd-token-budget-1234" },
        options,
      }),
  );
}

function dingTalkClient(options: { maxRetryElapsedMs?: number; maxAttempts?: number } = {}) {
  return dingTalk.setup(
    (deps) => new DingTalkClient({ ...deps, credentials: { kind: "app", appKey: "dingbudget", appSecret: "app-secret-budget-5678" }, options }),
  );
}

const throttle = fixture("feishu", "429-99991400");
const apiCalls = (seen: Seen[]) => seen.filter((s) => s.path.startsWith("/open-apis/helpdesk/")).length;
const subscribes = (seen: Seen[]) => seen.filter((s) => s.path.startsWith("/v1.0/storage/events/")).length;

describe("server wait hints are clamped and floored", () => {
  it("waits at most 60 s for x-ogw-ratelimit-reset: 3600, then retries and succeeds", async () => {
    const t = feishuClient();
    t.token();
    t.api(429, throttle, { "x-ogw-ratelimit-reset": "3600" });
    t.api(200, fixture("feishu", "200-subscribe"));
    await t.client.subscribe(EVENTS);
    expect(apiCalls(t.seen)).toBe(2);
    expect(Math.max(...t.clock.sleeps)).toBe(CEILING_MS);
    expect(t.clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(120_000);
  });

  it("waits at least 1 s between throttled attempts when the hint is 0", async () => {
    const t = feishuClient();
    t.token();
    for (let i = 0; i < 3; i++) t.api(429, throttle, { "x-ogw-ratelimit-reset": "0" });
    t.api(200, fixture("feishu", "200-subscribe"));
    await t.client.subscribe(EVENTS);
    expect(apiCalls(t.seen)).toBe(4);
    const waits = t.clock.sleeps.filter((ms) => ms > 0);
    expect(waits).toHaveLength(3);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(1000);
  });

  it("clamps a Retry-After HTTP date far in the future", async () => {
    const t = dingTalkClient();
    t.token();
    t.api(429, fixture("dingtalk", "429-system.busy"), { "retry-after": "Fri, 01 Jan 2100 00:00:00 GMT" });
    t.api(200, fixture("dingtalk", "200-subscribe"));
    await t.client.subscribe({ scope: "ORG", scopeId: "ding123", unionId: "u1" });
    expect(subscribes(t.seen)).toBe(2);
    expect(t.clock.sleeps).toEqual([CEILING_MS]);
  });

  it("clamps a hint of 2^31 ms or more before any sleep", async () => {
    const t = feishuClient();
    t.token();
    t.api(429, throttle, { "x-ogw-ratelimit-reset": "99999999999" });
    t.api(200, fixture("feishu", "200-subscribe"));
    await t.client.subscribe(EVENTS);
    expect(t.clock.sleeps).toEqual([CEILING_MS]);
  });

  it("does not read duplicated Retry-After headers joined as '1, 2' as a date", async () => {
    const now = Date.parse("2026-11-22T00:00:00Z");
    expect(parseRetryHint({ "retry-after": "1, 2" }, now)).toBeUndefined();
    expect(parseRetryHint({ "retry-after": "Sun, 22 Nov 2026 00:00:05 GMT" }, now)).toBe(5000);
    const t = dingTalkClient();
    t.token();
    t.api(503, fixture("dingtalk", "503-operationTimeout"), { "retry-after": "1, 2" });
    t.api(200, fixture("dingtalk", "200-subscribe"));
    await t.client.subscribe({ scope: "ORG", scopeId: "ding123", unionId: "u1" });
    // Backoff (random 0.5 of 250 ms), not the 0 ms that a 2001 date gave.
    expect(t.clock.sleeps).toEqual([125]);
  });

  it("never hands setTimeout 2^31 ms or more", () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    try {
      void realSleep(2 ** 40);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]![1]).toBeLessThan(2 ** 31);
      clearTimeout(spy.mock.results[0]!.value as NodeJS.Timeout);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("a wait the budget cannot cover fails at once", () => {
  it("says how long the vendor asked to wait and which setting to raise", async () => {
    const t = feishuClient({ maxRetryElapsedMs: 30_000 });
    t.token();
    t.api(429, throttle, { "x-ogw-ratelimit-reset": "45" });
    const error = await caught(() => t.client.subscribe(EVENTS));
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect(apiCalls(t.seen)).toBe(1);
    expect(t.clock.sleeps.filter((ms) => ms > 0)).toEqual([]);
    expect(error.message).toContain("asked to wait 45 s");
    expect(error.message).toContain("feishu:maxRetryElapsedMs");
    expect(error.message).not.toContain("kept throttling");
  });

  it("says 'kept throttling' only when the vendor throttled every attempt", async () => {
    const t = feishuClient({ maxAttempts: 3 });
    t.token();
    for (let i = 0; i < 3; i++) t.api(429, throttle, { "x-ogw-ratelimit-reset": "1" });
    const error = await caught(() => t.client.subscribe(EVENTS));
    expect(apiCalls(t.seen)).toBe(3);
    expect(error.message).toContain("Feishu kept throttling; lower feishu:maxQps");
    expect(error.message).toContain("Gave up after 3 attempts.");
  });

  it("a later call on a paused key fails at once instead of sleeping beyond its budget, and the key recovers", async () => {
    const t = feishuClient({ maxRetryElapsedMs: 30_000 });
    t.token();
    t.api(429, throttle, { "x-ogw-ratelimit-reset": "3600" });
    await caught(() => t.client.subscribe(EVENTS));
    // The next call: the limiter holds the key for the clamped 60 s, beyond this call's 30 s.
    const second = await caught(() => t.client.subscribe(EVENTS));
    expect(ProviderError.isInstance(second) && second.code).toBe("RATE_LIMITED");
    expect(second.message).toContain("60 s");
    expect(second.message).toContain("feishu:maxRetryElapsedMs");
    expect(apiCalls(t.seen)).toBe(1);
    expect(t.clock.sleeps.filter((ms) => ms > 0)).toEqual([]);
    // Once the pause is over the key serves calls without waiting.
    t.clock.advance(CEILING_MS);
    t.api(200, fixture("feishu", "200-subscribe"));
    await t.client.subscribe(EVENTS);
    expect(apiCalls(t.seen)).toBe(2);
    expect(t.clock.sleeps.filter((ms) => ms > 0)).toEqual([]);
  });
});

describe("RateLimiter.acquire with a deadline", () => {
  afterEach(() => vi.restoreAllMocks());

  it("rejects without sleeping when the slot comes after the deadline, and frees the slot", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    const t0 = await limiter.acquire("k", 1);
    const error = await caught(() => limiter.acquire("k", 1, t0 + 500));
    expect(error).toBeInstanceOf(LimiterDeadlineError);
    expect((error as LimiterDeadlineError).waitMs).toBe(1000);
    expect(clock.sleeps).toEqual([]);
    // The refused reservation is not kept: the next caller gets the slot at t0 + 1000, not t0 + 2000.
    expect((await limiter.acquire("k", 1)) - t0).toBe(1000);
    expect(clock.sleeps).toEqual([1000]);
  });

  it("reports a vendor pause and never pauses longer than the ceiling", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    const t0 = await limiter.acquire("k", 5);
    limiter.throttled("k", 3_600_000, t0);
    const error = (await caught(() => limiter.acquire("k", 5, t0 + 10_000))) as LimiterDeadlineError;
    expect(error.pausedMs).toBe(CEILING_MS);
    expect((await limiter.acquire("k", 5)) - t0).toBe(CEILING_MS);
  });
});
