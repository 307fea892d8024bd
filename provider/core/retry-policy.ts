import { NetworkError, TimeoutError, VendorApiError, type Vendor } from "./errors";

/** Why a failure is worth another attempt; `token`: the access token expired and was refetched. */
export type RetryKind = "throttle" | "server" | "network" | "timeout" | "token";

/**
 * The verdict on a failed attempt. `delayMs` is a server-advised wait that overrides backoff;
 * a `free` retry does not use up one of `maxAttempts` (only the time budget bounds it).
 */
export type RetryDecision = { retry: false } | { retry: true; kind: RetryKind; delayMs?: number; free?: boolean };

/** DingTalk's advice when throttled: wait 1 s and try again. */
export const DINGTALK_THROTTLE_DELAY_MS = 1000;

/**
 * Ceiling of any wait a server asks for (`Retry-After`, `x-ogw-ratelimit-reset`), retry and
 * limiter pause alike: a longer hint is waited for 60 s, then the call is tried again.
 */
export const MAX_SERVER_WAIT_MS = 60_000;

/** Floor of a throttled wait: a hint of 0 would burn every attempt inside one throttle window. */
export const MIN_THROTTLE_WAIT_MS = 1_000;

/** A server-advised wait bounded to [`floorMs`, {@link MAX_SERVER_WAIT_MS}]. */
export function clampServerWait(ms: number, floorMs = 0): number {
  return Math.min(MAX_SERVER_WAIT_MS, Math.max(floorMs, Number.isFinite(ms) ? ms : MAX_SERVER_WAIT_MS));
}

/** One row of {@link VENDOR_RETRY_TABLE}. A row matches when every field it sets matches. */
export interface RetryRule {
  vendor: Vendor;
  /** HTTP statuses; any status when omitted. */
  status?: readonly number[];
  /** Vendor codes; any code when omitted. */
  code?: RegExp;
  kind: RetryKind;
  /** Wait when the server gave no hint; exponential backoff when omitted. */
  defaultDelayMs?: number;
  /** Why, for readers of the table. */
  note: string;
}

const SERVER_STATUSES = [500, 502, 503, 504] as const;

/**
 * Vendor answers worth retrying. Anything not listed (parameter, permission, auth, unknown)
 * is never retried; token rejections are retried by the call layer (see `VendorCaller.call`), not here.
 */
export const VENDOR_RETRY_TABLE: readonly RetryRule[] = [
  {
    vendor: "dingtalk",
    status: [403],
    code: /^Forbidden\.AccessDenied\.Qp[sm]/,
    kind: "throttle",
    defaultDelayMs: DINGTALK_THROTTLE_DELAY_MS,
    note: "DingTalk throttles with 403 (QpsLimitForApi, QpsLimitForAppkeyAndApi, QpmLimit...), not 429",
  },
  {
    vendor: "dingtalk",
    status: [429],
    kind: "throttle",
    defaultDelayMs: DINGTALK_THROTTLE_DELAY_MS,
    note: "older throttling style: system.busy / systemBusy",
  },
  { vendor: "dingtalk", status: SERVER_STATUSES, kind: "server", note: "systemError, unknownError, operationTimeout, gateway" },
  { vendor: "feishu", code: /^99991400$/, kind: "throttle", note: "throttled; 429, or 400 on older APIs; wait x-ogw-ratelimit-reset" },
  { vendor: "feishu", status: [429], kind: "throttle", note: "throttled without a code" },
  { vendor: "feishu", code: /^155000$/, kind: "server", note: "helpdesk internal error" },
  { vendor: "feishu", status: SERVER_STATUSES, kind: "server", note: "server or gateway error" },
];

/**
 * Vendor codes never retried, whatever the HTTP status (a gateway may wrap them in a 5xx).
 * Checked before {@link VENDOR_RETRY_TABLE}.
 */
export const NON_RETRYABLE_CODES: ReadonlyArray<{ vendor: Vendor; code: RegExp; note: string }> = [
  { vendor: "dingtalk", code: /^IpBanned$/, note: "the IP is banned for 5 minutes; retrying inside the ban is pointless" },
  { vendor: "dingtalk", code: /^permissionDenied$/, note: "the app or the operator may not do this" },
  { vendor: "dingtalk", code: /^paramError/, note: "a bad parameter" },
  { vendor: "dingtalk", code: /^Forbidden\.AccessDenied\.AccessTokenPermissionDenied$/, note: "the app lacks an API scope" },
  { vendor: "feishu", code: /^154000$/, note: "bad request body" },
  { vendor: "feishu", code: /^154003$/, note: "helpdesk authorization failed" },
  { vendor: "feishu", code: /^99991672$/, note: "the app lacks a scope" },
  { vendor: "feishu", code: /^99991401$/, note: "IP not on the app's allow-list" },
];

/** Whether the vendor's code says it refused the request (one of {@link NON_RETRYABLE_CODES}), whatever the HTTP status. */
export function isRefusalCode(error: VendorApiError): boolean {
  const code = error.vendorCode;
  return code !== undefined && NON_RETRYABLE_CODES.some((row) => row.vendor === error.vendor && row.code.test(code));
}

/** Finds the row of {@link VENDOR_RETRY_TABLE} matching a vendor error, if any. */
export function findRetryRule(error: VendorApiError): RetryRule | undefined {
  if (isRefusalCode(error)) return undefined;
  return VENDOR_RETRY_TABLE.find(
    (rule) =>
      rule.vendor === error.vendor &&
      (rule.status === undefined || rule.status.includes(error.httpStatus)) &&
      (rule.code === undefined || (error.vendorCode !== undefined && rule.code.test(error.vendorCode))),
  );
}

/** The retry decision table: a pure function from a failure to whether and how to retry it. */
export function classifyFailure(error: unknown): RetryDecision {
  if (NetworkError.isInstance(error)) return { retry: true, kind: "network" };
  if (TimeoutError.isInstance(error)) return { retry: true, kind: "timeout" };
  if (!VendorApiError.isInstance(error)) return { retry: false };
  const rule = findRetryRule(error);
  if (!rule) return { retry: false };
  if (rule.kind === "throttle") {
    const delayMs = clampServerWait(error.retryAfterMs ?? rule.defaultDelayMs ?? MIN_THROTTLE_WAIT_MS, MIN_THROTTLE_WAIT_MS);
    return { retry: true, kind: rule.kind, delayMs };
  }
  const hinted = error.retryAfterMs ?? rule.defaultDelayMs;
  return hinted === undefined ? { retry: true, kind: rule.kind } : { retry: true, kind: rule.kind, delayMs: clampServerWait(hinted) };
}

const FEISHU_TOKEN_CODES: ReadonlySet<string> = new Set(["99991661", "99991663", "99991665"]);

/** True when the vendor rejected the access token itself: drop it and retry with a fresh one. */
export function isTokenRejected(error: unknown): error is VendorApiError {
  if (!VendorApiError.isInstance(error)) return false;
  if (error.vendor === "dingtalk") {
    return error.httpStatus === 401 || (error.httpStatus === 400 && error.vendorCode === "InvalidAuthentication");
  }
  return error.vendorCode !== undefined && FEISHU_TOKEN_CODES.has(error.vendorCode);
}
