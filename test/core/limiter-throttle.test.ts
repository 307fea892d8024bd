import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../provider/core/limiter";
import { fakeClock } from "./helpers";

// How the limiter adapts when the vendor's real limit is below maxQps (see RateLimiter.throttled).
describe("RateLimiter when the vendor throttles", () => {
  it("adds the margin to every window", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep, marginMs: 50 });
    for (let i = 0; i < 5; i++) await limiter.acquire("k", 2);
    expect(clock.sleeps).toEqual([1050, 1050]);
  });

  it("pauses the key for the vendor's wait, then runs a quarter slower and grows back by one per window", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    const t0 = clock.now();
    const started = await limiter.acquire("k", 8);
    expect(started).toBe(t0);
    limiter.throttled("k", 1000, started);
    const starts: number[] = [];
    for (let i = 0; i < 22; i++) starts.push((await limiter.acquire("k", 8)) - t0);
    // Paused until 1000; then 6 per window (8 less a quarter), then 7, then back to 8.
    const perWindow = [1000, 2000, 3000, 4000].map((w) => starts.filter((s) => s === w).length);
    expect(perWindow).toEqual([6, 7, 8, 1]);
  });

  it("takes the vendor's stated limit when it gives one", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    const started = await limiter.acquire("k", 20);
    limiter.throttled("k", 2000, started, 3);
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) starts.push((await limiter.acquire("k", 20)) - started);
    expect(starts).toEqual([2000, 2000, 2000, 3000]);
  });

  it("counts one episode for every answer to requests started before it", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ now: clock.now, sleep: clock.sleep });
    const a = await limiter.acquire("k", 8);
    const b = await limiter.acquire("k", 8);
    limiter.throttled("k", 1000, a);
    clock.advance(1500);
    // b's answer arrives late: it belongs to the first episode and neither pauses nor slows again.
    limiter.throttled("k", 1000, b);
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) starts.push((await limiter.acquire("k", 8)) - a);
    expect(starts).toEqual([1500, 1500, 1500, 1500, 1500, 1500, 2500]);
  });

  it("sends callers already waiting behind the pause, first in first out", async () => {
    let t = 0;
    const timers: Array<{ at: number; wake: () => void }> = [];
    const limiter = new RateLimiter({
      now: () => t,
      sleep: (ms) => new Promise<void>((wake) => timers.push({ at: t + ms, wake })),
    });
    const run = async (until: number) => {
      for (;;) {
        await new Promise((r) => setImmediate(r));
        timers.sort((x, y) => x.at - y.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        t = next.at;
        next.wake();
      }
      t = Math.max(t, until);
    };
    const order: Array<[number, number]> = [];
    const first = await limiter.acquire("k", 1);
    const waiting = [1, 2].map((i) => limiter.acquire("k", 1).then((at) => order.push([i, at])));
    await run(100);
    // Reserved for t=1000 and t=2000, but the vendor throttled at t=100 and asked for 3 s.
    limiter.throttled("k", 3000, first);
    await run(10_000);
    await Promise.all(waiting);
    expect(order).toEqual([
      [1, 3100],
      [2, 4100],
    ]);
  });
});
