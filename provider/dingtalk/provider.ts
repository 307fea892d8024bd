import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../core/errors";
import { credentialKey } from "../core/token-source";
import { DEFAULT_PROFILE } from "../config/profiles";
import { describeSetting, type SettingName } from "../config/settings-source";
import { Claims } from "../dynamic/claims";
import { containsUnknown, toCheckFailures, withoutProvider } from "../dynamic/check";
import { mayHaveApplied, createdButFailed } from "../dynamic/partial-failure";
import { processLogger } from "../dynamic/process";
import { ClientPool, ConfiguredProfiles } from "../dynamic/configured";
import { DingTalkClient } from "./client";
import type { DingTalkCredentials } from "./credentials";
import { coverageId, parseCoverageId, storageEventSubscriptionSchema, type StorageEventSubscriptionInputs } from "./schema";
import { DINGTALK_PROFILE_SPEC, readDingTalkSettings, type DingTalkAppIdentity, type DingTalkSettings } from "./settings";

/** What a StorageEventSubscription stores as outputs: nothing secret. */
export interface StorageEventSubscriptionOutputs extends Omit<StorageEventSubscriptionInputs, "profile" | "authCorpId">, DingTalkAppIdentity {
  /** The profile the subscription was made with (`default`: the top-level `dingtalk:` keys). */
  profile: string;
  /** The endpoint the subscription was made at; every later operation goes there. */
  endpoint: string;
  /** Set when the vendor may or may not have applied the subscribe (its answer was lost): the next update re-subscribes. */
  unconfirmed?: boolean;
}

type Props = Record<string, unknown>;

/** One profile's settings with the organization chosen: everything a call needs. */
interface Bound extends DingTalkSettings {
  credentials: DingTalkCredentials;
}

/** The identity a resource's state records; `undefined` fields were not recorded (v0.1 states record all but `profile`). */
interface Recorded extends Partial<DingTalkAppIdentity> {
  profile: string;
  endpoint?: string;
}

/**
 * The DingTalk storage event subscription provider: loaded (not serialized) in the provider
 * process, one instance per process, so its clients, token caches and claims are shared by
 * every resource of the deployment.
 *
 * Every operation on an existing resource acts with the profile and identity its state records
 * (endpoint, appKey, or suiteKey + authCorpId); when the configuration no longer resolves to that
 * identity it fails with a {@link ConfigError} before any vendor call.
 */
export class DingTalkProvider {
  private readonly profiles = new ConfiguredProfiles(DINGTALK_PROFILE_SPEC, readDingTalkSettings);
  private readonly clients = new ClientPool<DingTalkClient>();
  private readonly claims = new Claims();

  /** Keeps the stack config; profiles are read when first used, and their errors raised then. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.profiles.configure(req);
  }

  async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const inputs = withoutProvider(news);
    // Validate what is known; a value still unknown at preview is checked once it is known.
    const known = Object.fromEntries(Object.entries(inputs).filter(([k, v]) => INPUT_KEYS.has(k) && !containsUnknown(v)));
    const allKnown = [...INPUT_KEYS].every((k) => k in known || !(k in inputs) || inputs[k] === undefined);
    const result = (allKnown ? storageEventSubscriptionSchema : storageEventSubscriptionSchema.partial()).safeParse(known);
    if (!result.success) return { inputs: news, failures: toCheckFailures(result.error.issues) };
    const s = result.data as Partial<StorageEventSubscriptionInputs>;
    if (containsUnknown(inputs.profile) || containsUnknown(inputs.authCorpId)) return { inputs: { ...news, ...s } };
    // An existing resource's profile is checked by diff, which can name the identity its state records.
    const existing = Object.keys(olds).length > 0 && (olds.profile ?? DEFAULT_PROFILE) === (s.profile ?? DEFAULT_PROFILE);
    try {
      const settings = this.profiles.get(s.profile ?? DEFAULT_PROFILE);
      const problem = organizationProblem(settings, s);
      if (problem) return { inputs: news, failures: [problem] };
      if (s.scope && s.scopeId) this.claims.claim(claimKey(bind(settings, s), { scope: s.scope, scopeId: s.scopeId }));
    } catch (e) {
      if (!existing || !ConfigError.isInstance(e)) throw e;
    }
    return { inputs: { ...news, ...s } };
  }

  async diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const replaces: string[] = [];
    for (const key of ["scope", "scopeId"] as const) if (olds[key] !== news[key]) replaces.push(key);
    const recorded = recordedIdentity(olds);
    if (containsUnknown(news.profile) || containsUnknown(news.authCorpId) || containsUnknown(news.scopeId)) {
      return { changes: true, replaces: [...replaces, "profile"], deleteBeforeReplace: false };
    }
    const profile = typeof news.profile === "string" ? news.profile : DEFAULT_PROFILE;
    // A profile the state records that is gone: the error names the recorded identity.
    if (profile === recorded.profile) this.recordedSettingsIfMissing(id, olds);
    const declared = this.profiles.get(profile);
    const problem = organizationProblem(declared, news as Partial<StorageEventSubscriptionInputs>);
    if (problem) throw new ConfigError(`DingTalk StorageEventSubscription ${id}: ${problem.property}: ${problem.reason}`, problem.property);
    const now = bind(declared, news as Partial<StorageEventSubscriptionInputs>);
    if (!sameIdentity(recorded, now)) {
      // The same profile now naming another app (or, for a suite, the profile's own authCorpId changed):
      // the old subscription could only be removed under an identity no longer configured. Stop before anything changes.
      const organizationChosenHere = news.authCorpId !== undefined || (declared.credentials.kind === "suite" && declared.credentials.authCorpId === undefined);
      const onlyOrganization = sameIdentity({ ...recorded, authCorpId: now.identity.authCorpId }, now);
      if (profile === recorded.profile && !(onlyOrganization && organizationChosenHere)) throw this.mismatch(id, recorded, now);
      // Another profile or organization: the new subscription is made first, then the old one is removed under
      // its own profile, which must still resolve to the recorded identity: checked now, before anything changes.
      this.recordedSettings(id, olds);
      replaces.push(profile !== recorded.profile ? "profile" : "authCorpId");
    }
    const updates = olds.unionId !== news.unionId || profile !== recorded.profile || olds.unconfirmed === true;
    return { changes: replaces.length > 0 || updates, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const s = storageEventSubscriptionSchema.parse(pickInputs(inputs));
    const settings = this.settingsForInputs(s);
    this.claims.claim(claimKey(settings, s));
    const id = coverageId(s);
    const outs = outputs(settings, s);
    try {
      await this.clientFor(settings).subscribe(s);
    } catch (e) {
      // The request may have been applied with its answer lost: record the resource, so a later up or destroy cleans up.
      if (mayHaveApplied(e)) throw createdButFailed(id, { ...outs, unconfirmed: true }, e, `subscribe ${id} may have been applied`, inputs);
      throw e;
    }
    return { id, outs };
  }

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    // DingTalk has no read API: what is stored is all there is to know. A resource taken with
    // `.get()` or an import has no stored inputs: the coverage comes from its id.
    const coverage = parseCoverageId(id);
    if (!coverage) {
      throw new ConfigError(`DingTalk StorageEventSubscription id ${JSON.stringify(id.slice(0, 80))} is not ORG:<corpId> or SPACE:<spaceId>.`, "id");
    }
    const rebuilt = { ...props, scope: props.scope ?? coverage.scope, scopeId: props.scopeId ?? coverage.scopeId };
    return { id, props: rebuilt, inputs: pickInputs(rebuilt) };
  }

  async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const s = storageEventSubscriptionSchema.parse(pickInputs(news));
    const settings = this.recordedSettings(id, olds, s.profile);
    this.claims.claim(claimKey(settings, s));
    // Subscribe is an upsert; re-subscribing records the new operator (and confirms a create whose answer was lost).
    await this.clientFor(settings).subscribe(s);
    return { outs: outputs(settings, s) };
  }

  async delete(id: string, props: Props): Promise<void> {
    const settings = this.recordedSettings(id, props);
    const parsed = storageEventSubscriptionSchema.safeParse(pickInputs(props));
    if (!parsed.success) {
      throw new ConfigError(
        `DingTalk StorageEventSubscription ${id} cannot be unsubscribed: its state has no valid unionId (it was imported or read with .get()), ` +
          `and DingTalk's unsubscribe needs the operator's unionId. Declare it in the program with scope, scopeId and unionId and run pulumi up ` +
          `(subscribe is an upsert: it adopts the subscription), then remove it; or drop it from the state with pulumi state delete. Nothing was sent to DingTalk.`,
        "unionId",
      );
    }
    const s = parsed.data;
    if (this.claims.isClaimed(claimKey(settings, s))) {
      processLogger().info(`DingTalk: kept subscription ${id}: another resource of this deployment still claims it (not unsubscribed).`);
      return;
    }
    await this.clientFor(settings).unsubscribe(s);
  }

  /** The settings of a new declaration: its profile, bound to its organization. */
  private settingsForInputs(s: StorageEventSubscriptionInputs): Bound {
    const settings = this.profiles.get(s.profile ?? DEFAULT_PROFILE);
    const problem = organizationProblem(settings, s);
    if (problem) throw new ConfigError(`${problem.property}: ${problem.reason}`, problem.property);
    return bind(settings, s);
  }

  /**
   * The settings for an existing resource: the profile its state records, checked to resolve to
   * the identity its state records. Throws a {@link ConfigError} naming both and the keys to set.
   */
  private recordedSettings(id: string, props: Props, profileNow?: string): Bound {
    const recorded = recordedIdentity(props);
    // An update never changes the profile's identity (diff replaces then); a rename of the profile to one of the same identity is fine.
    const profile = profileNow ?? recorded.profile;
    let settings: DingTalkSettings;
    try {
      settings = this.profiles.get(profile);
    } catch (e) {
      if (!ConfigError.isInstance(e)) throw e;
      throw new ConfigError(
        `DingTalk StorageEventSubscription ${id} was made with profile "${recorded.profile}" (${describeIdentity(recorded)}), which cannot be used now: ${e.message} ` +
          `Nothing was sent to DingTalk.`,
        e.keys,
      );
    }
    const now = bind(settings, { authCorpId: recorded.credentialKind === "suite" ? recorded.authCorpId : undefined } as Partial<StorageEventSubscriptionInputs>);
    if (recorded.credentialKind !== undefined && !sameIdentity(recorded, now)) throw this.mismatch(id, recorded, now);
    return now;
  }

  /** Raises {@link recordedSettings}'s error when the recorded profile cannot be read at all. */
  private recordedSettingsIfMissing(id: string, props: Props): void {
    try {
      this.profiles.get(recordedIdentity(props).profile);
    } catch {
      this.recordedSettings(id, props);
    }
  }

  private mismatch(id: string, recorded: Recorded, now: Bound): ConfigError {
    const n = now.names;
    const i = now.identity;
    const keys: SettingName[] = [];
    if (recorded.endpoint !== undefined && recorded.endpoint !== now.endpoint.href) keys.push(n.endpoint);
    if (recorded.credentialKind !== i.credentialKind || recorded.appKey !== i.appKey || recorded.suiteKey !== i.suiteKey) {
      keys.push(...(recorded.credentialKind === "app" ? [n.appKey, n.appSecret] : recorded.credentialKind === "suite" ? [n.suiteKey, n.suiteSecret, n.suiteTicket] : [n.accessToken]));
    }
    if (recorded.credentialKind === "suite" && recorded.authCorpId !== i.authCorpId) keys.push(n.authCorpId);
    return new ConfigError(
      `DingTalk StorageEventSubscription ${id} was made with ${describeIdentity(recorded)} (profile "${recorded.profile}"), ` +
        `but that profile now resolves to ${describeIdentity({ ...now.identity, endpoint: now.endpoint.href })}. Nothing was sent to DingTalk. ` +
        `Set ${keys.map(describeSetting).join(", ")} back to the recorded app's values; to move the subscription to another app, ` +
        `configure that app as a profile (dingtalk:profiles.<name>) and set the resource's profile to it: pulumi up then subscribes under the new profile ` +
        `and unsubscribes under "${recorded.profile}" (see the README, Profiles).`,
      keys.map((k) => k.config),
    );
  }

  private clientFor(settings: Bound): DingTalkClient {
    const c = settings.credentials;
    const secrets = c.kind === "app" ? [c.appSecret] : c.kind === "suite" ? [c.suiteSecret, c.suiteTicket] : [c.accessToken];
    const key = credentialKey([settings.endpoint.href, JSON.stringify(settings.identity), JSON.stringify(settings.options)], secrets);
    return this.clients.get(key, () =>
      new DingTalkClient({ endpoint: settings.endpoint, credentials: settings.credentials, options: settings.options, logger: processLogger() }),
    );
  }
}

const INPUT_KEYS = new Set(["scope", "scopeId", "unionId", "profile", "authCorpId"]);

/** The inputs among a property bag (inputs, or outputs from state: there `authCorpId` is the organization acted for). */
function pickInputs(props: Props): Props {
  const out: Props = { scope: props.scope, scopeId: props.scopeId, unionId: props.unionId };
  for (const key of ["profile", "authCorpId"] as const) if (props[key] !== undefined && props[key] !== null) out[key] = props[key];
  return out;
}

/** Whether a suite profile can serve the declared organization; a check failure otherwise. */
function organizationProblem(settings: DingTalkSettings, s: Partial<StorageEventSubscriptionInputs>): pulumi.dynamic.CheckFailure | undefined {
  const c = settings.credentials;
  if (c.kind !== "suite") {
    if (s.authCorpId !== undefined) {
      return { property: "authCorpId", reason: `authCorpId applies only to a third-party app (suite) profile; profile "${settings.profile}" is ${c.kind === "app" ? "an internal app" : "an access token"}: remove it.` };
    }
    return undefined;
  }
  if (s.authCorpId !== undefined && c.authCorpId !== undefined && s.authCorpId !== c.authCorpId) {
    return {
      property: "authCorpId",
      reason: `profile "${settings.profile}" is bound to organization ${c.authCorpId} by ${settings.names.authCorpId.config}; remove that key to let resources choose, or remove authCorpId here.`,
    };
  }
  if (s.authCorpId === undefined && c.authCorpId === undefined && s.scope === "SPACE") {
    return {
      property: "authCorpId",
      reason: `profile "${settings.profile}" is a third-party app serving many organizations: set authCorpId (the organization that owns the space) or ${settings.names.authCorpId.config}.`,
    };
  }
  return undefined;
}

/** The profile's settings with the organization chosen: the resource's authCorpId, the profile's, or for `ORG` its scopeId. */
function bind(settings: DingTalkSettings, s: Partial<StorageEventSubscriptionInputs>): Bound {
  const c = settings.credentials;
  if (c.kind !== "suite") return settings as Bound;
  const authCorpId = s.authCorpId ?? c.authCorpId ?? (s.scope === "ORG" ? s.scopeId : undefined) ?? "";
  return { ...settings, credentials: { ...c, authCorpId }, identity: { ...settings.identity, authCorpId } };
}

function recordedIdentity(props: Props): Recorded {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    profile: str(props.profile) ?? DEFAULT_PROFILE,
    endpoint: str(props.endpoint),
    credentialKind: str(props.credentialKind) as DingTalkAppIdentity["credentialKind"] | undefined,
    appKey: str(props.appKey),
    suiteKey: str(props.suiteKey),
    authCorpId: str(props.authCorpId),
  };
}

/**
 * Whether the configured identity is the recorded one. A pre-issued token names no app: a
 * resource made with a token can be acted on with a token (of the same endpoint), never with
 * app credentials, and the other way round; which app a token belongs to cannot be checked
 * without a vendor call, so that stays the user's promise.
 */
function sameIdentity(recorded: Recorded, now: Bound): boolean {
  if (recorded.credentialKind === undefined) return true;
  if (recorded.endpoint !== undefined && recorded.endpoint !== now.endpoint.href) return false;
  const i = now.identity;
  if (recorded.credentialKind !== i.credentialKind) return false;
  if (i.credentialKind === "app") return recorded.appKey === i.appKey;
  if (i.credentialKind === "suite") return recorded.suiteKey === i.suiteKey && recorded.authCorpId === i.authCorpId;
  return true;
}

function describeIdentity(i: Partial<DingTalkAppIdentity> & { endpoint?: string }): string {
  const who =
    i.credentialKind === "app"
      ? `app ${i.appKey}`
      : i.credentialKind === "suite"
        ? `third-party app ${i.suiteKey} for organization ${i.authCorpId}`
        : i.credentialKind === "accessToken"
          ? "a pre-issued access token"
          : "no recorded app";
  return i.endpoint ? `${who} at ${i.endpoint}` : who;
}

function claimKey(settings: Bound, s: Pick<StorageEventSubscriptionInputs, "scope" | "scopeId">): string {
  return JSON.stringify([settings.endpoint.href, { ...settings.identity }, coverageId(s)]);
}

function outputs(settings: Bound, s: StorageEventSubscriptionInputs): StorageEventSubscriptionOutputs {
  return {
    scope: s.scope,
    scopeId: s.scopeId,
    unionId: s.unionId,
    profile: settings.profile,
    endpoint: settings.endpoint.href,
    ...settings.identity,
  };
}
