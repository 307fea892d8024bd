import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, ProviderError, TimeoutError } from "../../provider/core/errors";
import { HttpTransport, type TransportRequest } from "../../provider/core/transport";
import { caught, mockAgent } from "./helpers";

// Issue 9, section 3: the per-attempt deadline holds through a proxy, the proxy connection gets
// the timeouts, and loopback endpoints are never proxied. Section 7: header characters.

const context = { vendor: "dingtalk" as const, operation: "subscribe", target: "ORG:ding123" };
const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"] as const;

/** Accepts TCP connections and never answers (a proxy that hangs on CONNECT). */
async function silentProxy() {
  const sockets: Socket[] = [];
  const closed: number[] = [];
  const server: Server = createServer((socket) => {
    const opened = Date.now();
    sockets.push(socket);
    socket.resume(); // read (and drop) the CONNECT, so that a close by the client is seen
    socket.on("error", () => {});
    socket.on("close", () => closed.push(Date.now() - opened));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    closed,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let saved: Record<string, string | undefined> = {};
const cleanups: Array<() => Promise<void>> = [];
beforeEach(() => {
  saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
  for (const k of PROXY_VARS) delete process.env[k];
});
afterEach(async () => {
  for (const k of PROXY_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  while (cleanups.length) await cleanups.pop()!();
});

describe("deadline through a proxy", () => {
  it("ends an attempt near requestTimeoutMs when the proxy never answers CONNECT, and closes the proxy connection", async () => {
    const proxy = await silentProxy();
    cleanups.push(proxy.close);
    process.env.HTTPS_PROXY = proxy.url;
    // A host that is never resolved: with the proxy set, only the proxy is contacted.
    // connectTimeoutMs 4321 gives this test its own default dispatcher, built with the proxy above.
    const transport = new HttpTransport({ requestTimeoutMs: 300, connectTimeoutMs: 4321 });
    const request: TransportRequest = { method: "POST", url: new URL("https://api.vendor.invalid/v1.0/x"), headers: {}, json: {}, context };
    const started = Date.now();
    const error = await caught(() => transport.send(request));
    const took = Date.now() - started;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(300);
    expect(took).toBeGreaterThanOrEqual(290);
    // Raced against the deadline: not the proxy client's own timer, which ticks in whole seconds.
    expect(took).toBeLessThan(800);
    expect(proxy.sockets.length).toBe(1);
    // The proxy connection itself gives up (the proxy client got the timeouts), not after undici's 300 s default.
    const deadline = Date.now() + 3000;
    while (proxy.closed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(proxy.closed.length).toBe(1);
  }, 10_000);
});

describe("loopback endpoints are reached directly", () => {
  it("with HTTP_PROXY set and no NO_PROXY, a 127.0.0.1 endpoint is not sent through the proxy", async () => {
    const proxy = await silentProxy();
    cleanups.push(proxy.close);
    let served = 0;
    const server: HttpServer = createHttpServer((_req, res) => {
      served++;
      res.setHeader("content-type", "application/json");
      res.end('{"success":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const { port } = server.address() as AddressInfo;
    process.env.HTTP_PROXY = proxy.url;
    process.env.HTTPS_PROXY = proxy.url;
    const transport = new HttpTransport({ requestTimeoutMs: 1500, connectTimeoutMs: 4322 });
    const response = await transport.send({ method: "POST", url: new URL(`http://127.0.0.1:${port}/v1.0/x`), headers: {}, json: {}, context });
    expect(response.status).toBe(200);
    expect(served).toBe(1);
    expect(proxy.sockets.length).toBe(0);
  }, 10_000);
});

describe("header values HTTP cannot carry", () => {
  it("are a ConfigError before anything is sent, not a retried network error", async () => {
    const agent = mockAgent();
    const transport = new HttpTransport({ dispatcher: agent });
    const error = await caught(() =>
      transport.send({
        method: "POST",
        url: new URL("https://api.dingtalk.com/v1.0/x"),
        headers: { "x-acs-dingtalk-access-token": "abcdef0123456789\u200b" },
        context,
      }),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toContain("U+200B");
    expect(error.message).not.toContain("abcdef0123456789");
    expect(ProviderError.isInstance(error) && error.code).toBe("CONFIG_ERROR");
    agent.assertNoPendingInterceptors();
  });
});
