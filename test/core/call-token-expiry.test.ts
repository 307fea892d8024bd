import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AuthError, ProviderError } from "../../provider/core/errors";
import { TokenCache } from "../../provider/core/token-cache";
import { DingTalkClient } from "../../provider/dingtalk/client";
import { caught, DINGTALK_VENDOR, fakeClock, fixture, memoryLogger, mockedClients } from "./helpers";

// Issue 9, section 5: token-expiry rejections go through the time-bounded retry loop with
// backoff; hints are worded by credential kind; coalesced callers get their own error.

const SCOPE = { scope: "SPACE" as const, scopeId: "space-1", unionId: "u1" };

/** A loopback DingTalk whose tokens are each valid for one call. */
async function oneUseTokenVendor() {
  let issued = 0;
  const live = new Set<string>();
  const seen = { tokens: 0, subscribes: 0, rejected: 0, succeeded: 0 };
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => resolve(body));
    });
  const server: Server = createServer((req, res) => {
    void read(req).then(() => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/v1.0/oauth2/accessToken") {
        seen.tokens++;
        const token = `one-use-token-${String(++issued).padStart(8, "0")}`;
        live.add(token);
        res.end(JSON.stringify({ accessToken: token, expireIn: 7200 }));
        return;
      }
      seen.subscribes++;
      const token = String(req.headers["x-acs-dingtalk-access-token"]);
      if (live.delete(token)) {
        seen.succeeded++;
        res.end(JSON.stringify({ success: true }));
      } else {
        seen.rejected++;
        res.statusCode = 400;
        res.end(JSON.stringify(fixture("dingtalk", "400-InvalidAuthentication")));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}`), seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("tokens valid for one use, many calls at once", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("12 concurrent subscribes all succeed within the retry budget, with backoff between refreshes", async () => {
    const vendor = await oneUseTokenVendor();
    close = vendor.close;
    const clock = fakeClock();
    const client = new DingTalkClient({
      endpoint: vendor.url,
      credentials: { kind: "app", appKey: "dingoneuse", appSecret: "app-secret-one-use-1234" },
      tokenCache: new TokenCache({ now: clock.now }),
      logger: memoryLogger(),
      sleep: clock.sleep,
      now: clock.now,
      random: () => 0.5,
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => client.subscribe({ ...SCOPE, scopeId: `s${i}` }).then(() => "ok", (e: Error) => e.message)),
    );
    expect(results.filter((r) => r !== "ok")).toEqual([]);
    expect(vendor.seen.succeeded).toBe(12);
    expect(vendor.seen.rejected).toBeGreaterThan(0);
    // Each refresh after the first waits (backoff), and no call waited beyond its budget.
    expect(clock.sleeps.some((ms) => ms > 0)).toBe(true);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(8000);
  });
});

const dingTalk = mockedClients({ ...DINGTALK_VENDOR, token: { ...DINGTALK_VENDOR.token, answer: (accessToken = "tok-0000000000000000000000") => ({ accessToken, expireIn: 7200 }) } });

describe("expiry rejections under the time budget", () => {
  it("app credentials whose tokens keep expiring: retried with backoff until maxRetryElapsedMs, worded for app credentials", async () => {
    const t = dingTalk.setup(
      (deps) =>
        new DingTalkClient({
          ...deps,
          credentials: { kind: "app", appKey: "dingexpiry", appSecret: "app-secret-expiry-1234" },
          options: { maxRetryElapsedMs: 3000 },
        }),
    );
    t.token("tok-first-accepted-000000");
    t.api(200, fixture("dingtalk", "200-subscribe"));
    await t.client.subscribe(SCOPE);
    // From now on every token is rejected as soon as it is used (it "expired").
    t.pool
      .intercept({ path: "/v1.0/oauth2/accessToken", method: "POST" })
      .reply(200, () => ({ accessToken: `tok-${Math.random().toString(36).slice(2).padEnd(20, "x")}`, expireIn: 7200 }))
      .persist();
    t.pool.intercept({ path: "/v1.0/storage/events/subscribe?unionId=u1", method: "POST" }).reply(400, fixture("dingtalk", "400-InvalidAuthentication")).persist();
    const started = t.clock.now();
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).not.toContain("The configured token was rejected");
    expect(error.message).toContain("dingtalk:appKey");
    // Backoff between refreshes, and no sleep beyond the budget.
    const waits = t.clock.sleeps.filter((ms) => ms > 0);
    expect(waits.length).toBeGreaterThan(1);
    expect(t.clock.now() - started).toBeLessThanOrEqual(3000);
    // Every refresh is a visible retry.
    expect(t.logger.lines.filter((l) => l.includes("InvalidAuthentication") && l.includes("retrying")).length).toBeGreaterThan(1);
  });

  it("a pre-issued token that is rejected names the token setting, and is not retried", async () => {
    const t = dingTalk.setup((deps) => new DingTalkClient({ ...deps, credentials: { kind: "token", accessToken: "pre-issued-token-0123456789" } }));
    t.api(400, fixture("dingtalk", "400-InvalidAuthentication"));
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(error.message).toContain("set a new dingtalk:accessToken");
    expect(t.seen).toHaveLength(1);
  });
});

describe("a failed token fetch shared by coalesced callers", () => {
  it("gives each caller its own error, each saying 'Gave up' once", async () => {
    const t = dingTalk.setup(
      (deps) =>
        new DingTalkClient({
          ...deps,
          credentials: { kind: "app", appKey: "dingshared", appSecret: "app-secret-shared-1234" },
          options: { maxAttempts: 3 },
        }),
    );
    t.pool.intercept({ path: "/v1.0/oauth2/accessToken", method: "POST" }).reply(500, fixture("dingtalk", "500-systemError")).persist();
    const errors = await Promise.all([0, 1, 2].map(() => caught(() => t.client.subscribe(SCOPE))));
    expect(new Set(errors).size).toBe(3);
    for (const error of errors) {
      expect(ProviderError.isInstance(error)).toBe(true);
      expect(error.message.match(/Gave up after/g)).toHaveLength(1);
    }
  });
});

describe("waiting for a token another call is fetching", () => {
  it("never goes past the waiting call's own budget; the fetch goes on for the caller that started it", async () => {
    const seen = { tokens: 0, subscribes: 0 };
    const server: Server = createServer((req, res) => {
      req.resume();
      res.setHeader("content-type", "application/json");
      if (req.url === "/v1.0/oauth2/accessToken") {
        seen.tokens++;
        // A slow token endpoint: 1.5 s.
        setTimeout(() => res.end(JSON.stringify({ accessToken: "slow-token-0123456789abcdef", expireIn: 7200 })), 1500);
        return;
      }
      seen.subscribes++;
      res.end(JSON.stringify({ success: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const tokenCache = new TokenCache();
      const make = (maxRetryElapsedMs: number) =>
        new DingTalkClient({
          endpoint: new URL(`http://127.0.0.1:${port}`),
          credentials: { kind: "app", appKey: "dingslowtoken", appSecret: "app-secret-slow-token-1234" },
          tokenCache,
          logger: memoryLogger(),
          options: { maxRetryElapsedMs, maxAttempts: 1 },
        });
      const patient = make(10_000).subscribe(SCOPE);
      const hurried = make(300);
      const started = Date.now();
      const error = await caught(() => hurried.subscribe(SCOPE));
      const waited = Date.now() - started;
      expect(ProviderError.isInstance(error) && error.code).toBe("RATE_LIMITED");
      expect(error.message).toContain("dingtalk:maxRetryElapsedMs");
      expect(waited).toBeLessThan(1200);
      await patient;
      expect(seen).toEqual({ tokens: 1, subscribes: 1 });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
