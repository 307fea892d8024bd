import { describe, expect, it } from "vitest";
import { errors } from "undici";
import { AuthError, ConfigError, VendorApiError } from "../../provider/core/errors";
import type { FeishuCredentials } from "../../provider/feishu/credentials";
import { FeishuClient, type FeishuClientInit, type HelpdeskEventPair } from "../../provider/feishu/client";
import { caught, fixture, mockedClients, thrown, type Seen } from "../core/helpers";

const ORIGIN = "https://open.feishu.cn";
const APP_ID = "cli_a1b2c3d4e5f6a7b8";
const APP_SECRET = "Vq3Yk9Lm2Np5Rs8Tu1Wx4Za7Bc0De3Fg";
const TOKEN_1 = "t-g1044ghJRUIJJ5ELPPDAOSFWTRB2EMKSNXTAFCKC";
const TOKEN_2 = "t-g1044ghKZZZZJ5ELPPDAOSFWTRB2EMKSNXTAFQQQ";
const HELPDESK_ID = "6939771743531696147";
const HELPDESK_TOKEN = "ht-8a1b2c3d-4e5f-6789-abcd-ef0123456789";
const HELPDESK_AUTH = Buffer.from(`${HELPDESK_ID}:${HELPDESK_TOKEN}`).toString("base64");
const EVENTS: HelpdeskEventPair[] = [{ type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" }];
const SUBSCRIBE = "/open-apis/helpdesk/v1/events/subscribe";
const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";
const LOG_ID = "202401011200004F3A9C1E7B2D4E8A9F06";
const TARGET = `helpdesk:${HELPDESK_ID} (helpdesk.ticket_message/ticket_message.created_v1)`;

const feishu = mockedClients({
  origin: ORIGIN,
  token: { path: TOKEN_PATH, headers: { "x-tt-logid": LOG_ID }, answer: (value = TOKEN_1) => ({ code: 0, msg: "ok", tenant_access_token: value, expire: 7200 }) },
  api: { path: SUBSCRIBE, headers: { "content-type": "application/json; charset=utf-8" } },
});

function setup(opts: { credentials?: FeishuCredentials; options?: FeishuClientInit["options"] } = {}) {
  return feishu.setup(
    (deps) =>
      new FeishuClient({
        ...deps,
        credentials: opts.credentials ?? { kind: "app", appId: APP_ID, appSecret: APP_SECRET },
        helpdesk: { helpdeskId: HELPDESK_ID, helpdeskToken: HELPDESK_TOKEN },
        options: opts.options,
      }),
  );
}

const apiCalls = (seen: Seen[]) => seen.filter((s) => s.path.startsWith("/open-apis/helpdesk/"));
const tokenFetches = (seen: Seen[]) => seen.filter((s) => s.path === TOKEN_PATH);
const ok = () => fixture("feishu", "200-subscribe");

describe("FeishuClient requests", () => {
  it("subscribes with the tenant token, the helpdesk authorization and the event pairs", async () => {
    const t = setup();
    t.token();
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(t.seen[0]).toMatchObject({ path: TOKEN_PATH, body: { app_id: APP_ID, app_secret: APP_SECRET } });
    const [call] = apiCalls(t.seen);
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN_1}`);
    expect(call!.headers["x-lark-helpdesk-authorization"]).toBe(HELPDESK_AUTH);
    expect(call!.body).toEqual({ events: EVENTS });
  });

  it("unsubscribes at its own path", async () => {
    const t = setup();
    t.token();
    t.api(200, ok(), {}, "/open-apis/helpdesk/v1/events/unsubscribe");
    await t.client.unsubscribe([{ type: "helpdesk.ticket", subtype: "ticket.updated_v1" }]);
    expect(apiCalls(t.seen)[0]!.body).toEqual({ events: [{ type: "helpdesk.ticket", subtype: "ticket.updated_v1" }] });
  });

  it("sends nothing for an empty list", async () => {
    const t = setup();
    await t.client.subscribe([]);
    expect(t.seen).toEqual([]);
  });

  it("branches on code, never on msg", async () => {
    const t = setup();
    t.token();
    t.api(200, { code: 0, msg: "error", data: {} });
    t.api(200, { code: 154003, msg: "success" });
    await t.client.subscribe(EVENTS);
    const error = (await caught(() => t.client.subscribe(EVENTS))) as VendorApiError;
    expect(error.vendorCode).toBe("154003");
  });

  it("uses a configured tenant token without fetching one", async () => {
    const t = setup({ credentials: { kind: "token", tenantAccessToken: "t-preissuedTenantToken0123456789" } });
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(apiCalls(t.seen)[0]!.headers.authorization).toBe("Bearer t-preissuedTenantToken0123456789");
  });
});

describe("FeishuClient tokens", () => {
  it("fetches one token for N concurrent calls", async () => {
    const t = setup();
    t.token().delay(20);
    for (let i = 0; i < 8; i++) t.api(200, ok());
    await Promise.all(Array.from({ length: 8 }, () => t.client.subscribe(EVENTS)));
    expect(tokenFetches(t.seen)).toHaveLength(1);
  });

  it.each(["400-99991661", "401-99991663", "401-99991665"])("on %s drops the token and retries once with a fresh one", async (name) => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(Number(name.slice(0, 3)), fixture("feishu", name));
    t.token(TOKEN_2);
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(apiCalls(t.seen).map((s) => s.headers.authorization)).toEqual([`Bearer ${TOKEN_1}`, `Bearer ${TOKEN_2}`]);
    expect(t.tokenCache.stats()).toMatchObject({ fetches: 2, invalidations: 1 });
    expect(t.clock.sleeps).toEqual([]);
  });

  it("refreshes at most once per call", async () => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(401, fixture("feishu", "401-99991663"));
    t.token(TOKEN_2);
    t.api(401, fixture("feishu", "401-99991665"));
    const error = await caught(() => t.client.subscribe(EVENTS));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(apiCalls(t.seen)).toHaveLength(2);
    expect(tokenFetches(t.seen)).toHaveLength(2);
  });

  it("cannot refresh a configured token: AuthError asking for a new feishu:tenantAccessToken", async () => {
    const t = setup({ credentials: { kind: "token", tenantAccessToken: "t-staleTenantToken0123456789abc" } });
    t.api(401, fixture("feishu", "401-99991663"));
    const error = await caught(() => t.client.subscribe(EVENTS));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).toContain("set a new feishu:tenantAccessToken");
    expect(error.message).not.toContain("t-staleTenantToken0123456789abc");
  });

  it.each(["400-10014", "400-99991543"])("turns %s at the token endpoint into AuthError without retrying", async (name) => {
    const t = setup();
    t.token(undefined, 400, fixture("feishu", name));
    const error = await caught(() => t.client.subscribe(EVENTS));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).toContain("Check feishu:appId and feishu:appSecret.");
    expect(error.message).toMatch(new RegExp(`^Feishu get tenant access token app:${APP_ID} failed: 400 ${name.slice(4)}: `));
    expect(tokenFetches(t.seen)).toHaveLength(1);
  });

  it("treats a token answer with a non-zero code and HTTP 200 as a failure", async () => {
    const t = setup();
    t.token(undefined, 200, { code: 10014, msg: "app secret invalid" });
    expect(AuthError.isInstance(await caught(() => t.client.subscribe(EVENTS)))).toBe(true);
  });
});

describe("FeishuClient retries", () => {
  it("waits x-ogw-ratelimit-reset on 429 99991400", async () => {
    const t = setup();
    t.token();
    t.api(429, fixture("feishu", "429-99991400"), { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "2" });
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(t.clock.sleeps).toEqual([2000]);
    expect(t.logger.lines).toEqual([`info: Feishu subscribe ${TARGET}: attempt 1/6 failed (429 99991400); retrying in 2.0 s`]);
  });

  it("treats 400 99991400 (older APIs) as throttling too", async () => {
    const t = setup();
    t.token();
    t.api(400, fixture("feishu", "429-99991400"), { "x-ogw-ratelimit-reset": "1" });
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(t.clock.sleeps).toEqual([1000]);
  });

  it("retries 155000 on 500 and 503 with backoff", async () => {
    const t = setup();
    t.token();
    t.api(500, fixture("feishu", "500-155000"));
    t.api(503, fixture("feishu", "503-155000"));
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(t.clock.sleeps).toEqual([125, 250]);
  });

  it("retries a dropped connection and a timeout", async () => {
    const t = setup({ options: { requestTimeoutMs: 30 } });
    t.token();
    t.pool.intercept({ path: SUBSCRIBE, method: "POST" }).replyWithError(new errors.SocketError("other side closed"));
    t.api(200, ok()).delay(2_000);
    t.api(200, ok());
    await t.client.subscribe(EVENTS);
    expect(t.logger.lines.map((l) => l.replace(/.*failed \((.*)\);.*/, "$1"))).toEqual(["network error (UND_ERR_SOCKET)", "timeout (deadline)"]);
  });

  it("bounds the attempts and the elapsed time", async () => {
    const t = setup({ options: { maxAttempts: 4, maxRetryElapsedMs: 5_000 } });
    t.token();
    for (let i = 0; i < 3; i++) t.api(429, fixture("feishu", "429-99991400"), { "x-ogw-ratelimit-reset": "2" });
    const error = await caught(() => t.client.subscribe(EVENTS));
    // 0 s, 2 s, 4 s; a third wait would end at 6 s > 5 s.
    expect(apiCalls(t.seen)).toHaveLength(3);
    expect(t.clock.sleeps).toEqual([2000, 2000]);
    expect(error.message).toContain("lower feishu:maxQps");
  });
});

describe("FeishuClient refusals (never retried)", () => {
  it.each([
    ["400-154000", "events[0].subtype"],
    ["403-154003", "Check feishu:helpdeskId and feishu:helpdeskToken, and that the app has the helpdesk:all:readonly permission."],
  ])("%s: one attempt, with a hint", async (name, hint) => {
    const t = setup();
    t.token();
    t.api(Number(name.slice(0, 3)), fixture("feishu", name));
    const error = (await caught(() => t.client.subscribe(EVENTS))) as VendorApiError;
    expect(VendorApiError.isInstance(error)).toBe(true);
    expect(error.hint).toContain(hint);
    expect(apiCalls(t.seen)).toHaveLength(1);
    expect(t.clock.sleeps).toEqual([]);
  });

  it("formats the message with the log id", async () => {
    const t = setup();
    t.token();
    t.api(403, fixture("feishu", "403-154003"));
    const error = await caught(() => t.client.subscribe(EVENTS));
    expect(error.message).toBe(
      `Feishu subscribe ${TARGET} failed: 403 154003: no access: invalid helpdesk authorization (log id ${LOG_ID}). ` +
        "Check feishu:helpdeskId and feishu:helpdeskToken, and that the app has the helpdesk:all:readonly permission.",
    );
  });

  it("takes the log id from X-Tt-Logid when the body has none", async () => {
    const t = setup();
    t.token();
    t.api(400, { code: 99991401, msg: "ip not in allow list" }, { "X-Tt-Logid": "HDRLOG42" });
    const error = (await caught(() => t.client.subscribe(EVENTS))) as VendorApiError;
    expect(error.requestId).toBe("HDRLOG42");
    expect(error.hint).toContain("IP allow-list");
    expect(apiCalls(t.seen)).toHaveLength(1);
  });

  it("names the missing scope for 99991672", async () => {
    const t = setup();
    t.token();
    t.api(400, {
      code: 99991672,
      msg: "Access denied. One of the following scopes is required: [helpdesk:all:readonly]",
      error: { log_id: LOG_ID, permission_violations: [{ type: "action_scope_required", subject: "helpdesk:all:readonly" }] },
    });
    const error = (await caught(() => t.client.subscribe(EVENTS))) as VendorApiError;
    expect(error.hint).toBe("Grant the app these scopes in the developer console and publish a new app version: helpdesk:all:readonly.");
    expect(apiCalls(t.seen)).toHaveLength(1);
  });

  it("does not follow a redirect", async () => {
    const t = setup();
    t.token();
    t.api(301, "", { location: "https://evil.example/" });
    const error = (await caught(() => t.client.subscribe(EVENTS))) as VendorApiError;
    expect(error.httpStatus).toBe(301);
    expect(apiCalls(t.seen)).toHaveLength(1);
  });
});

describe("FeishuClient secrets and settings", () => {
  it("keeps the app secret, tokens and helpdesk authorization out of messages and logs", async () => {
    const t = setup();
    t.token(TOKEN_1);
    t.api(500, fixture("feishu", "500-155000"));
    t.api(403, {
      code: 154003,
      msg: `no access for ${HELPDESK_AUTH} / ${HELPDESK_TOKEN} / ${TOKEN_1} / ${APP_SECRET}`,
      error: { log_id: LOG_ID },
    });
    const error = (await caught(() => t.client.subscribe(EVENTS))) as VendorApiError;
    const everything = [error.message, String(error), JSON.stringify(error), error.vendorMessage, ...t.logger.lines].join("\n");
    for (const secret of [HELPDESK_AUTH, HELPDESK_TOKEN, TOKEN_1, APP_SECRET]) expect(everything).not.toContain(secret);
    expect(error.message).toContain("no access for [redacted] / [redacted] / [redacted] / [redacted]");
  });

  it("rejects a helpdesk token with a line break, naming the key", () => {
    const error = thrown(
      () =>
        new FeishuClient({
          endpoint: new URL(ORIGIN),
          credentials: { kind: "app", appId: APP_ID, appSecret: APP_SECRET },
          helpdesk: { helpdeskId: HELPDESK_ID, helpdeskToken: "ht-line\nbreak-0123" },
          dispatcher: feishu.agent(),
        }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).keys).toEqual(["feishu:helpdeskToken"]);
    expect((error as Error).message).not.toContain("ht-line");
  });

  it("requires https for non-loopback endpoints", () => {
    const agent = feishu.agent();
    expect(
      () =>
        new FeishuClient({
          endpoint: new URL("http://open.feishu.cn"),
          credentials: { kind: "app", appId: APP_ID, appSecret: APP_SECRET },
          helpdesk: { helpdeskId: HELPDESK_ID, helpdeskToken: HELPDESK_TOKEN },
          dispatcher: agent,
        }),
    ).toThrow("feishu:endpoint must use https:");
  });
});
