import { describe, expect, it } from "vitest";
import { redact } from "../../provider/core/redact";
import { TokenCache } from "../../provider/core/token-cache";
import { credentialKey } from "../../provider/core/token-source";
import { fakeClock } from "./helpers";

const HOUR2 = 7200_000;

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("TokenCache", () => {
  it("shares one in-flight fetch among N concurrent callers", async () => {
    const cache = new TokenCache();
    const gate = deferred<{ token: string; expiresInMs: number }>();
    let fetches = 0;
    const fetch = () => {
      fetches++;
      return gate.promise;
    };
    const callers = Array.from({ length: 25 }, () => cache.get("k", fetch));
    gate.resolve({ token: "tok-concurrent-1", expiresInMs: HOUR2 });
    expect(await Promise.all(callers)).toEqual(Array(25).fill("tok-concurrent-1"));
    expect(fetches).toBe(1);
    expect(cache.stats()).toMatchObject({ fetches: 1, coalesced: 24 });
  });

  it("serves the cached token, then refetches 5 minutes before the vendor's expiry", async () => {
    const clock = fakeClock();
    const cache = new TokenCache({ now: clock.now });
    let n = 0;
    const fetch = async () => ({ token: `tok-expiry-${++n}`, expiresInMs: HOUR2 });
    expect(await cache.get("k", fetch)).toBe("tok-expiry-1");
    clock.advance(HOUR2 - 300_000 - 1);
    expect(await cache.get("k", fetch)).toBe("tok-expiry-1");
    clock.advance(1);
    expect(await cache.get("k", fetch)).toBe("tok-expiry-2");
    expect(cache.stats()).toMatchObject({ fetches: 2, hits: 1 });
  });

  it("keeps half the life of short-lived tokens", async () => {
    const clock = fakeClock();
    const cache = new TokenCache({ now: clock.now });
    let n = 0;
    const fetch = async () => ({ token: `tok-short-${++n}`, expiresInMs: 60_000 });
    await cache.get("k", fetch);
    clock.advance(29_999);
    expect(await cache.get("k", fetch)).toBe("tok-short-1");
    clock.advance(1);
    expect(await cache.get("k", fetch)).toBe("tok-short-2");
  });

  it("invalidates only when the token is still the cached one", async () => {
    const cache = new TokenCache();
    let n = 0;
    const fetch = async () => ({ token: `tok-inv-${++n}`, expiresInMs: HOUR2 });
    await cache.get("k", fetch);
    expect(cache.invalidate("k", "some-other-token")).toBe(false);
    expect(await cache.get("k", fetch)).toBe("tok-inv-1");
    expect(cache.invalidate("k", "tok-inv-1")).toBe(true);
    expect(await cache.get("k", fetch)).toBe("tok-inv-2");
    // A caller holding the old token must not evict the new one.
    expect(cache.invalidate("k", "tok-inv-1")).toBe(false);
    expect(await cache.get("k", fetch)).toBe("tok-inv-2");
    expect(cache.stats()).toMatchObject({ fetches: 2, invalidations: 1 });
  });

  it("does not cache failures and clears the pending fetch", async () => {
    const cache = new TokenCache();
    let n = 0;
    const fetch = async () => {
      if (++n === 1) throw new Error("boom");
      return { token: "tok-after-failure", expiresInMs: HOUR2 };
    };
    const both = await Promise.allSettled([cache.get("k", fetch), cache.get("k", fetch)]);
    expect(both.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await cache.get("k", fetch)).toBe("tok-after-failure");
    expect(cache.stats()).toMatchObject({ fetches: 2, failures: 1 });
  });

  it("keeps keys apart and registers tokens for redaction", async () => {
    const cache = new TokenCache();
    await cache.get("a", async () => ({ token: "tok-key-a-0123", expiresInMs: HOUR2 }));
    await cache.get("b", async () => ({ token: "tok-key-b-0123", expiresInMs: HOUR2 }));
    expect(await cache.get("a", async () => ({ token: "never", expiresInMs: 1 }))).toBe("tok-key-a-0123");
    expect(redact("got tok-key-b-0123")).toBe("got [redacted]");
  });
});

describe("credentialKey", () => {
  it("holds the identity in clear and only a fingerprint of the secret", () => {
    const key = credentialKey(["dingtalk", "app:dingkey"], ["my-app-secret-value"]);
    expect(key).toMatch(/^dingtalk\|app:dingkey\|[0-9a-f]{16}$/);
    expect(key).not.toContain("my-app-secret-value");
    expect(credentialKey(["x"], ["s1"])).not.toBe(credentialKey(["x"], ["s2"]));
  });
});
