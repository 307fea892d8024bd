import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../core/errors";
import { credentialKey } from "../core/token-source";
import { DEFAULT_PROFILE } from "../config/profiles";
import { describeSetting, type SettingName } from "../config/settings-source";
import { Claims } from "../dynamic/claims";
import { containsUnknown, toCheckFailures, withoutProvider } from "../dynamic/check";
import { ClientPool, ConfiguredProfiles } from "../dynamic/configured";
import { createdButFailed, mayHaveApplied } from "../dynamic/partial-failure";
import { processLogger } from "../dynamic/process";
import { FeishuClient } from "./client";
import { diffEvents, eventKey, normalizeEvents, type HelpdeskEvent } from "./events";
import { helpdeskEventSubscriptionSchema, MAX_EVENTS } from "./schema";
import { FEISHU_PROFILE_SPEC, readFeishuSettings, type FeishuSettings } from "./settings";

/** What a HelpdeskEventSubscription stores as outputs: nothing secret. */
export interface HelpdeskEventSubscriptionOutputs {
  events: HelpdeskEvent[];
  /** The profile the subscription was made with (`default`: the top-level `feishu:` keys). */
  profile: string;
  helpdeskId: string;
  endpoint: string;
  appId: string;
  /** Set when the vendor may or may not have applied the last change (its answer was lost): the next update re-applies it. */
  unconfirmed?: boolean;
}

type Props = Record<string, unknown>;

/** The identity a resource's state records (v0.1 states record all but `profile`). */
interface Recorded {
  profile: string;
  endpoint?: string;
  appId?: string;
  helpdeskId?: string;
}

/**
 * The Feishu/Lark helpdesk event subscription provider: loaded (not serialized) in the
 * provider process, one instance per process.
 *
 * Every operation on an existing resource acts with the profile and identity its state records
 * (endpoint, appId, helpdeskId); when the configuration no longer resolves to that identity it
 * fails with a {@link ConfigError} before any vendor call.
 */
export class FeishuProvider {
  private readonly profiles = new ConfiguredProfiles(FEISHU_PROFILE_SPEC, readFeishuSettings);
  private readonly clients = new ClientPool<FeishuClient>();
  private readonly claims = new Claims();

  /** Keeps the stack config; profiles are read when first used, and their errors raised then. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.profiles.configure(req);
  }

  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const inputs = withoutProvider(news);
    // A list still unknown at preview is checked once it is known.
    if (containsUnknown(inputs.events) || containsUnknown(inputs.profile)) return { inputs: news };
    if (Array.isArray(inputs.events) && inputs.events.length > MAX_EVENTS) {
      // Checked first so that neither the work nor the message grows with the input.
      return { inputs: news, failures: [{ property: "events", reason: `events must hold at most ${MAX_EVENTS} pairs (got ${inputs.events.length})` }] };
    }
    const result = helpdeskEventSubscriptionSchema.safeParse({ events: inputs.events, profile: inputs.profile ?? undefined });
    if (!result.success) return { inputs: news, failures: toCheckFailures(result.error.issues) };
    const profile = result.data.profile ?? DEFAULT_PROFILE;
    const events = normalizeEvents(result.data.events);
    // An existing resource's profile is checked by diff, which can name the identity its state records.
    const existing = Object.keys(olds).length > 0 && (olds.profile ?? DEFAULT_PROFILE) === profile;
    try {
      const settings = this.profiles.get(profile);
      for (const e of events) this.claims.claim(claimKey(settings, e));
    } catch (e) {
      if (!existing || !ConfigError.isInstance(e)) throw e;
    }
    return { inputs: { ...news, events } };
  }

  async diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const replaces: string[] = [];
    const recorded = recordedIdentity(olds);
    if (containsUnknown(news.profile)) return { changes: true, replaces: ["profile"], deleteBeforeReplace: false };
    const profile = typeof news.profile === "string" ? news.profile : DEFAULT_PROFILE;
    // A profile the state records that is gone: the error names the recorded identity.
    if (profile === recorded.profile) this.recordedSettingsIfMissing(id, olds);
    const now = this.profiles.get(profile);
    if (!sameIdentity(recorded, now)) {
      // The same profile now naming another app, helpdesk or endpoint: the old pairs could only be removed under an
      // identity no longer configured. Stop before anything changes.
      if (profile === recorded.profile) throw this.mismatch(id, recorded, now);
      // Another profile: the new subscription is made first, then the old one removed under its own profile,
      // which must still resolve to the recorded identity: checked now, before anything changes.
      this.recordedSettings(id, olds);
      replaces.push("profile");
    }
    const oldEvents = normalizeEvents((olds.events as HelpdeskEvent[]) ?? []);
    const newEvents = containsUnknown(news.events) ? undefined : normalizeEvents((news.events as HelpdeskEvent[]) ?? []);
    const eventsChanged = !newEvents || JSON.stringify(oldEvents) !== JSON.stringify(newEvents);
    const changes = replaces.length > 0 || eventsChanged || profile !== recorded.profile || olds.unconfirmed === true;
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const parsed = helpdeskEventSubscriptionSchema.parse({ events: inputs.events, profile: inputs.profile ?? undefined });
    const settings = this.profiles.get(parsed.profile ?? DEFAULT_PROFILE);
    const events = normalizeEvents(parsed.events);
    for (const e of events) this.claims.claim(claimKey(settings, e));
    // The vendor has no subscription id; several resources may share a helpdesk.
    const id = `${settings.helpdesk.helpdeskId}/${randomBytes(4).toString("hex")}`;
    try {
      await this.clientFor(settings).subscribe(events);
    } catch (e) {
      // The request may have been applied with its answer lost: record the resource, so a later up or destroy cleans up.
      if (mayHaveApplied(e)) throw createdButFailed(id, { ...outputs(settings, events), unconfirmed: true }, e, `subscribe on helpdesk ${settings.helpdesk.helpdeskId} may have been applied`, inputs);
      throw e;
    }
    return { id, outs: outputs(settings, events) };
  }

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    // Feishu has no read API: what is stored is all there is to know.
    if (!Array.isArray(props.events)) {
      throw new ConfigError(
        `Feishu HelpdeskEventSubscription ${id.slice(0, 80)} cannot be imported or read with .get(): Feishu has no API that lists a helpdesk's ` +
          `subscriptions, and the id names no events. Declare a HelpdeskEventSubscription with its events instead and run pulumi up: ` +
          `subscribing is an upsert, so it adopts pairs that are already live.`,
        "events",
      );
    }
    return { id, props, inputs: props.profile === undefined ? { events: props.events } : { events: props.events, profile: props.profile } };
  }

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const parsed = helpdeskEventSubscriptionSchema.parse({ events: news.events, profile: news.profile ?? undefined });
    const settings = this.recordedSettings(id, olds, parsed.profile ?? DEFAULT_PROFILE);
    const events = normalizeEvents(parsed.events);
    for (const e of events) this.claims.claim(claimKey(settings, e));
    const oldEvents = normalizeEvents((olds.events as HelpdeskEvent[]) ?? []);
    const diff = diffEvents(oldEvents, events);
    // After a change whose answer was lost, nothing in the state is certain: subscribe every pair (an upsert).
    const added = olds.unconfirmed === true ? events : diff.added;
    const client = this.clientFor(settings);
    // Subscribe first, then unsubscribe: unchanged pairs are never touched and keep flowing.
    try {
      if (added.length > 0) await client.subscribe(added);
    } catch (e) {
      if (!mayHaveApplied(e)) throw e;
      const live = { ...outputs(settings, normalizeEvents([...oldEvents, ...added])), unconfirmed: true };
      throw createdButFailed(id, live, e, `subscribe ${added.map(eventKey).join(", ")} may have been applied`, news);
    }
    const release = this.unclaimed(settings, diff.removed);
    try {
      if (release.length > 0) await client.unsubscribe(release);
    } catch (e) {
      // The added pairs are live: the state must say so, with the pairs not yet removed, or they are orphaned.
      const live = normalizeEvents([...events, ...release]);
      const note = added.length > 0 ? `subscribed ${added.map(eventKey).join(", ")}, then unsubscribe failed` : "unsubscribe failed";
      throw createdButFailed(id, { ...outputs(settings, live), unconfirmed: true }, e, note, news);
    }
    return { outs: outputs(settings, events) };
  }

  async delete(id: string, props: Props): Promise<void> {
    const settings = this.recordedSettings(id, props);
    const events = normalizeEvents((props.events as HelpdeskEvent[]) ?? []);
    const release = this.unclaimed(settings, events);
    if (release.length > 0) await this.clientFor(settings).unsubscribe(release);
  }

  /**
   * The settings for an existing resource: the profile its state records (or, on update, the
   * declared one, which diff found to resolve to the same identity), checked to resolve to the
   * identity its state records. Throws a {@link ConfigError} naming both and the keys to set.
   */
  private recordedSettings(id: string, props: Props, profileNow?: string): FeishuSettings {
    const recorded = recordedIdentity(props);
    const profile = profileNow ?? recorded.profile;
    let settings: FeishuSettings;
    try {
      settings = this.profiles.get(profile);
    } catch (e) {
      if (!ConfigError.isInstance(e)) throw e;
      throw new ConfigError(
        `Feishu HelpdeskEventSubscription ${id} was made with profile "${recorded.profile}" (${describeIdentity(recorded)}), which cannot be used now: ${e.message} ` +
          `Nothing was sent to Feishu.`,
        e.keys,
      );
    }
    if (!sameIdentity(recorded, settings)) throw this.mismatch(id, recorded, settings);
    return settings;
  }

  /** Raises {@link recordedSettings}'s error when the recorded profile cannot be read at all. */
  private recordedSettingsIfMissing(id: string, props: Props): void {
    try {
      this.profiles.get(recordedIdentity(props).profile);
    } catch {
      this.recordedSettings(id, props);
    }
  }

  private mismatch(id: string, recorded: Recorded, now: FeishuSettings): ConfigError {
    const n = now.names;
    const keys: SettingName[] = [];
    if (recorded.endpoint !== undefined && recorded.endpoint !== now.endpoint.href) keys.push(n.endpoint);
    if (recorded.appId !== undefined && recorded.appId !== now.appId) keys.push(...(recorded.appId === "tenantAccessToken" ? [n.tenantAccessToken] : [n.appId, n.appSecret]));
    if (recorded.helpdeskId !== undefined && recorded.helpdeskId !== now.helpdesk.helpdeskId) keys.push(n.helpdeskId, n.helpdeskToken);
    return new ConfigError(
      `Feishu HelpdeskEventSubscription ${id} was made with ${describeIdentity(recorded)} (profile "${recorded.profile}"), ` +
        `but that profile now resolves to ${describeIdentity({ endpoint: now.endpoint.href, appId: now.appId, helpdeskId: now.helpdesk.helpdeskId })}. ` +
        `Nothing was sent to Feishu. Set ${keys.map(describeSetting).join(", ")} back to the recorded values; to move the subscription, ` +
        `configure the new app or helpdesk as a profile (feishu:profiles.<name>) and set the resource's profile to it: pulumi up then subscribes ` +
        `under the new profile and unsubscribes under "${recorded.profile}" (see the README, Profiles).`,
      keys.map((k) => k.config),
    );
  }

  /** The pairs no other resource of this deployment claims; the rest are kept, and said so. */
  private unclaimed(settings: FeishuSettings, events: HelpdeskEvent[]): HelpdeskEvent[] {
    const kept = events.filter((e) => this.claims.isClaimed(claimKey(settings, e)));
    if (kept.length > 0) {
      processLogger().info(
        `Feishu: kept ${kept.map(eventKey).join(", ")} on helpdesk ${settings.helpdesk.helpdeskId}: another resource of this deployment still claims them (not unsubscribed).`,
      );
    }
    return events.filter((e) => !kept.includes(e));
  }

  private clientFor(settings: FeishuSettings): FeishuClient {
    const c = settings.credentials;
    const secrets = [c.kind === "app" ? c.appSecret : c.tenantAccessToken, settings.helpdesk.helpdeskToken];
    const key = credentialKey([settings.endpoint.href, settings.appId, settings.helpdesk.helpdeskId, JSON.stringify(settings.options)], secrets);
    return this.clients.get(key, () =>
      new FeishuClient({ endpoint: settings.endpoint, credentials: settings.credentials, helpdesk: settings.helpdesk, options: settings.options, logger: processLogger() }),
    );
  }
}

function recordedIdentity(props: Props): Recorded {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { profile: str(props.profile) ?? DEFAULT_PROFILE, endpoint: str(props.endpoint), appId: str(props.appId), helpdeskId: str(props.helpdeskId) };
}

/**
 * Whether the configured identity is the recorded one. A pre-issued tenant token names no app
 * (recorded as `tenantAccessToken`): it matches only a token again, on the same helpdesk and
 * endpoint; which app the token belongs to cannot be checked without a vendor call.
 */
function sameIdentity(recorded: Recorded, now: FeishuSettings): boolean {
  if (recorded.endpoint !== undefined && recorded.endpoint !== now.endpoint.href) return false;
  if (recorded.appId !== undefined && recorded.appId !== now.appId) return false;
  if (recorded.helpdeskId !== undefined && recorded.helpdeskId !== now.helpdesk.helpdeskId) return false;
  return true;
}

function describeIdentity(i: Omit<Recorded, "profile">): string {
  const app = i.appId === "tenantAccessToken" ? "a pre-issued tenant access token" : `app ${i.appId ?? "(not recorded)"}`;
  return `${app} on helpdesk ${i.helpdeskId ?? "(not recorded)"}${i.endpoint ? ` at ${i.endpoint}` : ""}`;
}

function claimKey(settings: FeishuSettings, e: HelpdeskEvent): string {
  return JSON.stringify([settings.endpoint.href, settings.appId, settings.helpdesk.helpdeskId, eventKey(e)]);
}

function outputs(settings: FeishuSettings, events: HelpdeskEvent[]): HelpdeskEventSubscriptionOutputs {
  return { events, profile: settings.profile, helpdeskId: settings.helpdesk.helpdeskId, endpoint: settings.endpoint.href, appId: settings.appId };
}
