/**
 * `startEmulator` options: public shape, defaults and validation.
 *
 * @module
 */
import { z } from "zod";
import {
  DEFAULT_CREDENTIALS,
  type DingTalkCredentials,
  type EmulatorCredentials,
  type FeishuCredentials,
} from "./credentials";
import type { FaultConfig } from "./fault-config";
import type { FeishuEventPairs } from "./feishu-events";

/** Options of `startEmulator`; every one is optional. */
export interface EmulatorOptions {
  /**
   * Interface to bind.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * Port to bind; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /** DingTalk identities; each list left out comes from {@link DEFAULT_CREDENTIALS}. */
  readonly dingtalk?: Partial<DingTalkCredentials>;
  /** Feishu identities; each list left out comes from {@link DEFAULT_CREDENTIALS}. */
  readonly feishu?: Partial<FeishuCredentials>;
  /**
   * Lifetime of issued tokens, in seconds.
   * @default 7200
   */
  readonly tokenTtlSeconds?: number;
  /**
   * Clock in milliseconds (token expiry, throttle windows, ledger times); inject one to test expiry.
   * @default Date.now
   */
  readonly now?: () => number;
  /** Faults in force from the start. */
  readonly faults?: FaultConfig;
  /**
   * Which Feishu helpdesk event pairs subscribe and unsubscribe accept: `"documented"`, only the
   * pairs in {@link DOCUMENTED_EVENT_PAIRS}; `"shaped"`, any pair of the documented shape
   * (`helpdesk.<resource>` / `<resource>.<action>_v<N>`).
   * @default "documented"
   */
  readonly feishuEventPairs?: FeishuEventPairs;
  /**
   * Most ledger entries kept; older ones are dropped (their `seq` numbers show the gap).
   * @default 10000
   */
  readonly ledgerLimit?: number;
  /**
   * Most issued tokens kept; the oldest are forgotten and then refused as invalid. Pre-issued
   * tokens are always kept.
   * @default 10000
   */
  readonly tokenLimit?: number;
}

/** {@link EmulatorOptions} with every default filled in. */
export interface NormalizedEmulatorOptions {
  readonly host: string;
  readonly port: number;
  readonly credentials: EmulatorCredentials;
  readonly tokenTtlSeconds: number;
  readonly now: () => number;
  readonly faults: FaultConfig;
  readonly feishuEventPairs: FeishuEventPairs;
  readonly ledgerLimit: number;
  readonly tokenLimit: number;
}

const id = z.string().min(1);
const optionsSchema = z.object({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  tokenTtlSeconds: z.number().int().min(1).optional(),
  feishuEventPairs: z.enum(["documented", "shaped"]).optional(),
  ledgerLimit: z.number().int().min(1).optional(),
  tokenLimit: z.number().int().min(1).optional(),
  dingtalk: z
    .object({
      apps: z
        .array(z.object({ appKey: id, appSecret: id, corpId: id, permissions: z.boolean().optional() }))
        .optional(),
      suites: z
        .array(z.object({ suiteKey: id, suiteSecret: id, suiteTicket: id, authCorpId: id }))
        .optional(),
      preIssuedTokens: z.array(z.object({ token: id, corpId: id })).optional(),
    })
    .optional(),
  feishu: z
    .object({
      apps: z.array(z.object({ appId: id, appSecret: id })).optional(),
      helpdesks: z.array(z.object({ helpdeskId: id, helpdeskToken: id })).optional(),
      preIssuedTokens: z.array(id).optional(),
    })
    .optional(),
});

/**
 * Validates the options and fills in the defaults.
 *
 * @throws TypeError naming the offending option.
 */
export function normalizeOptions(options: EmulatorOptions = {}): NormalizedEmulatorOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`).join("; ");
    throw new TypeError(`Invalid emulator options: ${problems}`);
  }
  if (options.now !== undefined && typeof options.now !== "function") {
    throw new TypeError("Invalid emulator options: now: expected a function returning milliseconds");
  }
  const d = options.dingtalk ?? {};
  const f = options.feishu ?? {};
  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    now: options.now ?? Date.now,
    faults: options.faults ?? {},
    feishuEventPairs: options.feishuEventPairs ?? "documented",
    ledgerLimit: options.ledgerLimit ?? 10_000,
    tokenLimit: options.tokenLimit ?? 10_000,
    credentials: {
      dingtalk: {
        apps: d.apps ?? DEFAULT_CREDENTIALS.dingtalk.apps,
        suites: d.suites ?? DEFAULT_CREDENTIALS.dingtalk.suites,
        preIssuedTokens: d.preIssuedTokens ?? DEFAULT_CREDENTIALS.dingtalk.preIssuedTokens,
      },
      feishu: {
        apps: f.apps ?? DEFAULT_CREDENTIALS.feishu.apps,
        helpdesks: f.helpdesks ?? DEFAULT_CREDENTIALS.feishu.helpdesks,
        preIssuedTokens: f.preIssuedTokens ?? DEFAULT_CREDENTIALS.feishu.preIssuedTokens,
      },
    },
  };
}
