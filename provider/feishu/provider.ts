import { randomBytes } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { Claims } from "../dynamic/claims";
import { containsUnknown, toCheckFailures, withoutProvider } from "../dynamic/check";
import { ClientPool, ConfiguredSettings } from "../dynamic/configured";
import { createdButFailed } from "../dynamic/partial-failure";
import { processLogger } from "../dynamic/process";
import { FeishuClient } from "./client";
import { diffEvents, eventKey, normalizeEvents, type HelpdeskEvent } from "./events";
import { helpdeskEventSubscriptionSchema } from "./schema";
import { readFeishuSettings, type FeishuSettings } from "./settings";

/** What a HelpdeskEventSubscription stores as outputs: nothing secret. */
export interface HelpdeskEventSubscriptionOutputs {
  events: HelpdeskEvent[];
  helpdeskId: string;
  endpoint: string;
  appId: string;
}

type Props = Record<string, unknown>;

/**
 * The Feishu/Lark helpdesk event subscription provider: loaded (not serialized) in the
 * provider process, one instance per process.
 */
export class FeishuProvider {
  private readonly settings = new ConfiguredSettings(readFeishuSettings);
  private readonly clients = new ClientPool<FeishuClient>();
  private readonly claims = new Claims();

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.settings.configure(req);
  }

  async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const inputs = withoutProvider(news);
    // A list still unknown at preview is checked once it is known.
    if (containsUnknown(inputs.events)) return { inputs: news };
    const result = helpdeskEventSubscriptionSchema.safeParse({ events: inputs.events });
    if (!result.success) return { inputs: news, failures: toCheckFailures(result.error.issues) };
    const settings = this.settings.get();
    const events = normalizeEvents(result.data.events);
    for (const e of events) this.claims.claim(this.claimKey(settings, e));
    return { inputs: { ...news, events } };
  }

  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const settings = this.settings.get();
    const replaces: string[] = [];
    if (olds.endpoint !== settings.endpoint.href) replaces.push("endpoint");
    if (olds.helpdeskId !== settings.helpdesk.helpdeskId) replaces.push("helpdeskId");
    if (olds.appId !== settings.appId && olds.appId !== "tenantAccessToken" && settings.appId !== "tenantAccessToken") replaces.push("appId");
    const oldEvents = normalizeEvents((olds.events as HelpdeskEvent[]) ?? []);
    const newEvents = containsUnknown(news.events) ? undefined : normalizeEvents((news.events as HelpdeskEvent[]) ?? []);
    const eventsChanged = !newEvents || JSON.stringify(oldEvents) !== JSON.stringify(newEvents);
    return { changes: replaces.length > 0 || eventsChanged, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const settings = this.settings.get();
    const events = normalizeEvents(helpdeskEventSubscriptionSchema.parse({ events: inputs.events }).events);
    for (const e of events) this.claims.claim(this.claimKey(settings, e));
    // The vendor has no subscription id; several resources may share a helpdesk.
    const id = `${settings.helpdesk.helpdeskId}/${randomBytes(4).toString("hex")}`;
    await this.clientFor(settings).subscribe(events);
    return createdButFailed(id, () => ({ id, outs: this.outputs(settings, events) }));
  }

  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    // Feishu has no read API: what is stored is all there is to know.
    return { id, props, inputs: { events: props.events } };
  }

  async update(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const settings = this.settings.get();
    const events = normalizeEvents(helpdeskEventSubscriptionSchema.parse({ events: news.events }).events);
    for (const e of events) this.claims.claim(this.claimKey(settings, e));
    const { added, removed } = diffEvents((olds.events as HelpdeskEvent[]) ?? [], events);
    const client = this.clientFor(settings);
    // Subscribe first, then unsubscribe: unchanged pairs are never touched and keep flowing.
    if (added.length > 0) await client.subscribe(added);
    const release = this.unclaimed(settings, removed);
    if (release.length > 0) await client.unsubscribe(release);
    return { outs: this.outputs(settings, events) };
  }

  async delete(id: string, props: Props): Promise<void> {
    const settings = this.settings.get();
    const at: FeishuSettings = { ...settings, endpoint: typeof props.endpoint === "string" ? new URL(props.endpoint) : settings.endpoint };
    const events = normalizeEvents((props.events as HelpdeskEvent[]) ?? []);
    const release = this.unclaimed(at, events);
    if (release.length > 0) await this.clientFor(at).unsubscribe(release);
  }

  /** The pairs no other resource of this deployment claims; the rest are kept, and said so. */
  private unclaimed(settings: FeishuSettings, events: HelpdeskEvent[]): HelpdeskEvent[] {
    const kept = events.filter((e) => this.claims.isClaimed(this.claimKey(settings, e)));
    if (kept.length > 0) {
      processLogger().info(
        `Feishu: kept ${kept.map(eventKey).join(", ")} on helpdesk ${settings.helpdesk.helpdeskId}: another resource of this deployment still claims them (not unsubscribed).`,
      );
    }
    return events.filter((e) => !kept.includes(e));
  }

  private clientFor(settings: FeishuSettings): FeishuClient {
    return this.clients.get(settings.endpoint.href, () =>
      new FeishuClient({ endpoint: settings.endpoint, credentials: settings.credentials, helpdesk: settings.helpdesk, options: settings.options, logger: processLogger() }),
    );
  }

  private claimKey(settings: FeishuSettings, e: HelpdeskEvent): string {
    return JSON.stringify([settings.endpoint.href, settings.appId, settings.helpdesk.helpdeskId, eventKey(e)]);
  }

  private outputs(settings: FeishuSettings, events: HelpdeskEvent[]): HelpdeskEventSubscriptionOutputs {
    return { events, helpdeskId: settings.helpdesk.helpdeskId, endpoint: settings.endpoint.href, appId: settings.appId };
  }
}
