import { describe, expect, it } from "vitest";
import { AuthError, VendorApiError } from "../../provider/core/errors";
import { DingTalkClient, type DingTalkClientInit } from "../../provider/dingtalk/client";
import type { DingTalkCredentials } from "../../provider/dingtalk/credentials";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { caught } from "../core/helpers";
import { emulatorForClients } from "../emulator/helpers";

// The project's emulator over loopback: real HTTP, real vendor answers.
const APP = DEFAULT_CREDENTIALS.dingtalk.apps[0]!;
const SUITE = DEFAULT_CREDENTIALS.dingtalk.suites[0]!;
const SCOPE = { scope: "ORG" as const, scopeId: APP.corpId, unionId: "union-operator-1" };

const env = emulatorForClients();
const client = (opts: { credentials?: DingTalkCredentials; options?: DingTalkClientInit["options"] } = {}) =>
  env.client((deps) => new DingTalkClient({ ...deps, credentials: opts.credentials ?? { kind: "app", appKey: APP.appKey, appSecret: APP.appSecret }, options: opts.options }));

describe("DingTalkClient against the emulator", () => {
  it("subscribes and unsubscribes an internal app", async () => {
    const { client: c } = client();
    await c.subscribe(SCOPE);
    expect(env.emulator.subscriptions().dingtalk).toEqual([{ app: APP.appKey, ...SCOPE }]);
    await c.unsubscribe(SCOPE);
    expect(env.emulator.subscriptions().dingtalk).toEqual([]);
    expect(env.ops("token")).toHaveLength(1);
  });

  it("works as a third-party app", async () => {
    const { client: c } = client({ credentials: { kind: "suite", ...SUITE } });
    await c.subscribe(SCOPE);
    expect(env.emulator.subscriptions().dingtalk).toHaveLength(1);
  });

  it("refreshes an expired token once and carries on", async () => {
    env.emulator.setFaults({ tokenMaxUses: 1 });
    const { client: c } = client();
    await c.subscribe(SCOPE);
    await c.subscribe({ ...SCOPE, unionId: "union-operator-2" });
    expect(env.ops("token")).toHaveLength(2);
    expect(env.ops("subscribe").map((e) => `${e.status} ${e.code}`)).toEqual(["200 ok", "400 InvalidAuthentication", "200 ok"]);
  });

  it("retries the vendor's 403 throttle after ~1 s", async () => {
    env.emulator.setFaults({ throttleQps: 1 });
    const { client: c } = client();
    await Promise.all([c.subscribe(SCOPE), c.subscribe({ ...SCOPE, unionId: "union-operator-2" })]);
    expect(env.ops("subscribe").map((e) => e.code)).toContain("Forbidden.AccessDenied.QpsLimitForApi");
    expect(env.emulator.subscriptions().dingtalk).toHaveLength(1);
  });

  it("stays under the vendor's limit with maxQps", async () => {
    env.emulator.setFaults({ throttleQps: 3 });
    const { client: c, sleeps } = client({ options: { maxQps: 2 } });
    await Promise.all(["a", "b", "c", "d"].map((u) => c.subscribe({ ...SCOPE, unionId: u })));
    expect(env.ops("subscribe").map((e) => e.status)).toEqual([200, 200, 200, 200]);
    // The limiter, not a retry, held back the third and fourth call by about a second.
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) expect(ms).toBeGreaterThan(900);
  });

  it("gives up after maxAttempts on persistent 503s", async () => {
    env.emulator.setFaults({ failureRate: 1, failureKinds: ["503"] });
    const { client: c, logger } = client({ options: { maxAttempts: 3 } });
    const error = await caught(() => c.subscribe(SCOPE));
    expect(VendorApiError.isInstance(error) && error.vendorCode).toBe("operationTimeout");
    expect(env.ops("subscribe")).toHaveLength(3);
    expect(logger.lines).toHaveLength(2);
  });

  it("gives one debug line per round trip: where (host and path, no query), the status, the time, the request id; no secret", async () => {
    const { client: c, logger } = client();
    await c.subscribe(SCOPE);
    const debug = logger.debugLines;
    const seen = env.emulator.ledger();
    expect(debug).toHaveLength(seen.length);
    expect(debug[0]).toMatch(/^debug: DingTalk get access token app:\S+: POST 127\.0\.0\.1:\d+\/v1\.0\/oauth2\/accessToken answered 200 in \d+ ms \(request id \S+\)$/);
    expect(debug[1]).toMatch(/^debug: DingTalk subscribe ORG:\S+: POST 127\.0\.0\.1:\d+\/v1\.0\/storage\/events\/subscribe answered 200 in \d+ ms \(request id \S+\)$/);
    expect(debug.join("\n")).not.toContain(SCOPE.unionId);
    expect(debug.join("\n")).not.toContain(APP.appSecret);
  });

  it("retries a dropped connection", async () => {
    env.emulator.setFaults({ failureRate: 1, failureKinds: ["drop"] });
    const { client: c } = client({ options: { maxAttempts: 2 } });
    const error = await caught(() => c.subscribe(SCOPE));
    expect(error.name).toBe("NetworkError");
    expect(env.ops("subscribe")).toHaveLength(2);
  });

  it("reports bad credentials as AuthError without leaking them", async () => {
    const { client: c } = client({ credentials: { kind: "app", appKey: APP.appKey, appSecret: "wrong-secret-0123456789" } });
    const error = await caught(() => c.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).not.toContain("wrong-secret-0123456789");
    expect(env.ops("token")).toHaveLength(1);
    for (const secret of env.emulator.secrets()) expect(error.message).not.toContain(secret);
  });
});
