import { EnvHttpProxyAgent, type Dispatcher } from "undici";
import { ConfigError, NetworkError, TimeoutError, type ErrorContext, type TimeoutPhase } from "./errors";
import { CLIENT_OPTION_RULES } from "./options";

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
  /** Dispatcher to send through (tests pass a `MockAgent`). Default: one shared `EnvHttpProxyAgent` per process. */
  dispatcher?: Dispatcher;
  /** Overall deadline of one request, body included. @default 15000 */
  requestTimeoutMs?: number;
  /** Connect timeout of the built-in dispatcher. @default 5000 */
  connectTimeoutMs?: number;
  /** Largest body read, in bytes; the rest is dropped. @default 1048576 */
  maxBodyBytes?: number;
}

const USER_AGENT = "pulumi-dingtalk-feishu";
const FORBIDDEN_HEADER_CHARS = /[\r\n\0]/;

const sharedAgents = new Map<number, Dispatcher>();

/**
 * The process-wide default dispatcher: keep-alive, honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
 * One per connect timeout value (in practice one).
 */
export function sharedDispatcher(connectTimeoutMs: number = CLIENT_OPTION_RULES.connectTimeoutMs.default): Dispatcher {
  let agent = sharedAgents.get(connectTimeoutMs);
  if (!agent) {
    agent = new EnvHttpProxyAgent({ connect: { timeout: connectTimeoutMs } });
    sharedAgents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/** Throws a {@link ConfigError} if a header value could split the request (CR, LF or NUL). */
export function assertHeaderValue(name: string, value: string, settingName = `header ${name}`): void {
  if (FORBIDDEN_HEADER_CHARS.test(value)) {
    throw new ConfigError(`${settingName} must not contain line breaks or NUL characters.`, settingName);
  }
}

const UNDICI_TIMEOUTS: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: "connect",
  UND_ERR_HEADERS_TIMEOUT: "headers",
  UND_ERR_BODY_TIMEOUT: "body",
};

/** {@link Transport} over undici with timeouts and typed errors. */
export class HttpTransport implements Transport {
  private readonly dispatcher: Dispatcher;
  private readonly requestTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly connectTimeoutMs: number | undefined;

  constructor(options: HttpTransportOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? CLIENT_OPTION_RULES.requestTimeoutMs.default;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    // An injected dispatcher keeps its own connect timeout, which this class cannot know.
    this.connectTimeoutMs = options.dispatcher ? undefined : (options.connectTimeoutMs ?? CLIENT_OPTION_RULES.connectTimeoutMs.default);
    this.dispatcher = options.dispatcher ?? sharedDispatcher(this.connectTimeoutMs);
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
    const timer = setTimeout(() => deadline.abort(new Error("deadline exceeded")), this.requestTimeoutMs);
    timer.unref?.();
    try {
      const response = await this.dispatcher.request({
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method,
        headers,
        body,
        signal: deadline.signal,
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
      });
      const text = await this.readBody(response.body);
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        text,
        json: parseJsonLeniently(text),
      };
    } catch (error) {
      throw this.mapError(error, request, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
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
