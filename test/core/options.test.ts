import { describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/core/errors";
import { normalizeClientOptions } from "../../provider/core/options";

describe("normalizeClientOptions", () => {
  it("fills every default from one table", () => {
    expect(normalizeClientOptions()).toEqual({
      maxQps: 20,
      maxAttempts: 6,
      maxRetryElapsedMs: 120_000,
      requestTimeoutMs: 15_000,
      connectTimeoutMs: 5_000,
    });
  });

  it("keeps valid values", () => {
    expect(normalizeClientOptions({ maxQps: 0.5, maxAttempts: 1 })).toMatchObject({ maxQps: 0.5, maxAttempts: 1, maxRetryElapsedMs: 120_000 });
  });

  it.each([
    [{ maxQps: 0 }, "dingtalk:maxQps must be a number from 0.1 to 1000 (got 0)."],
    [{ maxAttempts: 2.5 }, "dingtalk:maxAttempts must be an integer from 1 to 20 (got 2.5)."],
    [{ requestTimeoutMs: Number.NaN }, "dingtalk:requestTimeoutMs must be an integer from 10 to 600000 (got null)."],
    [{ connectTimeoutMs: "5000" as unknown as number }, 'dingtalk:connectTimeoutMs must be an integer from 10 to 120000 (got "5000").'],
    [{ maxRetryElapsedMs: -1 }, "dingtalk:maxRetryElapsedMs must be an integer from 0 to 3600000 (got -1)."],
  ])("rejects %o naming the option and its range", (options, message) => {
    let error: unknown;
    try {
      normalizeClientOptions(options, "dingtalk:");
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});
