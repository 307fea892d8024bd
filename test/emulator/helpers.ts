/**
 * Shared helpers for the emulator tests: HTTP calls, tokens, fixtures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll } from "vitest";
import { realSleep } from "../../provider/core/clock";
import { TokenCache } from "../../provider/core/token-cache";
import { DEFAULT_CREDENTIALS, startEmulator, type Emulator, type LedgerEntry } from "../../provider/emulator";
import { memoryLogger } from "../core/helpers";

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

/** A DingTalk storage-event body: the default corp's ORG scope. */
export const ORG = { scope: "ORG", scopeId: CORP };
/** A Feishu helpdesk-event body: ticket messages. */
export const EVENTS = { events: [TICKET_MESSAGE] };

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

/** What a vendor client under test is built on: the emulator's URL over a plain Agent, real sleeps that are recorded. */
export interface EmulatedDeps {
  endpoint: URL;
  dispatcher: Agent;
  tokenCache: TokenCache;
  logger: ReturnType<typeof memoryLogger>;
  sleep: (ms: number) => Promise<void>;
}

/**
 * One emulator for a file of vendor-client tests: started before them with a plain Agent
 * (not the shared proxy-aware one: a proxy in the environment must not capture loopback
 * calls), reset after each test, stopped after the last.
 */
export function emulatorForClients(): {
  /** The running emulator (from `beforeAll` on). */
  readonly emulator: Emulator;
  /** The ledger entries of one operation ("token", "subscribe", ...), oldest first. */
  ops(op: string): LedgerEntry[];
  /** A fresh client built by `build`, with the sleeps it asked for and its log lines. */
  client<C>(build: (deps: EmulatedDeps) => C): { client: C; sleeps: number[]; logger: EmulatedDeps["logger"] };
} {
  let running: { emulator: Emulator; dispatcher: Agent } | undefined;
  beforeAll(async () => {
    running = { emulator: await startEmulator(), dispatcher: new Agent() };
  });
  afterAll(async () => {
    await running?.dispatcher.close();
    await running?.emulator.stop();
  });
  afterEach(() => running?.emulator.reset());
  const started = () => {
    if (running === undefined) throw new Error("the emulator starts in beforeAll");
    return running;
  };
  return {
    get emulator() {
      return started().emulator;
    },
    ops: (op) => started().emulator.ledger().filter((e) => e.op === op),
    client(build) {
      const sleeps: number[] = [];
      const logger = memoryLogger();
      const client = build({
        endpoint: new URL(started().emulator.url),
        dispatcher: started().dispatcher,
        tokenCache: new TokenCache(),
        logger,
        sleep: async (ms) => {
          sleeps.push(ms);
          await realSleep(ms);
        },
      });
      return { client, sleeps, logger };
    },
  };
}
