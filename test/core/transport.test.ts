import { afterEach, describe, expect, it } from "vitest";
import { errors, type MockAgent } from "undici";
import { ConfigError, NetworkError, TimeoutError } from "../../provider/core/errors";
import { HttpTransport, parseJsonLeniently, type TransportRequest } from "../../provider/core/transport";
import { caught, mockAgent } from "./helpers";

const ORIGIN = "https://api.dingtalk.com";
const context = { vendor: "dingtalk" as const, operation: "subscribe", target: "ORG:ding123" };

function post(path: string, extra: Partial<TransportRequest> = {}): TransportRequest {
  return { method: "POST", url: new URL(ORIGIN + path), headers: {}, json: { a: 1 }, context, ...extra };
}

describe("HttpTransport", () => {
  let agent: MockAgent;
  afterEach(() => {
    agent.assertNoPendingInterceptors();
  });

  it("sends JSON and returns status, lower-cased headers, text and parsed JSON", async () => {
    agent = mockAgent();
    let seen: { headers?: unknown; body?: unknown } = {};
    agent
      .get(ORIGIN)
      .intercept({ path: "/v1.0/x?unionId=u%201", method: "POST" })
      .reply((opts) => {
        seen = opts;
        return { statusCode: 200, data: '{"success":true}', responseOptions: { headers: { "X-Acs-Request-Id": "RID-1" } } };
      });
    const transport = new HttpTransport({ dispatcher: agent });
    const response = await transport.send(post("/v1.0/x?unionId=u%201", { headers: { "X-Custom": "v" } }));
    expect(response).toEqual({ status: 200, headers: { "x-acs-request-id": "RID-1" }, text: '{"success":true}', json: { success: true } });
    expect(seen.body).toBe('{"a":1}');
    expect(seen.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", "x-custom": "v", accept: "application/json" });
  });

  it("returns non-JSON bodies as text, such as DingTalk's HTML ban page", async () => {
    agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: "/ban", method: "POST" }).reply(403, "<html><body>punish deny</body></html>", {
      headers: { "content-type": "text/html" },
    });
    const response = await new HttpTransport({ dispatcher: agent }).send(post("/ban"));
    expect(response.status).toBe(403);
    expect(response.json).toBeUndefined();
    expect(response.text).toContain("punish");
  });

  it("never follows redirects: a 3xx comes back as an answer", async () => {
    agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: "/moved", method: "POST" }).reply(302, "", { headers: { location: "https://evil.example/steal" } });
    const response = await new HttpTransport({ dispatcher: agent }).send(post("/moved"));
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("https://evil.example/steal");
  });

  it("maps a dropped connection to NetworkError with the cause", async () => {
    agent = mockAgent();
    const cause = new errors.SocketError("other side closed");
    agent.get(ORIGIN).intercept({ path: "/drop", method: "POST" }).replyWithError(cause);
    const error = await caught(() => new HttpTransport({ dispatcher: agent }).send(post("/drop")));
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      "DingTalk subscribe ORG:ding123 failed: network error reaching api.dingtalk.com (UND_ERR_SOCKET: other side closed). " +
        "Check connectivity, DNS and the HTTPS_PROXY / NO_PROXY settings.",
    );
  });

  it.each([
    [new errors.ConnectTimeoutError(), "connect"],
    [new errors.HeadersTimeoutError(), "headers"],
    [new errors.BodyTimeoutError(), "body"],
  ])("maps undici's %s to TimeoutError", async (cause, phase) => {
    agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: "/slow", method: "POST" }).replyWithError(cause);
    const error = await caught(() => new HttpTransport({ dispatcher: agent }).send(post("/slow")));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).phase).toBe(phase);
    expect(error.cause).toBe(cause);
  });

  it("enforces the overall deadline", async () => {
    agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: "/hang", method: "POST" }).reply(200, "{}").delay(2_000);
    const started = Date.now();
    const error = await caught(() => new HttpTransport({ dispatcher: agent, requestTimeoutMs: 30 }).send(post("/hang")));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.message).toBe("DingTalk subscribe ORG:ding123 failed: api.dingtalk.com did not answer within 30 ms (deadline timeout).");
  });

  it("refuses header values with CR/LF before sending anything", async () => {
    agent = mockAgent();
    const error = await caught(() =>
      new HttpTransport({ dispatcher: agent }).send(post("/x", { headers: { "x-acs-dingtalk-access-token": "tok\r\nX-Evil: 1" } })),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toBe("header x-acs-dingtalk-access-token must not contain line breaks or NUL characters.");
  });

  it("caps the body it reads", async () => {
    agent = mockAgent();
    agent.get(ORIGIN).intercept({ path: "/big", method: "POST" }).reply(200, "x".repeat(5000));
    const response = await new HttpTransport({ dispatcher: agent, maxBodyBytes: 100 }).send(post("/big"));
    expect(response.text).toHaveLength(100);
  });
});

describe("parseJsonLeniently", () => {
  it.each([
    ['{"status":1111,"punish":"deny"}', { status: 1111, punish: "deny" }],
    ["  [1] ", [1]],
    ["<html></html>", undefined],
    ["{broken", undefined],
    ["", undefined],
    ["42", undefined],
  ])("parses %j", (text, value) => {
    expect(parseJsonLeniently(text)).toEqual(value);
  });
});
