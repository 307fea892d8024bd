/**
 * A capture server on loopback: it records every request byte for byte and answers each path the
 * way the vendor answers success, so a client runs a whole operation (token, then the call).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it arrived. */
export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string, without `?` (encoding as sent). */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The fixed tokens the capture server hands out, so both clients present the same one. */
export const CAPTURED_TOKENS = { dingtalk: "0123456789abcdef0123456789abcdef", feishu: "t-g1040capturedTokenForWireTests000000" } as const;

const ANSWERS: Record<string, unknown> = {
  "/v1.0/oauth2/accessToken": { accessToken: CAPTURED_TOKENS.dingtalk, expireIn: 7200 },
  "/v1.0/oauth2/corpAccessToken": { accessToken: CAPTURED_TOKENS.dingtalk, expireIn: 7200 },
  "/v1.0/storage/events/subscribe": { success: true },
  "/v1.0/storage/events/unsubscribe": { success: true },
  "/open-apis/auth/v3/tenant_access_token/internal": { code: 0, msg: "ok", tenant_access_token: CAPTURED_TOKENS.feishu, expire: 7200 },
  "/open-apis/helpdesk/v1/events/subscribe": { code: 0, msg: "success", data: {} },
  "/open-apis/helpdesk/v1/events/unsubscribe": { code: 0, msg: "success", data: {} },
};

/** Starts the capture server on 127.0.0.1 and a free port. */
export async function startCapture(): Promise<{ url: string; requests: CapturedRequest[]; take(): CapturedRequest[]; stop(): Promise<void> }> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = req.url ?? "/";
      const q = raw.indexOf("?");
      const path = q < 0 ? raw : raw.slice(0, q);
      requests.push({ method: req.method ?? "", path, rawQuery: q < 0 ? "" : raw.slice(q + 1), headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = ANSWERS[path];
      const text = JSON.stringify(answer ?? { error: "not captured" });
      res.writeHead(answer === undefined ? 404 : 200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    take: () => requests.splice(0, requests.length),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
