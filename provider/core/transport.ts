import { Agent, EnvHttpProxyAgent, Pool, type Dispatcher } from "undici";
import { isLoopbackHost } from "./endpoint";
import { ConfigError, NetworkError, TimeoutError, type ErrorContext, type TimeoutPhase } from "./errors";
import { CLIENT_OPTION_RULES } from "./options";
import { USER_AGENT } from "./user-agent";

/** One HTTP request. `json`, when present, is serialized as the body. */
export interface TransportRequest {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  url: URL;
  headers: Readonly<Record<string, string>>;
  json?: unknown;
  /** Used only to word errors: which vendor call this request belongs to. */
  context: ErrorContext;
}

/** One HTTP answer, whatever its status (3xx included: redirects are never followed). */
export interface TransportResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with `, `. */
  headers: Readonly<Record<string, string>>;
  text: string;
  /** The body parsed as JSON when it looks like JSON; `undefined` otherwise (e.g. an HTML ban page). */
  json?: unknown;
}

/** Does one HTTP round trip. No retries. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
}

/** Settings of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /**
   * Dispatcher to send through (tests pass a `MockAgent`). Default: one shared agent per process
   * honouring HTTPS_PROXY / HTTP_PROXY / NO_PROXY, and a direct one for loopback hosts.
   */
  dispatcher?: Dispatcher;
  /** Overall deadline of one request, body included. @default 15000 */
  requestTimeoutMs?: number;
  /** Connect timeout of the built-in dispatcher. @default 5000 */
  connectTimeoutMs?: number;
  /** Largest body read, in bytes; the rest is dropped. @default 1048576 */
  maxBodyBytes?: number;
}

const FORBIDDEN_HEADER_CHARS = /[\r\n\0]/;
// What undici (and HTTP) lets through in a header value: tab, visible ASCII, space and obs-text.
const NOT_HEADER_CHARS = /[^\t\x20-\x7e\x80-\xff]/u;

/** The built-in dispatchers, for one pair of timeouts and one proxy environment. */
interface DefaultDispatchers {
  /** Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY; the proxy connection gets the same timeouts. */
  proxied: Dispatcher;
  /** Loopback hosts (the emulator): never through a proxy, whatever NO_PROXY says. */
  direct: Dispatcher;
}

const sharedAgents = new Map<string, DefaultDispatchers>();

function defaultDispatchers(connectTimeoutMs: number, requestTimeoutMs: number): DefaultDispatchers {
  const env = process.env;
  // EnvHttpProxyAgent reads the proxy variables once, when built: key the cache on them.
  const proxies = [env.HTTPS_PROXY ?? env.https_proxy, env.HTTP_PROXY ?? env.http_proxy].map((v) => v ?? "").join(" ");
  const key = `${connectTimeoutMs}|${requestTimeoutMs}|${proxies}`;
  let agents = sharedAgents.get(key);
  if (!agents) {
    const timeouts = { headersTimeout: requestTimeoutMs, bodyTimeout: requestTimeoutMs };
    agents = {
      // undici's proxy client (which sends CONNECT) has its own timeouts, 300 s by default, and
      // ignores the request's abort signal: hand it ours.
      proxied: new EnvHttpProxyAgent({
        connect: { timeout: connectTimeoutMs },
        proxyTls: { timeout: connectTimeoutMs },
        clientFactory: (origin: URL, options: object) => new Pool(origin, { ...options, ...timeouts, connect: { timeout: connectTimeoutMs } }),
      } as ConstructorParameters<typeof EnvHttpProxyAgent>[0]),
      direct: new Agent({ connect: { timeout: connectTimeoutMs }, ...timeouts }),
    };
    sharedAgents.set(key, agents);
  }
  return agents;
}

/**
 * The process-wide default dispatcher: keep-alive, honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 * One per connect timeout value (in practice one). {@link HttpTransport} sends loopback hosts
 * around it, directly.
 */
export function sharedDispatcher(connectTimeoutMs: number = CLIENT_OPTION_RULES.connectTimeoutMs.default): Dispatcher {
  return defaultDispatchers(connectTimeoutMs, CLIENT_OPTION_RULES.requestTimeoutMs.default).proxied;
}

/**
 * Throws a {@link ConfigError} if a header value could split the request (CR, LF or NUL) or
 * holds a character HTTP cannot carry (a pasted zero-width space, for example), which would
 * otherwise fail inside undici as a retried network error.
 */
export function assertHeaderValue(name: string, value: string, settingName = `header ${name}`): void {
  if (FORBIDDEN_HEADER_CHARS.test(value)) {
    throw new ConfigError(`${settingName} must not contain line breaks or NUL characters.`, settingName);
  }
  const bad = NOT_HEADER_CHARS.exec(value);
  if (bad) {
    const codePoint = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    throw new ConfigError(`${settingName} contains ${codePoint} at character ${bad.index + 1}, which an HTTP header cannot carry.`, settingName);
  }
}

const UNDICI_TIMEOUTS: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "headers",
  UND_ERR_BODY_TIMEOUT: "body",
};

/**
 * {@link Transport} over undici with timeouts and typed errors. The deadline covers the whole
 * attempt (proxy CONNECT, connect, headers, body) whatever the dispatcher does: the request is
 * raced against it.
 */
export class HttpTransport implements Transport {
  private readonly dispatcher: Dispatcher | undefined;
  private readonly requestTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly connectTimeoutMs: number | undefined;

  constructor(options: HttpTransportOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? CLIENT_OPTION_RULES.requestTimeoutMs.default;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    // An injected dispatcher keeps its own connect timeout, which this class cannot know.
    this.connectTimeoutMs = options.dispatcher ? undefined : (options.connectTimeoutMs ?? CLIENT_OPTION_RULES.connectTimeoutMs.default);
    this.dispatcher = options.dispatcher;
  }

  /** The injected dispatcher, else the default one for this host (loopback: direct). */
  private dispatcherFor(url: URL): Dispatcher {
    if (this.dispatcher) return this.dispatcher;
    const agents = defaultDispatchers(this.connectTimeoutMs!, this.requestTimeoutMs);
    return isLoopbackHost(url.hostname) ? agents.direct : agents.proxied;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT };
    for (const [name, value] of Object.entries(request.headers)) {
      assertHeaderValue(name, value);
      headers[name.toLowerCase()] = value;
    }
    let body: string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }

    const deadline = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = new Error("deadline exceeded");
        deadline.abort(reason);
        reject(reason);
      }, this.requestTimeoutMs);
      timer.unref?.();
    });
    const exchange = this.roundTrip(request, headers, body, deadline.signal);
    try {
      return await Promise.race([exchange, expiry]);
    } catch (error) {
      // A dispatcher that ignores the abort (undici's proxy CONNECT) settles later: nobody waits for it.
      exchange.catch(() => {});
      throw this.mapError(error, request, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
  }

  private async roundTrip(request: TransportRequest, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<TransportResponse> {
    const response = await this.dispatcherFor(request.url).request({
      origin: request.url.origin,
      path: request.url.pathname + request.url.search,
      method: request.method,
      headers,
      body,
      signal,
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs,
    });
    const text = await this.readBody(response.body);
    return { status: response.statusCode, headers: flattenHeaders(response.headers), text, json: parseJsonLeniently(text) };
  }

  private async readBody(body: Dispatcher.ResponseData["body"]): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (size + buffer.length > this.maxBodyBytes) {
        chunks.push(buffer.subarray(0, this.maxBodyBytes - size));
        body.destroy();
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  private mapError(error: unknown, request: TransportRequest, deadlineHit: boolean): Error {
    if (error instanceof ConfigError) return error;
    const host = request.url.host;
    const context = { ...request.context, host };
    if (deadlineHit) {
      return new TimeoutError({ ...context, phase: "deadline", timeoutMs: this.requestTimeoutMs }, { cause: error });
    }
    const code = (error as { code?: unknown } | null)?.code;
    const phase = typeof code === "string" ? UNDICI_TIMEOUTS[code] : undefined;
    if (phase) {
      const timeoutMs = phase === "connect" ? this.connectTimeoutMs : this.requestTimeoutMs;
      return new TimeoutError({ ...context, phase, timeoutMs }, { cause: error });
    }
    return new NetworkError({ ...context, detail: describeCause(error) }, { cause: error });
  }
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = (error as { cause?: unknown }).cause;
  const code = (error as { code?: unknown }).code;
  const own = typeof code === "string" ? `${code}: ${error.message}` : error.message;
  if (nested instanceof Error && nested.message && !own.includes(nested.message)) {
    return `${own}; ${describeCause(nested)}`;
  }
  return own;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Parses `text` as JSON if it looks like a JSON object or array; never throws. */
export function parseJsonLeniently(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}
