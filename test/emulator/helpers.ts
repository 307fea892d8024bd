/**
 * Shared helpers for the emulator tests: HTTP calls, tokens, fixtures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CREDENTIALS, type Emulator } from "../../provider/emulator";

/** A decoded answer. */
export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** POSTs JSON (or a raw string) and decodes the JSON answer. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  init: { signal?: AbortSignal; method?: string } = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
}

/** GETs a JSON answer. */
export async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export const DT = DEFAULT_CREDENTIALS.dingtalk;
export const FS = DEFAULT_CREDENTIALS.feishu;
export const CORP = DT.apps[0]!.corpId;

/** The default internal app's DingTalk token. */
export async function dingTalkToken(emu: Emulator): Promise<string> {
  const app = DT.apps[0]!;
  const r = await post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: app.appKey, appSecret: app.appSecret });
  if (r.status !== 200) throw new Error(`token fetch failed: ${r.status}`);
  return r.body.accessToken as string;
}

/** The default app's Feishu tenant token. */
export async function feishuToken(emu: Emulator): Promise<string> {
  const app = FS.apps[0]!;
  const r = await post(`${emu.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    app_id: app.appId,
    app_secret: app.appSecret,
  });
  if (r.body.code !== 0) throw new Error(`token fetch failed: ${r.body.code}`);
  return r.body.tenant_access_token as string;
}

/** base64(helpdesk_id + ":" + helpdesk_token). */
export function helpdeskAuth(id = FS.helpdesks[0]!.helpdeskId, token = FS.helpdesks[0]!.helpdeskToken): string {
  return Buffer.from(`${id}:${token}`).toString("base64");
}

/** DingTalk storage-event call; `unionId: null` leaves the query out. */
export function dingTalkEvents(
  emu: Emulator,
  op: "subscribe" | "unsubscribe",
  token: string | undefined,
  body: unknown,
  unionId: string | null = "union-001",
  init: { signal?: AbortSignal } = {},
): Promise<Answer> {
  const query = unionId === null ? "" : `?unionId=${encodeURIComponent(unionId)}`;
  const headers: Record<string, string> = token === undefined ? {} : { "x-acs-dingtalk-access-token": token };
  return post(`${emu.url}/v1.0/storage/events/${op}${query}`, body, headers, init);
}

/** Feishu helpdesk-event call; `helpdesk: null` leaves the helpdesk header out. */
export function feishuEvents(
  emu: Emulator,
  op: "subscribe" | "unsubscribe",
  token: string | undefined,
  body: unknown,
  helpdesk: string | null = helpdeskAuth(),
  init: { signal?: AbortSignal } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
  if (helpdesk !== null) headers["x-lark-helpdesk-authorization"] = helpdesk;
  return post(`${emu.url}/open-apis/helpdesk/v1/events/${op}`, body, headers, init);
}

export const TICKET_MESSAGE = { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" };
export const TICKET_CREATED = { type: "helpdesk.ticket", subtype: "ticket.created_v1" };

/** A vendor fixture body from test/fixtures. */
export function fixture(vendor: "dingtalk" | "feishu", name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, "..", "fixtures", vendor, `${name}.json`), "utf8"));
}

/** The structure of a JSON value: keys and primitive types, values dropped. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  }
  return value === null ? "null" : typeof value;
}

/** A controllable clock. */
export function manualClock(start = Date.UTC(2024, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
