/**
 * The same logical operation from the project's clients and from the vendors' official SDKs, as a
 * capture server on loopback receives it: method, path, query (byte for byte), the headers the
 * vendor reads, and the JSON body must match; every other header difference must be on the list
 * of differences that do not matter.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../provider/core/logger";
import { TokenCache } from "../../provider/core/token-cache";
import { DingTalkClient } from "../../provider/dingtalk/client";
import { FeishuClient } from "../../provider/feishu/client";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { CAPTURED_TOKENS, startCapture, type CapturedRequest } from "./capture";
import { $OAuth2, connectionGuard, dingTalkSdk, dingTalkStorage, isLoopback, lark, larkSdk } from "./sdk";

const DT_APP = DEFAULT_CREDENTIALS.dingtalk.apps[0]!;
const DT_SUITE = DEFAULT_CREDENTIALS.dingtalk.suites[0]!;
const FS_APP = DEFAULT_CREDENTIALS.feishu.apps[0]!;
const HELPDESK = DEFAULT_CREDENTIALS.feishu.helpdesks[0]!;
// A unionId with every character a query can get wrong.
const UNION_ID = "a+b&c=d#e/../%2F x\u200F中";

/**
 * Headers that differ between the project's clients and the SDKs and that no vendor reads:
 * - `user-agent`: each names itself (`pulumi-dingtalk-feishu…`, `AlibabaCloud (…) TeaDSL/1`, `oapi-node-sdk/1.74.0`).
 * - `accept`: `application/json` from the project and DingTalk's SDK, `application/json, text/plain, *\/*` from axios.
 * - `accept-encoding`: undici sends none here; axios and Tea ask for gzip/deflate/br (the answer is the same JSON).
 * - `connection`: keep-alive handling of each HTTP stack.
 * - `content-length` / `transfer-encoding`: undici sends a length, Tea streams the body chunked; the
 *   body itself is compared.
 * Any other header that differs fails the test until it is understood and listed here.
 */
const IRRELEVANT_HEADERS = new Set(["user-agent", "accept", "accept-encoding", "connection", "content-length", "transfer-encoding"]);

/** The headers each vendor reads. */
const VENDOR_HEADERS = {
  dingtalk: ["x-acs-dingtalk-access-token", "content-type"],
  feishu: ["authorization", "x-lark-helpdesk-authorization", "content-type"],
} as const;

const guard = connectionGuard();
let capture: Awaited<ReturnType<typeof startCapture>>;
const dispatcher = new Agent();
beforeAll(async () => {
  capture = await startCapture();
});
afterAll(async () => {
  expect(guard.hosts.length).toBeGreaterThan(0);
  expect(guard.hosts.filter((h) => !isLoopback(h))).toEqual([]);
  await dispatcher.close();
  await capture.stop();
});

/** Names of the headers that differ (in value or presence) between two requests. */
function differingHeaders(a: CapturedRequest, b: CapturedRequest): string[] {
  // WIRE_DEBUG=1 prints both requests of each pair.
  if (process.env["WIRE_DEBUG"]) console.log(JSON.stringify({ ours: a, sdk: b }, null, 1));
  const names = new Set([...Object.keys(a.headers), ...Object.keys(b.headers)]);
  return [...names].filter((n) => JSON.stringify(a.headers[n]) !== JSON.stringify(b.headers[n])).sort();
}

/** Asserts one request pair is the same to the vendor; returns the differing header names for the report. */
function expectSameToVendor(
  ours: CapturedRequest,
  sdk: CapturedRequest,
  vendor: "dingtalk" | "feishu",
  normalize: (name: string, value: string) => string = (_n, v) => v,
  sameBytes = true,
): string[] {
  expect([ours.method, ours.path, ours.rawQuery]).toEqual([sdk.method, sdk.path, sdk.rawQuery]);
  expect(JSON.parse(ours.body)).toEqual(JSON.parse(sdk.body));
  expect(ours.body === sdk.body).toBe(sameBytes);
  for (const name of VENDOR_HEADERS[vendor]) {
    const value = (r: CapturedRequest) => (r.headers[name] === undefined ? undefined : normalize(name, mediaType(name, String(r.headers[name]))));
    expect([name, value(ours)]).toEqual([name, value(sdk)]);
  }
  const differing = differingHeaders(ours, sdk).filter((n) => !IRRELEVANT_HEADERS.has(n));
  return differing;
}

/** A content type as the vendor parses it: the media type; parameters (`charset=utf-8`, JSON's default) aside. */
function mediaType(name: string, value: string): string {
  return name === "content-type" ? value.split(";")[0]!.trim().toLowerCase() : value;
}

function projectDingTalk(credentials: ConstructorParameters<typeof DingTalkClient>[0]["credentials"]): DingTalkClient {
  return new DingTalkClient({ endpoint: new URL(capture.url), credentials, dispatcher, tokenCache: new TokenCache(), logger: silentLogger });
}

describe("DingTalk: the project's client and @alicloud/dingtalk send the same requests", () => {
  it.each([
    ["subscribe", "ORG", DT_APP.corpId],
    ["subscribe", "SPACE", "space-7&x/y"],
    ["unsubscribe", "ORG", DT_APP.corpId],
    ["unsubscribe", "SPACE", "space-7&x/y"],
  ] as const)("internal app: token, then %s %s", async (op, scope, scopeId) => {
    capture.take();
    await projectDingTalk({ kind: "app", appKey: DT_APP.appKey, appSecret: DT_APP.appSecret })[op]({ scope, scopeId, unionId: UNION_ID });
    const ours = capture.take();
    const sdk = dingTalkSdk(capture.url);
    const token = (await sdk.oauth.getAccessToken(new $OAuth2.GetAccessTokenRequest({ appKey: DT_APP.appKey, appSecret: DT_APP.appSecret }))).body!.accessToken!;
    expect(token).toBe(CAPTURED_TOKENS.dingtalk);
    await dingTalkStorage(sdk.storage, op, token, { scope, scopeId, unionId: UNION_ID });
    const theirs = capture.take();
    expect(ours.map((r) => r.path)).toEqual(["/v1.0/oauth2/accessToken", `/v1.0/storage/events/${op}`]);
    expect(theirs.map((r) => r.path)).toEqual(ours.map((r) => r.path));
    expect(expectSameToVendor(ours[0]!, theirs[0]!, "dingtalk")).toEqual([]);
    expect(expectSameToVendor(ours[1]!, theirs[1]!, "dingtalk")).toEqual([]);
    expect(ours[1]!.headers["x-acs-dingtalk-access-token"]).toBe(CAPTURED_TOKENS.dingtalk);
    expect(new URLSearchParams(ours[1]!.rawQuery).get("unionId")).toBe(UNION_ID);
  });

  it("third-party app: the corp token request", async () => {
    capture.take();
    await projectDingTalk({ kind: "suite", suiteKey: DT_SUITE.suiteKey, suiteSecret: DT_SUITE.suiteSecret, suiteTicket: DT_SUITE.suiteTicket, authCorpId: DT_SUITE.authCorpId }).subscribe({ scope: "ORG", scopeId: DT_SUITE.authCorpId, unionId: UNION_ID });
    const ours = capture.take();
    await dingTalkSdk(capture.url).oauth.getCorpAccessToken(
      new $OAuth2.GetCorpAccessTokenRequest({ suiteKey: DT_SUITE.suiteKey, suiteSecret: DT_SUITE.suiteSecret, authCorpId: DT_SUITE.authCorpId, suiteTicket: DT_SUITE.suiteTicket }),
    );
    const theirs = capture.take();
    expect([ours[0]!.path, theirs[0]!.path]).toEqual(["/v1.0/oauth2/corpAccessToken", "/v1.0/oauth2/corpAccessToken"]);
    // The same JSON object; the SDK writes its keys in another order (authCorpId first).
    expect(expectSameToVendor(ours[0]!, theirs[0]!, "dingtalk", undefined, false)).toEqual([]);
  });
});

describe("Feishu: the project's client and @larksuiteoapi/node-sdk send the same requests", () => {
  const events = [
    { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
    { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
  ];
  // The one difference a vendor reads: the Node SDK prefixes the helpdesk credential with
  // "Bearer "; Feishu's doc and its Go SDK send it bare, as the project does. The emulator takes both.
  const bareHelpdesk = (name: string, value: string) => (name === "x-lark-helpdesk-authorization" ? value.replace(/^Bearer /, "") : value);

  it.each(["subscribe", "unsubscribe"] as const)("tenant token, then %s", async (op) => {
    capture.take();
    const ours = new FeishuClient({
      endpoint: new URL(capture.url),
      credentials: { kind: "app", appId: FS_APP.appId, appSecret: FS_APP.appSecret },
      helpdesk: { helpdeskId: HELPDESK.helpdeskId, helpdeskToken: HELPDESK.helpdeskToken },
      dispatcher,
      tokenCache: new TokenCache(),
      logger: silentLogger,
    });
    await ours[op](events);
    const mine = capture.take();
    const sdk = larkSdk(capture.url, { appId: FS_APP.appId, appSecret: FS_APP.appSecret, helpDeskId: HELPDESK.helpdeskId, helpDeskToken: HELPDESK.helpdeskToken });
    await sdk.helpdesk.event[op]({ data: { events } }, lark.withHelpDeskCredential());
    const theirs = capture.take();
    expect(mine.map((r) => r.path)).toEqual(["/open-apis/auth/v3/tenant_access_token/internal", `/open-apis/helpdesk/v1/events/${op}`]);
    expect(theirs.map((r) => r.path)).toEqual(mine.map((r) => r.path));
    // content-type: the project sends `application/json; charset=utf-8` (the form in Feishu's docs),
    // axios `application/json`; the media type is compared above, the parameter is JSON's default.
    expect(expectSameToVendor(mine[0]!, theirs[0]!, "feishu")).toEqual(["content-type"]);
    expect(expectSameToVendor(mine[1]!, theirs[1]!, "feishu", bareHelpdesk)).toEqual(["content-type", "x-lark-helpdesk-authorization"]);
    expect(mine[1]!.headers["x-lark-helpdesk-authorization"]).toBe(Buffer.from(`${HELPDESK.helpdeskId}:${HELPDESK.helpdeskToken}`).toString("base64"));
    expect(theirs[1]!.headers["x-lark-helpdesk-authorization"]).toBe(`Bearer ${mine[1]!.headers["x-lark-helpdesk-authorization"]}`);
    expect(mine[1]!.headers["authorization"]).toBe(`Bearer ${CAPTURED_TOKENS.feishu}`);
  });
});

describe("the project's User-Agent", () => {
  it("names the package and its version", async () => {
    capture.take();
    await projectDingTalk({ kind: "token", accessToken: CAPTURED_TOKENS.dingtalk }).subscribe({ scope: "ORG", scopeId: DT_APP.corpId, unionId: "u" });
    const ua = String(capture.take()[0]!.headers["user-agent"]);
    const { version } = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
    expect(ua).toBe(`pulumi-dingtalk-feishu/${version}`);
  });
});
