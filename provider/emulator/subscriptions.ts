/**
 * The live subscriptions, keyed the way the vendors identify them.
 *
 * @module
 */

/** A DingTalk storage-event subscription. Identity: app, scope, scopeId. */
export interface DingTalkSubscription {
  /** Non-secret app identity (appKey, suiteKey or `"pre-issued"`). */
  readonly app: string;
  /** `"ORG"` or `"SPACE"`. */
  readonly scope: "ORG" | "SPACE";
  /** corpId for ORG, storage space id for SPACE. */
  readonly scopeId: string;
  /** The operator of the latest subscribe call. */
  readonly unionId: string;
}

/** A Feishu helpdesk event subscription. Identity: every field. */
export interface FeishuSubscription {
  /** Non-secret app identity (app_id or `"pre-issued"`). */
  readonly app: string;
  /** The helpdesk. */
  readonly helpdeskId: string;
  /** e.g. `helpdesk.ticket_message`. */
  readonly type: string;
  /** e.g. `ticket_message.created_v1`. */
  readonly subtype: string;
}

/** Both vendors' live subscriptions, in the order they were first made. */
export interface SubscriptionSnapshot {
  /** DingTalk subscriptions. */
  readonly dingtalk: DingTalkSubscription[];
  /** Feishu subscriptions. */
  readonly feishu: FeishuSubscription[];
}

const dingTalkKey = (s: Pick<DingTalkSubscription, "app" | "scope" | "scopeId">): string =>
  JSON.stringify([s.app, s.scope, s.scopeId]);
const feishuKey = (s: FeishuSubscription): string => JSON.stringify([s.app, s.helpdeskId, s.type, s.subtype]);

/** Upsert/remove semantics: subscribing twice keeps one entry; removing what is absent is fine. */
export class SubscriptionStore {
  private readonly dingtalk = new Map<string, DingTalkSubscription>();
  private readonly feishu = new Map<string, FeishuSubscription>();

  /** Adds or refreshes (the unionId) a DingTalk subscription. */
  subscribeDingTalk(subscription: DingTalkSubscription): void {
    this.dingtalk.set(dingTalkKey(subscription), { ...subscription });
  }

  /** Removes a DingTalk subscription if present. */
  unsubscribeDingTalk(identity: Pick<DingTalkSubscription, "app" | "scope" | "scopeId">): void {
    this.dingtalk.delete(dingTalkKey(identity));
  }

  /** Adds Feishu subscriptions (already present ones stay as they are). */
  subscribeFeishu(subscriptions: readonly FeishuSubscription[]): void {
    for (const s of subscriptions) this.feishu.set(feishuKey(s), { ...s });
  }

  /** Removes Feishu subscriptions that are present. */
  unsubscribeFeishu(subscriptions: readonly FeishuSubscription[]): void {
    for (const s of subscriptions) this.feishu.delete(feishuKey(s));
  }

  /** A copy of every live subscription. */
  snapshot(): SubscriptionSnapshot {
    return {
      dingtalk: [...this.dingtalk.values()].map((s) => ({ ...s })),
      feishu: [...this.feishu.values()].map((s) => ({ ...s })),
    };
  }

  /** Removes everything. */
  clear(): void {
    this.dingtalk.clear();
    this.feishu.clear();
  }
}
