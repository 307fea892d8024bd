import type { Dispatcher } from "undici";
import { VendorCaller } from "./call";
import { realSleep, type Now, type Random, type Sleep } from "./clock";
import type { Vendor, VendorFailure } from "./errors";
import { RateLimiter, SHARED_LIMITER_MARGIN_MS, sharedRateLimiter } from "./limiter";
import { createStderrLogger, type Logger } from "./logger";
import { normalizeClientOptions, type ClientOptions, type NormalizedClientOptions } from "./options";
import type { RetryEvent } from "./retry";
import { TokenCache, sharedTokenCache } from "./token-cache";
import { HttpTransport, type Transport } from "./transport";

/** Dependencies every vendor client accepts; all optional. */
export interface ClientDependencies {
  /** Sends requests. Default: an {@link HttpTransport} over `dispatcher`. */
  transport?: Transport;
  /** Dispatcher for the default transport (tests pass a `MockAgent`). Default: the shared proxy-aware agent. */
  dispatcher?: Dispatcher;
  /** Default: the process-wide cache, or a private one when `now` is injected. */
  tokenCache?: TokenCache;
  /** Default: the process-wide limiter, or a private one when `now` or `sleep` is injected. */
  limiter?: RateLimiter;
  /** Tuning; see {@link ClientOptions}. */
  options?: ClientOptions;
  /** Default: redacted lines on stderr. */
  logger?: Logger;
  /** Called before each retry instead of logging one line. */
  onRetry?: (event: RetryEvent) => void;
  sleep?: Sleep;
  now?: Now;
  random?: Random;
}

/** What a vendor client is built on. */
export interface ClientSetup {
  caller: VendorCaller;
  tokenCache: TokenCache;
  options: NormalizedClientOptions;
}

/** What to tell the user about a vendor's refusal, when known. */
export type VendorHint = (failure: VendorFailure, operation: string) => string | undefined;

/**
 * The hint of a client made for a named profile: the vendor's hints name the top-level keys
 * (`dingtalk:appKey`), and each key the profile holds is named as the profile's own
 * (`dingtalk:profiles.hr.appKey`). Without key names (the default profile) the hint is unchanged.
 */
export function hintNamingKeys(vendor: Vendor, hint: VendorHint, keyNames: Readonly<Partial<Record<string, string>>> | undefined): VendorHint {
  if (keyNames === undefined) return hint;
  const topLevelKey = new RegExp(`\\b${vendor}:(\\w+)`, "g");
  return (failure, operation) => hint(failure, operation)?.replace(topLevelKey, (whole, key: string) => keyNames[key] ?? whole);
}

/** Fills in the defaults of {@link ClientDependencies} and builds the shared call pipeline. */
export function setUpClient(
  vendor: Vendor,
  deps: ClientDependencies,
  hint: VendorHint,
): ClientSetup {
  const options = normalizeClientOptions(deps.options, `${vendor}:`);
  const clockInjected = deps.now !== undefined || deps.sleep !== undefined;
  const now = deps.now ?? Date.now;
  const tokenCache = deps.tokenCache ?? (deps.now ? new TokenCache({ now }) : sharedTokenCache());
  // A private limiter on the real clock keeps the shared one's margin: arrival jitter is real then.
  const limiter =
    deps.limiter ??
    (clockInjected ? new RateLimiter({ now, sleep: deps.sleep, marginMs: deps.now ? 0 : SHARED_LIMITER_MARGIN_MS }) : sharedRateLimiter());
  const transport =
    deps.transport ??
    new HttpTransport({
      dispatcher: deps.dispatcher,
      requestTimeoutMs: options.requestTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
    });
  const caller = new VendorCaller({
    vendor,
    transport,
    limiter,
    options,
    hint,
    logger: deps.logger ?? createStderrLogger(),
    onRetry: deps.onRetry,
    sleep: deps.sleep ?? realSleep,
    now,
    random: deps.random ?? Math.random,
  });
  return { caller, tokenCache, options };
}
