import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MockAgent } from "undici";
import type { Logger } from "../../provider/core/logger";

/** A clock whose sleep records the delay and advances time instead of waiting. */
export function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

/** A MockAgent that refuses any request without an interceptor. */
export function mockAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return agent;
}

/** A vendor body from `test/fixtures/<vendor>/<name>.json`. */
export function fixture(vendor: "dingtalk" | "feishu", name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, "..", "fixtures", vendor, `${name}.json`), "utf8")) as Record<string, unknown>;
}

/** A logger keeping its lines. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info: ${m}`),
    warn: (m) => void lines.push(`warn: ${m}`),
    debug: (m) => void lines.push(`debug: ${m}`),
  };
}

/** Resolves `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}
