import type * as pulumi from "@pulumi/pulumi";
import { Claims } from "../dynamic/claims";
import { containsUnknown, toCheckFailures, withoutProvider } from "../dynamic/check";
import { createdButFailed } from "../dynamic/partial-failure";
import { processLogger } from "../dynamic/process";
import { ClientPool, ConfiguredSettings } from "../dynamic/configured";
import { DingTalkClient } from "./client";
import { coverageId, storageEventSubscriptionSchema, type StorageEventSubscriptionInputs } from "./schema";
import { readDingTalkSettings, type DingTalkAppIdentity, type DingTalkSettings } from "./settings";

/** What a StorageEventSubscription stores as outputs: nothing secret. */
export interface StorageEventSubscriptionOutputs extends StorageEventSubscriptionInputs, DingTalkAppIdentity {
  /** The endpoint the subscription was made at; delete goes there. */
  endpoint: string;
}

type Props = Record<string, unknown>;

/**
 * The DingTalk storage event subscription provider: loaded (not serialized) in the provider
 * process, one instance per process, so its client, token cache and claims are shared by
 * every resource of the deployment.
 */
export class DingTalkProvider {
  private readonly settings = new ConfiguredSettings(readDingTalkSettings);
  private readonly clients = new ClientPool<DingTalkClient>();
  private readonly claims = new Claims();

  /** Reads the stack config; an error is kept and raised by the first operation that needs it. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.settings.configure(req);
  }

  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const inputs = withoutProvider(news);
    // Validate what is known; a value still unknown at preview is checked once it is known.
    const known = Object.fromEntries(Object.entries(inputs).filter(([, v]) => !containsUnknown(v)));
    const allKnown = Object.keys(known).length === Object.keys(inputs).length;
    const result = (allKnown ? storageEventSubscriptionSchema : storageEventSubscriptionSchema.partial()).safeParse(known);
    if (!result.success) return { inputs: news, failures: toCheckFailures(result.error.issues) };
    const settings = this.requireSettings();
    if (result.data.scope && result.data.scopeId) this.claims.claim(this.claimKey(settings, result.data as StorageEventSubscriptionInputs));
    return { inputs: { ...news, ...result.data } };
  }

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const settings = this.requireSettings();
    const replaces: string[] = [];
    for (const key of ["scope", "scopeId"] as const) if (olds[key] !== news[key]) replaces.push(key);
    // A new endpoint or app is a different subscription at the vendor: replace.
    if (olds.endpoint !== undefined && olds.endpoint !== settings.endpoint.href) replaces.push("endpoint");
    if (!sameIdentity(olds as Partial<DingTalkAppIdentity>, settings.identity)) replaces.push("credentialKind");
    const updates = olds.unionId !== news.unionId;
    return { changes: replaces.length > 0 || updates, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const settings = this.requireSettings();
    const s = storageEventSubscriptionSchema.parse(withoutProvider(inputs));
    this.claims.claim(this.claimKey(settings, s));
    await this.clientFor(settings).subscribe(s);
    const id = coverageId(s);
    return createdButFailed(id, () => ({ id, outs: this.outputs(settings, s) }));
  }

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    // DingTalk has no read API: what is stored is all there is to know.
    return { id, props, inputs: pickInputs(props) };
  }

  async update(_id: string, _olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const settings = this.requireSettings();
    const s = storageEventSubscriptionSchema.parse(withoutProvider(news));
    this.claims.claim(this.claimKey(settings, s));
    // Subscribe is an upsert; re-subscribing records the new operator.
    await this.clientFor(settings).subscribe(s);
    return { outs: this.outputs(settings, s) };
  }

  async delete(id: string, props: Props): Promise<void> {
    const settings = this.requireSettings();
    const s = storageEventSubscriptionSchema.parse(pickInputs(props));
    const endpoint = typeof props.endpoint === "string" ? new URL(props.endpoint) : settings.endpoint;
    const at = { ...settings, endpoint };
    if (this.claims.isClaimed(this.claimKey(at, s))) {
      processLogger().info(`DingTalk: kept subscription ${id}: another resource of this deployment still claims it (not unsubscribed).`);
      return;
    }
    await this.clientFor(at).unsubscribe(s);
  }

  private requireSettings(): DingTalkSettings {
    return this.settings.get();
  }

  private clientFor(settings: DingTalkSettings): DingTalkClient {
    return this.clients.get(settings.endpoint.href, () =>
      new DingTalkClient({ endpoint: settings.endpoint, credentials: settings.credentials, options: settings.options, logger: processLogger() }),
    );
  }

  private claimKey(settings: Pick<DingTalkSettings, "endpoint" | "identity">, s: Pick<StorageEventSubscriptionInputs, "scope" | "scopeId">): string {
    return JSON.stringify([settings.endpoint.href, settings.identity, coverageId(s)]);
  }

  private outputs(settings: DingTalkSettings, s: StorageEventSubscriptionInputs): StorageEventSubscriptionOutputs {
    return { scope: s.scope, scopeId: s.scopeId, unionId: s.unionId, endpoint: settings.endpoint.href, ...settings.identity };
  }
}

function pickInputs(props: Props): Props {
  return { scope: props.scope, scopeId: props.scopeId, unionId: props.unionId };
}

function sameIdentity(olds: Partial<DingTalkAppIdentity>, now: DingTalkAppIdentity): boolean {
  if (olds.credentialKind === undefined) return true;
  // A pre-issued token names no app: it can stand in for any app without a replacement.
  if (olds.credentialKind === "accessToken" || now.credentialKind === "accessToken") return true;
  return olds.credentialKind === now.credentialKind && olds.appKey === now.appKey && olds.suiteKey === now.suiteKey && olds.authCorpId === now.authCorpId;
}
