/**
 * The vendors' official SDKs pointed at a local server: DingTalk's `@alicloud/dingtalk`
 * (`endpoint` + `protocol: "http"`) and Lark's `@larksuiteoapi/node-sdk` (`domain`), plus a guard
 * that records every outgoing TCP connection so a test can prove nothing left the machine.
 */
import * as $OpenApi from "@alicloud/openapi-client";
import * as $Util from "@alicloud/tea-util";
import OAuth2Client, * as $OAuth2 from "@alicloud/dingtalk/dist/oauth2_1_0/client";
import StorageClient, * as $Storage from "@alicloud/dingtalk/dist/storage_1_0/client";
import * as lark from "@larksuiteoapi/node-sdk";
import { Socket } from "node:net";
import { afterAll, beforeAll } from "vitest";

export { $OAuth2, $Storage, lark };

/** DingTalk's SDK clients for one base URL such as `http://127.0.0.1:4000`. */
export function dingTalkSdk(baseUrl: string): { oauth: OAuth2Client; storage: StorageClient } {
  const config = (): $OpenApi.Config => new $OpenApi.Config({ endpoint: new URL(baseUrl).host, protocol: "http" });
  return { oauth: new OAuth2Client(config()), storage: new StorageClient(config()) };
}

/** One storage call through DingTalk's SDK; `token: undefined` sends no token header. */
export function dingTalkStorage(
  storage: StorageClient,
  op: "subscribe" | "unsubscribe",
  token: string | undefined,
  request: { scope: string; scopeId: string; unionId?: string },
): Promise<{ statusCode?: number; headers?: Record<string, string>; body?: { success?: boolean } }> {
  const runtime = new $Util.RuntimeOptions({});
  const headers = token === undefined ? {} : { xAcsDingtalkAccessToken: token };
  return op === "subscribe"
    ? storage.subscribeEventWithOptions(new $Storage.SubscribeEventRequest(request), new $Storage.SubscribeEventHeaders(headers), runtime)
    : storage.unsubscribeEventWithOptions(new $Storage.UnsubscribeEventRequest(request), new $Storage.UnsubscribeEventHeaders(headers), runtime);
}

/** The fields of an error thrown by DingTalk's SDK (a Tea error). */
export interface TeaError extends Error {
  code?: string;
  statusCode?: number;
  data?: Record<string, unknown>;
  accessDeniedDetail?: { requiredScopes?: string[] };
}

/** A token cache of one's own: the SDK's default cache is process-wide and keyed by app id only. */
function privateCache(): lark.Cache {
  const entries = new Map<unknown, { value: unknown; expire: number | undefined }>();
  const key = (k: string | symbol | Symbol, ns?: string): string => `${ns ?? ""}\u0000${String(k)}`;
  return {
    set: async (k, value, expire, options) => {
      entries.set(key(k, options?.namespace), { value, expire });
      return true;
    },
    get: async (k, options) => {
      const hit = entries.get(key(k, options?.namespace));
      return hit !== undefined && (hit.expire === undefined || hit.expire > Date.now()) ? hit.value : undefined;
    },
  };
}

const quiet: lark.Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };

/** Lark's SDK client for one base URL, with its own token cache and no log output. */
export function larkSdk(
  baseUrl: string,
  creds: { appId: string; appSecret: string; helpDeskId?: string; helpDeskToken?: string },
  extra: { disableTokenCache?: boolean } = {},
): lark.Client {
  return new lark.Client({ ...creds, ...extra, domain: baseUrl, cache: privateCache(), logger: quiet, loggerLevel: lark.LoggerLevel.fatal });
}

/** What Lark's SDK throws for an HTTP error answer (an AxiosError). */
export interface AxiosLikeError extends Error {
  response?: { status: number; data: any; headers: Record<string, string> };
}

/** Runs `call` and returns what it threw; fails when it did not throw. */
export async function thrown<E = Error>(call: Promise<unknown>): Promise<E> {
  try {
    await call;
  } catch (error) {
    return error as E;
  }
  throw new Error("expected the call to fail");
}

/**
 * Records the host of every TCP connection opened while a file's tests run, so the tests can
 * assert the SDKs reached only loopback (no token fetch, telemetry or default host elsewhere).
 */
export function connectionGuard(): { readonly hosts: string[] } {
  const hosts: string[] = [];
  const original = Socket.prototype.connect;
  beforeAll(() => {
    Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
      // net.connect() passes its normalized arguments as one array: [options, callback].
      const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
      if (typeof first === "object" && first !== null) {
        const o = first as { host?: string | null; hostname?: string | null; path?: string | null };
        hosts.push(typeof o.path === "string" && o.host == null ? `unix:${o.path}` : (o.host ?? o.hostname ?? "localhost"));
      } else {
        hosts.push(typeof args[1] === "string" ? args[1] : "localhost");
      }
      return (original as (...a: unknown[]) => Socket).apply(this, args);
    } as typeof original;
  });
  afterAll(() => {
    Socket.prototype.connect = original;
  });
  return { hosts };
}

/** Whether a host is this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host) || host.startsWith("unix:");
}
