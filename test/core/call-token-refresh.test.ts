import { afterEach, describe, expect, it } from "vitest";
import type { MockAgent } from "undici";
import { AuthError } from "../../provider/core/errors";
import { TokenCache } from "../../provider/core/token-cache";
import { DingTalkClient } from "../../provider/dingtalk/client";
import { caught, fakeClock, fixture, memoryLogger, mockAgent } from "./helpers";

// VendorCaller.call: a token the vendor accepted before and now rejects has expired, which is
// refreshed whenever it happens; only tokens never accepted count against one refresh per call.
const ORIGIN = "https://api.dingtalk.com";
const SCOPE = { scope: "SPACE" as const, scopeId: "space-1", unionId: "union-1" };
const PATH = "/v1.0/storage/events/subscribe?unionId=union-1";
const TOKENS = ["tok-aaaaaaaaaaaaaaaaaaaa", "tok-bbbbbbbbbbbbbbbbbbbb", "tok-cccccccccccccccccccc", "tok-dddddddddddddddddddd"];

let agent: MockAgent;
afterEach(() => agent.assertNoPendingInterceptors());

function setup() {
  agent = mockAgent();
  const pool = agent.get(ORIGIN);
  const clock = fakeClock();
  const used: string[] = [];
  const client = new DingTalkClient({
    endpoint: new URL(ORIGIN),
    credentials: { kind: "app", appKey: "dingkey", appSecret: "app-secret-0123456789" },
    dispatcher: agent,
    tokenCache: new TokenCache({ now: clock.now }),
    logger: memoryLogger(),
    sleep: clock.sleep,
    now: clock.now,
    random: () => 0.5,
  });
  const token = (accessToken: string) =>
    pool.intercept({ path: "/v1.0/oauth2/accessToken", method: "POST" }).reply(200, { accessToken, expireIn: 7200 });
  const api = (ok: boolean) =>
    pool.intercept({ path: PATH, method: "POST" }).reply((o) => {
      used.push((o.headers as Record<string, string>)["x-acs-dingtalk-access-token"]!);
      return ok
        ? { statusCode: 200, data: JSON.stringify({ success: true }) }
        : { statusCode: 400, data: JSON.stringify(fixture("dingtalk", "400-InvalidAuthentication")) };
    });
  return { client, token, api, used };
}

describe("token refresh in VendorCaller.call", () => {
  it("refreshes a token that worked before without using up the call's one refresh", async () => {
    const t = setup();
    t.token(TOKENS[0]!);
    t.api(true);
    await t.client.subscribe(SCOPE);
    // The first token expired; the second was used up by others before this call got to it.
    t.api(false);
    t.token(TOKENS[1]!);
    t.api(false);
    t.token(TOKENS[2]!);
    t.api(true);
    await t.client.subscribe(SCOPE);
    expect(t.used).toEqual([TOKENS[0], TOKENS[0], TOKENS[1], TOKENS[2]]);
  });

  it("still gives up when three tokens in a row were never accepted", async () => {
    // Once the credentials have worked, a call tolerates two fresh tokens rejected (another
    // call's success with a shared one-use token may not be seen yet); a third means bad credentials.
    const t = setup();
    t.token(TOKENS[0]!);
    t.api(true);
    await t.client.subscribe(SCOPE);
    t.api(false);
    t.token(TOKENS[1]!);
    t.api(false);
    t.token(TOKENS[2]!);
    t.api(false);
    t.token(TOKENS[3]!);
    t.api(false);
    const error = await caught(() => t.client.subscribe(SCOPE));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).toContain("A freshly issued token was rejected too");
    expect(t.used).toEqual([TOKENS[0], TOKENS[0], TOKENS[1], TOKENS[2], TOKENS[3]]);
  });
});
