import { NetworkError, TimeoutError, VendorApiError, type Vendor } from "./errors";

/** Why a failure is worth another attempt. */
export type RetryKind = "throttle" | "server" | "network" | "timeout";

/** The verdict on a failed attempt. `delayMs` is a server-advised wait that overrides backoff. */
export type RetryDecision = { retry: false } | { retry: true; kind: RetryKind; delayMs?: number };

/** DingTalk's advice when throttled: wait 1 s and try again. */
export const DINGTALK_THROTTLE_DELAY_MS = 1000;

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
 * is never retried; token rejections get their one refresh in the call layer, not here.
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

/** Finds the row of {@link VENDOR_RETRY_TABLE} matching a vendor error, if any. */
export function findRetryRule(error: VendorApiError): RetryRule | undefined {
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
  const delayMs = error.retryAfterMs ?? rule.defaultDelayMs;
  return delayMs === undefined ? { retry: true, kind: rule.kind } : { retry: true, kind: rule.kind, delayMs };
}

const FEISHU_TOKEN_CODES: ReadonlySet<string> = new Set(["99991661", "99991663", "99991665"]);

/** True when the vendor rejected the access token itself: drop it and try once with a fresh one. */
export function isTokenRejected(error: unknown): error is VendorApiError {
  if (!VendorApiError.isInstance(error)) return false;
  if (error.vendor === "dingtalk") {
    return error.httpStatus === 401 || (error.httpStatus === 400 && error.vendorCode === "InvalidAuthentication");
  }
  return error.vendorCode !== undefined && FEISHU_TOKEN_CODES.has(error.vendorCode);
}
