import { describe, expect, it, vi } from "vitest";
import { RateLimiter } from "../../provider/core/limiter";
import { fakeClock } from "./helpers";

describe("RateLimiter", () => {
  it("allows maxQps starts per second and spaces the rest", async () => {
    const clock = fakeClock();
    const waits: number[] = [];
    const limiter = new RateLimiter({ now: clock.now, sleep: async (ms) => void waits.push(ms) });
    for (let i = 0; i < 7; i++) await limiter.acquire("dingtalk:app:k:subscribe", 3);
    expect(waits).toEqual([1000, 1000, 1000, 2000]);
    expect(limiter.stats()).toEqual({ acquired: 7, delayed: 4, totalDelayMs: 5000 });
  });

  it("counts a sliding window with a moving clock", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    await limiter.acquire("k", 2); // t=0
    clock.advance(400);
    await limiter.acquire("k", 2); // t=400
    await limiter.acquire("k", 2); // waits until t=1000
    await limiter.acquire("k", 2); // waits until t=1400
    expect(clock.sleeps).toEqual([600, 400]);
  });

  it("serves waiting callers first in, first out (real sleep on fake timers)", async () => {
    vi.useFakeTimers();
    try {
      const limiter = new RateLimiter();
      const done: number[] = [];
      const all = [0, 1, 2, 3].map((i) => limiter.acquire("k", 1).then(() => done.push(i)));
      await vi.advanceTimersByTimeAsync(0);
      expect(done).toEqual([0]);
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toEqual([0]);
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toEqual([0, 1]);
      await vi.advanceTimersByTimeAsync(2000);
      expect(done).toEqual([0, 1, 2, 3]);
      await Promise.all(all);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps keys independent", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    await limiter.acquire("dingtalk:a:subscribe", 1);
    await limiter.acquire("dingtalk:a:unsubscribe", 1);
    await limiter.acquire("dingtalk:b:subscribe", 1);
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire("dingtalk:a:subscribe", 1);
    expect(clock.sleeps).toEqual([1000]);
  });

  it("spaces fractional rates over several seconds", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 3; i++) await limiter.acquire("k", 0.5);
    expect(clock.sleeps).toEqual([2000, 2000]);
  });
});
