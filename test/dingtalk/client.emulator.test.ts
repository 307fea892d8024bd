import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "undici";
import { realSleep } from "../../provider/core/clock";
import { AuthError, VendorApiError } from "../../provider/core/errors";
import { TokenCache } from "../../provider/core/token-cache";
import { DingTalkClient } from "../../provider/dingtalk/client";
import type { DingTalkCredentials } from "../../provider/dingtalk/credentials";
import { DEFAULT_CREDENTIALS, startEmulator, type Emulator } from "../../provider/emulator";
import { caught, memoryLogger } from "../core/helpers";

// The project's emulator over loopback: real HTTP, real vendor answers.
const APP = DEFAULT_CREDENTIALS.dingtalk.apps[0]!;
const SUITE = DEFAULT_CREDENTIALS.dingtalk.suites[0]!;
const SCOPE = { scope: "ORG" as const, scopeId: APP.corpId, unionId: "union-operator-1" };

let emulator: Emulator;
let dispatcher: Agent;
beforeAll(async () => {
  emulator = await startEmulator();
  // Not the shared proxy-aware agent: a proxy in the environment must not capture loopback calls here.
  dispatcher = new Agent();
});
afterAll(async () => {
  await dispatcher.close();
  await emulator.stop();
});
afterEach(() => emulator.reset());

function client(opts: { credentials?: DingTalkCredentials; options?: ConstructorParameters<typeof DingTalkClient>[0]["options"] } = {}) {
  const sleeps: number[] = [];
  const logger = memoryLogger();
  const c = new DingTalkClient({
    endpoint: new URL(emulator.url),
    credentials: opts.credentials ?? { kind: "app", appKey: APP.appKey, appSecret: APP.appSecret },
    dispatcher,
    tokenCache: new TokenCache(),
    options: opts.options,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
      await realSleep(ms);
    },
  });
  return { client: c, sleeps, logger };
}

const ops = (op: string) => emulator.ledger().filter((e) => e.op === op);

describe("DingTalkClient against the emulator", () => {
  it("subscribes and unsubscribes an internal app", async () => {
    const { client: c } = client();
    await c.subscribe(SCOPE);
    expect(emulator.subscriptions().dingtalk).toEqual([{ app: APP.appKey, ...SCOPE }]);
    await c.unsubscribe(SCOPE);
    expect(emulator.subscriptions().dingtalk).toEqual([]);
    expect(ops("token")).toHaveLength(1);
  });

  it("works as a third-party app", async () => {
    const { client: c } = client({ credentials: { kind: "suite", ...SUITE } });
    await c.subscribe(SCOPE);
    expect(emulator.subscriptions().dingtalk).toHaveLength(1);
  });

  it("refreshes an expired token once and carries on", async () => {
    emulator.setFaults({ tokenMaxUses: 1 });
    const { client: c } = client();
    await c.subscribe(SCOPE);
    await c.subscribe({ ...SCOPE, unionId: "union-operator-2" });
    expect(ops("token")).toHaveLength(2);
    expect(ops("subscribe").map((e) => `${e.status} ${e.code}`)).toEqual(["200 ok", "400 InvalidAuthentication", "200 ok"]);
  });

  it("retries the vendor's 403 throttle after ~1 s", async () => {
    emulator.setFaults({ throttleQps: 1 });
    const { client: c } = client();
    await Promise.all([c.subscribe(SCOPE), c.subscribe({ ...SCOPE, unionId: "union-operator-2" })]);
    expect(ops("subscribe").map((e) => e.code)).toContain("Forbidden.AccessDenied.QpsLimitForApi");
    expect(emulator.subscriptions().dingtalk).toHaveLength(1);
  });

  it("stays under the vendor's limit with maxQps", async () => {
    emulator.setFaults({ throttleQps: 3 });
    const { client: c, sleeps } = client({ options: { maxQps: 2 } });
    await Promise.all(["a", "b", "c", "d"].map((u) => c.subscribe({ ...SCOPE, unionId: u })));
    expect(ops("subscribe").map((e) => e.status)).toEqual([200, 200, 200, 200]);
    // The limiter, not a retry, held back the third and fourth call by about a second.
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(900);
  });

  it("gives up after maxAttempts on persistent 503s", async () => {
    emulator.setFaults({ failureRate: 1, failureKinds: ["503"] });
    const { client: c, logger } = client({ options: { maxAttempts: 3 } });
    const error = await caught(() => c.subscribe(SCOPE));
    expect(VendorApiError.isInstance(error) && error.vendorCode).toBe("operationTimeout");
    expect(ops("subscribe")).toHaveLength(3);
    expect(logger.lines).toHaveLength(2);
  });

  it("retries a dropped connection", async () => {
    emulator.setFaults({ failureRate: 1, failureKinds: ["drop"] });
    const { client: c } = client({ options: { maxAttempts: 2 } });
    const error = await caught(() => c.subscribe(SCOPE));
    expect(error.name).toBe("NetworkError");
    expect(ops("subscribe")).toHaveLength(2);
  });

  it("reports bad credentials as AuthError without leaking them", async () => {
    const { client: c } = client({ credentials: { kind: "app", appKey: APP.appKey, appSecret: "wrong-secret-0123456789" } });
    const error = await caught(() => c.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).not.toContain("wrong-secret-0123456789");
    expect(ops("token")).toHaveLength(1);
    for (const secret of emulator.secrets()) expect(error.message).not.toContain(secret);
  });
});
