import type { VendorCaller } from "../core/call";
import { hintNamingKeys, setUpClient, type ClientDependencies } from "../core/client-setup";
import { joinEndpoint, parseEndpoint } from "../core/endpoint";
import { requireSetting } from "../core/settings";
import type { TokenSource } from "../core/token-source";
import type { TransportResponse } from "../core/transport";
import {
  feishuIdentity,
  feishuTokenSource,
  helpdeskAuthorization,
  validateFeishuCredentials,
  type FeishuCredentials,
  type HelpdeskCredentials,
} from "./credentials";
import { feishuHint, readFeishuFailure } from "./errors";

/** One helpdesk event pair, e.g. `{type: "helpdesk.ticket", subtype: "ticket.created_v1"}`. */
export interface HelpdeskEventPair {
  type: string;
  subtype: string;
}

/** Settings of {@link FeishuClient}. */
export interface FeishuClientInit extends ClientDependencies {
  /** API endpoint, e.g. `https://open.feishu.cn` or `https://open.larksuite.com`; `http:` only on loopback. */
  endpoint: URL;
  credentials: FeishuCredentials;
  helpdesk: HelpdeskCredentials;
}

type Operation = "subscribe" | "unsubscribe";

/** Client of the Feishu (Lark) helpdesk event subscription API. */
export class FeishuClient {
  private readonly endpoint: URL;
  private readonly caller: VendorCaller;
  private readonly tokens: TokenSource;
  private readonly identity: string;
  private readonly helpdeskId: string;
  private readonly helpdeskAuth: string;

  constructor(init: FeishuClientInit) {
    this.endpoint = parseEndpoint(init.endpoint, "feishu:endpoint");
    const credentials = validateFeishuCredentials(init.credentials);
    this.helpdeskAuth = helpdeskAuthorization(init.helpdesk);
    this.helpdeskId = init.helpdesk.helpdeskId;
    const setup = setUpClient("feishu", init, hintNamingKeys("feishu", feishuHint, credentials.keyNames ?? init.helpdesk.keyNames));
    this.caller = setup.caller;
    this.identity = feishuIdentity(credentials);
    this.tokens = feishuTokenSource({ endpoint: this.endpoint, credentials, cache: setup.tokenCache, caller: this.caller });
  }

  /** Subscribes the helpdesk to event pairs. An upsert; an empty list sends nothing. */
  subscribe(events: readonly HelpdeskEventPair[]): Promise<void> {
    return this.send("subscribe", events);
  }

  /** Unsubscribes the helpdesk from event pairs; an empty list sends nothing. */
  unsubscribe(events: readonly HelpdeskEventPair[]): Promise<void> {
    return this.send("unsubscribe", events);
  }

  private async send(operation: Operation, events: readonly HelpdeskEventPair[]): Promise<void> {
    const pairs = events.map((e, i) => ({
      type: requireSetting(e.type, `events[${i}].type`),
      subtype: requireSetting(e.subtype, `events[${i}].subtype`),
    }));
    if (pairs.length === 0) return;
    await this.caller.call({
      operation,
      target: `helpdesk:${this.helpdeskId} (${pairs.map((e) => `${e.type}/${e.subtype}`).join(", ")})`,
      limiterKey: `feishu:${this.identity}:helpdesk.events.${operation}`,
      tokens: this.tokens,
      request: (token) => ({
        method: "POST",
        url: joinEndpoint(this.endpoint, `/open-apis/helpdesk/v1/events/${operation}`),
        headers: { authorization: `Bearer ${token}`, "x-lark-helpdesk-authorization": this.helpdeskAuth },
        json: { events: pairs },
      }),
      parse: parseSuccess,
    });
  }
}

// Feishu reports the outcome in `code`; 0 is the only success.
function parseSuccess(response: TransportResponse) {
  const code = (response.json as { code?: unknown } | undefined)?.code;
  if (response.status >= 200 && response.status < 300 && code === 0) return { ok: true as const, value: undefined };
  return { ok: false as const, failure: readFeishuFailure(response) };
}
