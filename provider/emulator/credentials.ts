/**
 * Fake vendor credentials the emulator accepts, and the fixed default set.
 *
 * @module
 */

/** A DingTalk internal (self-built) app: token via `appKey`/`appSecret`. */
export interface DingTalkAppCredentials {
  /** Non-secret app id; appears in the ledger. */
  readonly appKey: string;
  /** Secret; never recorded. */
  readonly appSecret: string;
  /** The organization the app belongs to; the only valid `scopeId` for `scope=ORG`. */
  readonly corpId: string;
  /**
   * Whether the app holds `Storage.Event.Write`. Without it subscribe and
   * unsubscribe answer `403 permissionDenied`.
   * @default true
   */
  readonly permissions?: boolean;
}

/** A DingTalk third-party enterprise app (suite) authorized by one organization. */
export interface DingTalkSuiteCredentials {
  /** Non-secret suite id; appears in the ledger. */
  readonly suiteKey: string;
  /** Secret; never recorded. */
  readonly suiteSecret: string;
  /** The latest suite ticket pushed to the suite; treated as a secret. */
  readonly suiteTicket: string;
  /** The organization that authorized the suite; its tokens act for this corp. */
  readonly authCorpId: string;
}

/** A DingTalk access token that exists without a token call (for static configurations). */
export interface DingTalkPreIssuedToken {
  /** The token value; treated as a secret. */
  readonly token: string;
  /** The organization the token acts for. */
  readonly corpId: string;
}

/** A Feishu custom (self-built) app: tenant token via `app_id`/`app_secret`. */
export interface FeishuAppCredentials {
  /** Non-secret app id (`cli_…`); appears in the ledger. */
  readonly appId: string;
  /** Secret; never recorded. */
  readonly appSecret: string;
}

/** A Feishu helpdesk whose id and token form the `X-Lark-Helpdesk-Authorization` header. */
export interface FeishuHelpdeskCredentials {
  /** Non-secret helpdesk id. */
  readonly helpdeskId: string;
  /** Secret: carries the helpdesk owner's power. */
  readonly helpdeskToken: string;
}

/** Every DingTalk identity the emulator knows. */
export interface DingTalkCredentials {
  /** Internal apps. */
  readonly apps: readonly DingTalkAppCredentials[];
  /** Third-party enterprise apps. */
  readonly suites: readonly DingTalkSuiteCredentials[];
  /** Tokens valid from the start, never expiring by time. */
  readonly preIssuedTokens: readonly DingTalkPreIssuedToken[];
}

/** Every Feishu identity the emulator knows. */
export interface FeishuCredentials {
  /** Custom apps. */
  readonly apps: readonly FeishuAppCredentials[];
  /** Helpdesks. */
  readonly helpdesks: readonly FeishuHelpdeskCredentials[];
  /** Tenant access tokens valid from the start, never expiring by time. */
  readonly preIssuedTokens: readonly string[];
}

/** Both vendors' identities. */
export interface EmulatorCredentials {
  /** DingTalk identities. */
  readonly dingtalk: DingTalkCredentials;
  /** Feishu identities. */
  readonly feishu: FeishuCredentials;
}

/**
 * The fixed fake credentials used for every list the options leave out.
 *
 * All DingTalk identities act for the organization `ding-corp-demo`, so
 * `scope=ORG, scopeId=ding-corp-demo` works with each of them. None of these
 * values is real; the secrets are still treated as secrets (never in the ledger).
 */
export const DEFAULT_CREDENTIALS: EmulatorCredentials = deepFreeze({
  dingtalk: {
    apps: [
      {
        appKey: "dingdemoappkey0000001",
        appSecret: "dtAppSecret-demo-9f3c2a7e51b84d06a1c5e7f2b3d4a6c8",
        corpId: "ding-corp-demo",
        permissions: true,
      },
    ],
    suites: [
      {
        suiteKey: "suitedemokey00000001",
        suiteSecret: "dtSuiteSecret-demo-4b7e9a1c3d5f7082e6a4c2b0d8f1e3a5",
        suiteTicket: "dtSuiteTicket-demo-7c1e5a9b3d2f4068",
        authCorpId: "ding-corp-demo",
      },
    ],
    preIssuedTokens: [{ token: "dtPreIssuedToken-demo-0c6f2e8a4b1d3579", corpId: "ding-corp-demo" }],
  },
  feishu: {
    apps: [{ appId: "cli_demo0a1b2c3d4e5f", appSecret: "fsAppSecret-demo-5e2a8c4f1b7d3096e2c4a6b8d0f1a3c5" }],
    helpdesks: [{ helpdeskId: "7000000000000000001", helpdeskToken: "fsHelpdeskToken-demo-3a9c5e1b7d2f4086" }],
    preIssuedTokens: ["t-fsPreIssuedToken-demo-8d4b2f6a0c1e3579"],
  },
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
