import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MockAgent, type Interceptable } from "undici";
import { afterEach } from "vitest";
import type { Logger } from "../../provider/core/logger";
import { TokenCache } from "../../provider/core/token-cache";

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

/** A logger keeping its lines: info and warn in `lines`, debug (one per round trip) apart in `debugLines`. */
export function memoryLogger(): Logger & { lines: string[]; debugLines: string[] } {
  const lines: string[] = [];
  const debugLines: string[] = [];
  return {
    lines,
    debugLines,
    info: (m) => void lines.push(`info: ${m}`),
    warn: (m) => void lines.push(`warn: ${m}`),
    debug: (m) => void debugLines.push(`debug: ${m}`),
  };
}

/** Calls `fn` and returns what it threw (fails the test if it did not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an exception");
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

/** What an interceptor returns, for `.delay()` and the like. */
type MockScope = ReturnType<ReturnType<Interceptable["intercept"]>["replyWithError"]>;

/** A request that a {@link mockedClients} interceptor answered. */
export interface Seen {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** How a mocked vendor answers: its origin, its token endpoint and its API. */
export interface MockedVendor {
  origin: string;
  token: {
    path: string;
    /** Headers on every token answer. */
    headers: Record<string, string>;
    /** The successful token answer; `value` undefined means the vendor's default token. */
    answer: (value?: string) => unknown;
  };
  api: {
    /** Where {@link MockedClient.api} intercepts unless told otherwise. */
    path: string;
    /** Headers on every API answer, before the test's own. */
    headers: Record<string, string>;
  };
}

/** What a client under test is built on: the vendor's origin over a MockAgent, a fake clock and a keeping logger. */
export interface MockedDeps {
  endpoint: URL;
  dispatcher: MockAgent;
  tokenCache: TokenCache;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

/** One test's client over a MockAgent, with what it sent. */
export interface MockedClient<C> {
  client: C;
  pool: Interceptable;
  clock: ReturnType<typeof fakeClock>;
  logger: ReturnType<typeof memoryLogger>;
  tokenCache: TokenCache;
  /** Every request an interceptor answered, oldest first. */
  seen: Seen[];
  /** Intercepts one POST to `path`, records it and answers `status` with `body` (JSON unless a string) and `headers`. */
  reply: (path: string, status: number, body: unknown, headers?: Record<string, string>) => MockScope;
  /** Intercepts one token fetch; by default a successful one issuing `value`. */
  token: (value?: string, status?: number, body?: unknown) => MockScope;
  /** Intercepts one API call at the vendor's path, or at `path`. */
  api: (status: number, body: unknown, headers?: Record<string, string>, path?: string) => MockScope;
}

/**
 * Vendor-client tests over a MockAgent. Registers an `afterEach` that fails a test leaving an
 * interceptor unused, on every agent the test took from `setup` or `agent`.
 */
export function mockedClients(vendor: MockedVendor): {
  /** A fresh client, built by `build` on {@link MockedDeps}, with its interceptor helpers. */
  setup<C>(build: (deps: MockedDeps) => C): MockedClient<C>;
  /** A checked MockAgent, for a test that builds a client by hand. */
  agent(): MockAgent;
} {
  let agents: MockAgent[] = [];
  afterEach(() => {
    const used = agents;
    agents = [];
    for (const agent of used) agent.assertNoPendingInterceptors();
  });
  const agent = (): MockAgent => {
    const a = mockAgent();
    agents.push(a);
    return a;
  };
  return {
    agent,
    setup<C>(build: (deps: MockedDeps) => C): MockedClient<C> {
      const dispatcher = agent();
      const pool = dispatcher.get(vendor.origin);
      const clock = fakeClock();
      const logger = memoryLogger();
      const tokenCache = new TokenCache({ now: clock.now });
      const seen: Seen[] = [];
      const client = build({
        endpoint: new URL(vendor.origin),
        dispatcher,
        tokenCache,
        logger,
        sleep: clock.sleep,
        now: clock.now,
        random: () => 0.5,
      });
      const reply: MockedClient<C>["reply"] = (path, status, body, headers = {}) =>
        pool.intercept({ path, method: "POST" }).reply((o) => {
          seen.push({ path: o.path, headers: o.headers as Record<string, string>, body: JSON.parse(String(o.body)) });
          return { statusCode: status, data: typeof body === "string" ? body : JSON.stringify(body), responseOptions: { headers } };
        });
      return {
        client,
        pool,
        clock,
        logger,
        tokenCache,
        seen,
        reply,
        token: (value, status = 200, body = vendor.token.answer(value)) => reply(vendor.token.path, status, body, vendor.token.headers),
        api: (status, body, headers = {}, path = vendor.api.path) => reply(path, status, body, { ...vendor.api.headers, ...headers }),
      };
    },
  };
}

/** Feishu over a MockAgent: the tenant token endpoint and the helpdesk subscribe API, default answers. */
export const FEISHU_VENDOR: MockedVendor = {
  origin: "https://open.feishu.cn",
  token: {
    path: "/open-apis/auth/v3/tenant_access_token/internal",
    headers: {},
    answer: (value = "t-g1044ghJRUIJJ5ELPPDAOSFWTRB2EMKSNXTAFCKC") => ({ code: 0, msg: "ok", tenant_access_token: value, expire: 7200 }),
  },
  api: { path: "/open-apis/helpdesk/v1/events/subscribe", headers: {} },
};

/** DingTalk over a MockAgent: the internal-app token endpoint and subscribe for unionId `u1`, default answers. */
export const DINGTALK_VENDOR: MockedVendor = {
  origin: "https://api.dingtalk.com",
  token: { path: "/v1.0/oauth2/accessToken", headers: {}, answer: (accessToken = "fd3c1b05b8e23d8fa0b6c1f0a4e9d2b7") => ({ accessToken, expireIn: 7200 }) },
  api: { path: "/v1.0/storage/events/subscribe?unionId=u1", headers: {} },
};
