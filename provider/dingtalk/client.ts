import type { VendorCaller } from "../core/call";
import { hintNamingKeys, setUpClient, type ClientDependencies } from "../core/client-setup";
import { ConfigError } from "../core/errors";
import { joinEndpoint, parseEndpoint } from "../core/endpoint";
import { requireSetting } from "../core/settings";
import type { TokenSource } from "../core/token-source";
import type { TransportResponse } from "../core/transport";
import { dingTalkIdentity, dingTalkTokenSource, validateDingTalkCredentials, type DingTalkCredentials } from "./credentials";
import { dingTalkHint, readDingTalkFailure } from "./errors";

/** What a storage file-change event subscription covers, and who asks for it. */
export interface StorageEventScope {
  /** `ORG`: the whole organization (scopeId = corpId); `SPACE`: one storage space. */
  scope: "ORG" | "SPACE";
  /** The corpId for `ORG`, a storage space id for `SPACE`. */
  scopeId: string;
  /** The operator's unionId. */
  unionId: string;
}

/** Settings of {@link DingTalkClient}. */
export interface DingTalkClientInit extends ClientDependencies {
  /** API endpoint, e.g. `https://api.dingtalk.com`; `http:` only on loopback. */
  endpoint: URL;
  credentials: DingTalkCredentials;
}

type Operation = "subscribe" | "unsubscribe";

/** Client of DingTalk's storage event subscription API. */
export class DingTalkClient {
  private readonly endpoint: URL;
  private readonly caller: VendorCaller;
  private readonly tokens: TokenSource;
  private readonly identity: string;

  constructor(init: DingTalkClientInit) {
    this.endpoint = parseEndpoint(init.endpoint, "dingtalk:endpoint");
    const credentials = validateDingTalkCredentials(init.credentials);
    const setup = setUpClient("dingtalk", init, hintNamingKeys("dingtalk", dingTalkHint, credentials.keyNames));
    this.caller = setup.caller;
    this.identity = dingTalkIdentity(credentials);
    this.tokens = dingTalkTokenSource({ endpoint: this.endpoint, credentials, cache: setup.tokenCache, caller: this.caller });
  }

  /** Subscribes to file-change events of a scope. An upsert: subscribing twice succeeds. */
  subscribe(scope: StorageEventScope): Promise<void> {
    return this.send("subscribe", scope);
  }

  /** Stops file-change events of a scope. */
  unsubscribe(scope: StorageEventScope): Promise<void> {
    return this.send("unsubscribe", scope);
  }

  private send(operation: Operation, s: StorageEventScope): Promise<void> {
    const { scope, scopeId, unionId } = checkScope(s);
    return this.caller.call({
      operation,
      target: `${scope}:${scopeId}`,
      limiterKey: `dingtalk:${this.identity}:${operation}`,
      tokens: this.tokens,
      request: (token) => ({
        method: "POST",
        url: joinEndpoint(this.endpoint, `/v1.0/storage/events/${operation}`, `unionId=${encodeURIComponent(unionId)}`),
        headers: { "x-acs-dingtalk-access-token": token },
        json: { scope, scopeId },
      }),
      parse: parseSuccess,
    });
  }
}

// A 200 is not enough: only `"success": true` means it worked.
function parseSuccess(response: TransportResponse) {
  const body = response.json as { success?: unknown } | undefined;
  if (response.status === 200 && body?.success === true) return { ok: true as const, value: undefined };
  return { ok: false as const, failure: readDingTalkFailure(response) };
}

function checkScope(s: StorageEventScope): StorageEventScope {
  if (s.scope !== "ORG" && s.scope !== "SPACE") {
    throw new ConfigError(`scope must be "ORG" or "SPACE" (got ${JSON.stringify(s.scope)}).`, "scope");
  }
  return { scope: s.scope, scopeId: requireSetting(s.scopeId, "scopeId"), unionId: requireSetting(s.unionId, "unionId") };
}
