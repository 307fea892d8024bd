import { redact, redactDeep } from "./redact";

/** The vendors this package talks to. */
export type Vendor = "dingtalk" | "feishu";

/** Stable codes of {@link ProviderError}; switch on these, never on messages. */
export type ProviderErrorCode = "VENDOR_API_ERROR" | "NETWORK_ERROR" | "TIMEOUT_ERROR" | "AUTH_ERROR" | "CONFIG_ERROR" | "RATE_LIMITED";

const BRAND = Symbol.for("pulumi-dingtalk-feishu.ProviderError");

/** The product name of a vendor as shown in messages. */
export function vendorDisplayName(vendor: Vendor): string {
  return vendor === "dingtalk" ? "DingTalk" : "Feishu";
}

/** Where an error happened: vendor, operation (e.g. `subscribe`) and target (e.g. `ORG:ding123`). */
export interface ErrorContext {
  /** The vendor that was called. */
  vendor: Vendor;
  /** What was attempted, e.g. `subscribe`, `unsubscribe`, `get access token`. */
  operation: string;
  /** What it was attempted on, e.g. `ORG:ding123` or `helpdesk:<id> (helpdesk.ticket/ticket.created_v1)`. */
  target: string;
}

/**
 * Base class of every error this package throws. The message is redacted at construction.
 * Use {@link ProviderError.isInstance} rather than `instanceof`: it also recognises errors
 * from another loaded copy of the package.
 */
export class ProviderError extends Error {
  /** Stable machine-readable code. */
  readonly code: ProviderErrorCode;
  /** How many attempts were made before this error was given up on, when more than one. */
  attempts?: number;

  constructor(code: ProviderErrorCode, message: string, options?: { cause?: unknown }) {
    super(redact(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any {@link ProviderError}, including one from another copy of the package. */
  static isInstance(value: unknown): value is ProviderError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/**
 * A copy of `error` for one caller, with its own message, attempt count or hint. Errors can be
 * shared (every caller waiting on one token fetch gets the same rejection), so the retry loop
 * never changes the original.
 */
export function copyError<T extends ProviderError>(error: T, changes: { message?: string; attempts?: number; hint?: string }): T {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as T;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  const message = changes.message === undefined ? error.message : redact(changes.message);
  const stack = typeof error.stack === "string" ? error.stack.replace(error.message, () => message) : undefined;
  Object.defineProperty(copy, "message", { value: message, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(copy, "stack", { value: stack, writable: true, configurable: true, enumerable: false });
  if (changes.attempts !== undefined) copy.attempts = changes.attempts;
  if (changes.hint !== undefined) Object.defineProperty(copy, "hint", { value: redact(changes.hint), writable: false, configurable: true, enumerable: true });
  return copy;
}

function hasCode<T extends ProviderError>(value: unknown, code: ProviderErrorCode): value is T {
  return ProviderError.isInstance(value) && value.code === code;
}

/** Fields of a vendor's refusal, as parsed from its answer. */
export interface VendorFailure {
  /** HTTP status of the answer. */
  httpStatus: number;
  /** The vendor's error code (`permissionDenied`, `154003`, ...), if it sent one. */
  vendorCode?: string;
  /** The vendor's error message, if it sent one. */
  vendorMessage?: string;
  /** DingTalk `requestid` / `x-acs-request-id`, Feishu `log_id` / `X-Tt-Logid`. */
  requestId?: string;
  /** Server's wait hint in milliseconds (`Retry-After`, `x-ogw-ratelimit-reset`). */
  retryAfterMs?: number;
  /** Extra structured data the vendor sent (e.g. DingTalk `requiredScopes`). */
  details?: Readonly<Record<string, unknown>>;
}

/** The vendor answered and said no. */
export class VendorApiError extends ProviderError implements VendorFailure, ErrorContext {
  /** The vendor that was called. */
  readonly vendor: Vendor;
  /** What was attempted, e.g. `subscribe`, `unsubscribe`, `get access token`. */
  readonly operation: string;
  /** What it was attempted on, e.g. `ORG:ding123` or `helpdesk:<id> (helpdesk.ticket/ticket.created_v1)`. */
  readonly target: string;
  readonly httpStatus: number;
  readonly vendorCode?: string;
  readonly vendorMessage?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly details?: Readonly<Record<string, unknown>>;
  /** What to do about it, when known. */
  readonly hint?: string;

  constructor(context: ErrorContext, failure: VendorFailure, hint?: string) {
    super("VENDOR_API_ERROR", formatVendorMessage(context, failure, hint));
    this.vendor = context.vendor;
    this.operation = context.operation;
    this.target = context.target;
    this.httpStatus = failure.httpStatus;
    this.vendorCode = failure.vendorCode;
    this.vendorMessage = failure.vendorMessage === undefined ? undefined : redact(failure.vendorMessage);
    this.requestId = failure.requestId;
    this.retryAfterMs = failure.retryAfterMs;
    // Vendors echo request fields (a helpdesk token in field_violations[].value): redact deeply.
    this.details = failure.details === undefined ? undefined : redactDeep(failure.details);
    this.hint = hint === undefined ? undefined : redact(hint);
  }

  /** True for a {@link VendorApiError} from any loaded copy of the package. */
  static override isInstance(value: unknown): value is VendorApiError {
    return hasCode(value, "VENDOR_API_ERROR");
  }
}

function formatVendorMessage(context: ErrorContext, failure: VendorFailure, hint?: string): string {
  let text = `${describeContext(context)} failed: ${failure.httpStatus}`;
  if (failure.vendorCode) text += ` ${failure.vendorCode}`;
  const vendorMessage = failure.vendorMessage?.trim().replace(/[.。]+$/, "");
  if (vendorMessage) text += `: ${vendorMessage}`;
  if (failure.requestId) text += ` (${context.vendor === "feishu" ? "log id" : "request id"} ${failure.requestId})`;
  text += ".";
  if (hint) text += ` ${hint}`;
  return text;
}

function describeContext(context: ErrorContext): string {
  return `${vendorDisplayName(context.vendor)} ${context.operation} ${context.target}`;
}

/** The request never got an answer: connection refused, reset, DNS, TLS, proxy. */
export class NetworkError extends ProviderError implements ErrorContext {
  /** The vendor that was called. */
  readonly vendor: Vendor;
  /** What was attempted, e.g. `subscribe`, `unsubscribe`, `get access token`. */
  readonly operation: string;
  /** What it was attempted on, e.g. `ORG:ding123` or `helpdesk:<id> (helpdesk.ticket/ticket.created_v1)`. */
  readonly target: string;
  /** Host that could not be reached. */
  readonly host: string;

  constructor(context: ErrorContext & { host: string; detail: string }, options: { cause: unknown }) {
    super(
      "NETWORK_ERROR",
      `${describeContext(context)} failed: network error reaching ${context.host} (${context.detail}). ` +
        "Check connectivity, DNS and the HTTPS_PROXY / NO_PROXY settings.",
      options,
    );
    this.vendor = context.vendor;
    this.operation = context.operation;
    this.target = context.target;
    this.host = context.host;
  }

  /** True for a {@link NetworkError} from any loaded copy of the package. */
  static override isInstance(value: unknown): value is NetworkError {
    return hasCode(value, "NETWORK_ERROR");
  }
}

/** Which timeout fired. */
export type TimeoutPhase = "connect" | "headers" | "body" | "deadline";

/** The request was sent or attempted but no complete answer came in time. */
export class TimeoutError extends ProviderError implements ErrorContext {
  /** The vendor that was called. */
  readonly vendor: Vendor;
  /** What was attempted, e.g. `subscribe`, `unsubscribe`, `get access token`. */
  readonly operation: string;
  /** What it was attempted on, e.g. `ORG:ding123` or `helpdesk:<id> (helpdesk.ticket/ticket.created_v1)`. */
  readonly target: string;
  /** Host that did not answer in time. */
  readonly host: string;
  /** Which timeout fired. */
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, when known. */
  readonly timeoutMs?: number;

  constructor(
    context: ErrorContext & { host: string; phase: TimeoutPhase; timeoutMs?: number },
    options: { cause: unknown },
  ) {
    const limit = context.timeoutMs === undefined ? "" : ` within ${context.timeoutMs} ms`;
    super(
      "TIMEOUT_ERROR",
      `${describeContext(context)} failed: ${context.host} did not answer${limit} (${context.phase} timeout).`,
      options,
    );
    this.vendor = context.vendor;
    this.operation = context.operation;
    this.target = context.target;
    this.host = context.host;
    this.phase = context.phase;
    this.timeoutMs = context.timeoutMs;
  }

  /** True for a {@link TimeoutError} from any loaded copy of the package. */
  static override isInstance(value: unknown): value is TimeoutError {
    return hasCode(value, "TIMEOUT_ERROR");
  }
}

/**
 * The call was not sent: a wait before it would have passed what is left of its retry budget.
 * The client-side limiter would have held it (after the vendor throttled this API, or under
 * `maxQps`), or the access token another call is fetching did not come in time.
 */
export class RateLimitError extends ProviderError implements ErrorContext {
  /** The vendor that would have been called. */
  readonly vendor: Vendor;
  /** What was attempted, e.g. `subscribe`. */
  readonly operation: string;
  /** What it was attempted on. */
  readonly target: string;
  /** How long the call would have had to wait, in milliseconds. */
  readonly waitMs: number;

  constructor(context: ErrorContext & { waitMs: number; reason: string }) {
    super("RATE_LIMITED", `${describeContext(context)} was not sent: ${context.reason}`);
    this.vendor = context.vendor;
    this.operation = context.operation;
    this.target = context.target;
    this.waitMs = context.waitMs;
  }

  /** True for a {@link RateLimitError} from any loaded copy of the package. */
  static override isInstance(value: unknown): value is RateLimitError {
    return hasCode(value, "RATE_LIMITED");
  }
}

/** A token could not be obtained, or the vendor keeps rejecting it. */
export class AuthError extends ProviderError {
  /** The vendor whose token could not be obtained or was rejected. */
  readonly vendor: Vendor;
  /** The vendor's answer, when the problem came from one. */
  readonly failure?: VendorFailure;
  /** Settings the user should check, e.g. `["dingtalk:appKey", "dingtalk:appSecret"]`. */
  readonly keys: readonly string[];

  constructor(
    init: { vendor: Vendor; message: string; keys?: readonly string[]; failure?: VendorFailure },
    options?: { cause?: unknown },
  ) {
    super("AUTH_ERROR", init.message, options);
    this.vendor = init.vendor;
    this.failure = init.failure;
    this.keys = init.keys ?? [];
  }

  /** Builds an {@link AuthError} out of the vendor's refusal to issue or accept a token. */
  static fromVendor(context: ErrorContext, failure: VendorFailure, hint: string | undefined, keys: readonly string[]): AuthError {
    const plain: VendorFailure = {
      httpStatus: failure.httpStatus,
      vendorCode: failure.vendorCode,
      vendorMessage: failure.vendorMessage === undefined ? undefined : redact(failure.vendorMessage),
      requestId: failure.requestId,
      retryAfterMs: failure.retryAfterMs,
      details: failure.details === undefined ? undefined : redactDeep(failure.details),
    };
    const detail = new VendorApiError(context, plain, hint);
    return new AuthError({ vendor: context.vendor, message: detail.message, keys, failure: plain }, { cause: detail });
  }

  /** True for an {@link AuthError} from any loaded copy of the package. */
  static override isInstance(value: unknown): value is AuthError {
    return hasCode(value, "AUTH_ERROR");
  }
}

/** A setting is missing or invalid. Names the offending keys; never echoes a secret. */
export class ConfigError extends ProviderError {
  /** The settings at fault, e.g. `["dingtalk:endpoint"]`. */
  readonly keys: readonly string[];

  constructor(message: string, keys: string | readonly string[] = []) {
    super("CONFIG_ERROR", message);
    this.keys = typeof keys === "string" ? [keys] : [...keys];
  }

  /** True for a {@link ConfigError} from any loaded copy of the package. */
  static override isInstance(value: unknown): value is ConfigError {
    return hasCode(value, "CONFIG_ERROR");
  }
}
