/**
 * Access tokens the emulator issued (or was given), their lifetimes and use counts.
 *
 * @module
 */
import { randomBytes, randomInt } from "node:crypto";

/** Which vendor a token belongs to; a token is only accepted by its own vendor. */
export type TokenVendor = "dingtalk" | "feishu";

/** The `app` recorded for calls made with a pre-issued token. */
export const PRE_ISSUED_APP = "pre-issued";

/** One token and what it stands for. */
export interface IssuedToken {
  /** The secret value. */
  readonly value: string;
  /** The vendor that accepts it. */
  readonly vendor: TokenVendor;
  /** Non-secret identity of the app it was issued to, or {@link PRE_ISSUED_APP}. */
  readonly app: string;
  /** DingTalk only: the organization the token acts for. */
  readonly corpId?: string;
  /** DingTalk only: whether the app may call the storage event APIs. */
  readonly permitted: boolean;
  /** Issue time, ms. */
  readonly issuedAt: number;
  /** Expiry time, ms (`Infinity` for pre-issued tokens); a DingTalk internal-app token is renewed when re-asked. */
  expiresAt: number;
  /** Authenticated API calls made with it since the use limit was last set. */
  uses: number;
  /** Which `latest` slot it fills (issued tokens only). */
  readonly key?: string;
}

/** The result of checking the token a call presented. */
export type Authentication =
  | { readonly status: "ok"; readonly token: IssuedToken }
  | { readonly status: "missing" }
  | { readonly status: "invalid" }
  | { readonly status: "expired"; readonly reason: "ttl" | "uses"; readonly token: IssuedToken };

/** What the issuing endpoints need to know about a new or reused token. */
export interface TokenGrant {
  /** The token. */
  readonly token: IssuedToken;
  /** Whole seconds of life left. */
  readonly expiresInSeconds: number;
}

// Feishu: "with under 30 minutes left, a new call returns a new token and both stay valid".
const FEISHU_REFRESH_WINDOW_MS = 30 * 60 * 1000;
const DINGTALK_TOKEN_LENGTH = 32;
const FEISHU_TOKEN_PREFIX = "t-g104";
const FEISHU_TOKEN_LENGTH = FEISHU_TOKEN_PREFIX.length + 1 + 36;
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";

/** Issues, reuses and checks tokens for both vendors. */
export class TokenStore {
  private readonly byValue = new Map<string, IssuedToken>();
  private readonly latest = new Map<string, IssuedToken>();
  // Issued (not pre-issued) token values, oldest first: the ones dropped past `limit`.
  private readonly issued = new Set<string>();
  private maxUses: number | undefined;

  /**
   * @param now Clock in milliseconds.
   * @param ttlSeconds Lifetime of issued tokens.
   * @param limit Most issued tokens kept; the oldest are forgotten (then refused as invalid).
   *   Pre-issued tokens are always kept.
   */
  constructor(
    private readonly now: () => number,
    private readonly ttlSeconds: number,
    private readonly limit: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Registers a token that is valid from the start and never expires by time. */
  preIssue(vendor: TokenVendor, value: string, corpId?: string): void {
    this.remember({
      value,
      vendor,
      app: PRE_ISSUED_APP,
      ...(corpId === undefined ? {} : { corpId }),
      permitted: true,
      issuedAt: this.now(),
      expiresAt: Number.POSITIVE_INFINITY,
      uses: 0,
    });
  }

  /**
   * DingTalk internal app: the same token while it is valid, renewed for a full lifetime
   * (the vendor's doc: re-asking within the validity "returns the same result and renews it
   * automatically"), so `expireIn` is always the full lifetime; a new token once it expired.
   */
  dingTalkAppToken(appKey: string, corpId: string, permitted: boolean): TokenGrant {
    const now = this.now();
    const key = `dingtalk-app\u0000${appKey}`;
    const latest = this.latest.get(key);
    if (latest !== undefined && this.isValid(latest, now)) {
      latest.expiresAt = now + this.ttlSeconds * 1000;
      return grant(latest, now);
    }
    const identity = { vendor: "dingtalk", app: appKey, corpId, permitted } as const;
    return grant(this.issue(key, identity, dingTalkTokenValue(), now), now);
  }

  /** DingTalk third-party enterprise app: a new token on every call. */
  dingTalkSuiteToken(suiteKey: string, authCorpId: string): TokenGrant {
    const now = this.now();
    const key = `dingtalk-suite\u0000${suiteKey}\u0000${authCorpId}`;
    const identity = { vendor: "dingtalk", app: suiteKey, corpId: authCorpId, permitted: true } as const;
    return grant(this.issue(key, identity, dingTalkTokenValue(), now), now);
  }

  /** Feishu tenant token: the same one unless under 30 minutes are left (the old one stays valid). */
  feishuTenantToken(appId: string): TokenGrant {
    const now = this.now();
    const key = `feishu-app\u0000${appId}`;
    const latest = this.latest.get(key);
    if (latest !== undefined && this.isValid(latest, now) && latest.expiresAt - now >= FEISHU_REFRESH_WINDOW_MS) {
      return grant(latest, now);
    }
    return grant(this.issue(key, { vendor: "feishu", app: appId, permitted: true }, feishuTokenValue(), now), now);
  }

  /** Checks a presented token and, when accepted, counts one use. */
  authenticate(vendor: TokenVendor, value: string | undefined): Authentication {
    if (value === undefined || value === "") return { status: "missing" };
    const token = this.byValue.get(value);
    if (token === undefined || token.vendor !== vendor) return { status: "invalid" };
    if (this.now() >= token.expiresAt) return { status: "expired", reason: "ttl", token };
    if (this.maxUses !== undefined && token.uses >= this.maxUses) return { status: "expired", reason: "uses", token };
    token.uses += 1;
    return { status: "ok", token };
  }

  /** Sets (or lifts) the per-token use limit; use counts restart from zero. */
  setMaxUses(maxUses: number | undefined): void {
    this.maxUses = maxUses;
    for (const token of this.byValue.values()) token.uses = 0;
  }

  /** Every token value kept: pre-issued ones and the newest issued ones. */
  values(): string[] {
    return [...this.byValue.keys()];
  }

  /**
   * `text` with every issued token it contains (one still kept) replaced by `mask`. Tokens are
   * found by their shape, so the cost grows with the text, not with the number of tokens.
   */
  maskIssued(text: string, mask = "***"): string {
    const hits: [number, number][] = [];
    for (const run of text.matchAll(/[0-9a-f]{32,}/g)) {
      for (let i = run.index; i + DINGTALK_TOKEN_LENGTH <= run.index + run[0].length; i += 1) {
        if (this.issued.has(text.slice(i, i + DINGTALK_TOKEN_LENGTH))) hits.push([i, i + DINGTALK_TOKEN_LENGTH]);
      }
    }
    for (let i = text.indexOf(FEISHU_TOKEN_PREFIX); i >= 0; i = text.indexOf(FEISHU_TOKEN_PREFIX, i + 1)) {
      if (this.issued.has(text.slice(i, i + FEISHU_TOKEN_LENGTH))) hits.push([i, i + FEISHU_TOKEN_LENGTH]);
    }
    if (hits.length === 0) return text;
    hits.sort((a, b) => a[0] - b[0]);
    let out = "";
    let at = 0;
    for (const [start, end] of hits) {
      if (end <= at) continue;
      out += text.slice(at, Math.max(at, start)) + (start >= at ? mask : "");
      at = end;
    }
    return out + text.slice(at);
  }

  private isValid(token: IssuedToken, now: number): boolean {
    return now < token.expiresAt && (this.maxUses === undefined || token.uses < this.maxUses);
  }

  private issue(
    key: string,
    identity: Pick<IssuedToken, "vendor" | "app" | "corpId" | "permitted">,
    value: string,
    issuedAt: number,
  ): IssuedToken {
    const token: IssuedToken = { ...identity, key, value, issuedAt, expiresAt: issuedAt + this.ttlSeconds * 1000, uses: 0 };
    this.remember(token);
    this.issued.add(value);
    this.latest.set(key, token);
    while (this.issued.size > this.limit) this.forgetOldest();
    return token;
  }

  private forgetOldest(): void {
    const oldest = this.issued.values().next().value as string;
    this.issued.delete(oldest);
    const token = this.byValue.get(oldest);
    this.byValue.delete(oldest);
    if (token?.key !== undefined && this.latest.get(token.key) === token) this.latest.delete(token.key);
  }

  private remember(token: IssuedToken): void {
    this.byValue.set(token.value, token);
  }
}

function grant(token: IssuedToken, now: number): TokenGrant {
  return { token, expiresInSeconds: Math.max(0, Math.floor((token.expiresAt - now) / 1000)) };
}

/** DingTalk tokens are 32 lowercase hex characters. */
function dingTalkTokenValue(): string {
  return randomBytes(DINGTALK_TOKEN_LENGTH / 2).toString("hex");
}

/** Feishu tenant tokens look like `t-g1044…` followed by mixed-case alphanumerics. */
function feishuTokenValue(): string {
  let tail = "";
  for (let i = 0; i < 36; i += 1) tail += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return `${FEISHU_TOKEN_PREFIX}${randomInt(10)}${tail}`;
}
