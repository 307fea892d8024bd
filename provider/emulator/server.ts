/**
 * The emulator server: one node:http server answering both vendors' APIs.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { VendorCall } from "./call";
import type { EmulatorContext } from "./context";
import { CONTROL_PREFIX, handleControl, type ControlTarget, type EmulatorState } from "./control";
import { dingTalkApi } from "./dingtalk";
import { publicFaultConfig, type FaultConfig } from "./fault-config";
import { FaultInjector, type FaultStats } from "./faults";
import { feishuApi } from "./feishu";
import { readBody, writeJson } from "./http";
import { maskSecrets, redactStrings } from "./redact";
import { Ledger, type LedgerEntry } from "./ledger";
import { normalizeOptions, type EmulatorOptions } from "./options";
import type { VendorApi } from "./route";
import { SubscriptionStore, type SubscriptionSnapshot } from "./subscriptions";
import { TokenStore } from "./tokens";

const VENDORS: readonly VendorApi[] = [dingTalkApi, feishuApi];

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:43123`; use it as `dingtalk:endpoint` and `feishu:endpoint`. */
  readonly url: string;
  /** Bound port. */
  readonly port: number;
  /** Stops listening and closes every connection, hanging ones included. Idempotent. */
  stop(): Promise<void>;
  /** Every vendor call so far (the newest `ledgerLimit`), oldest first (no secret or token value in it). */
  ledger(): LedgerEntry[];
  /** Live subscriptions of both vendors. */
  subscriptions(): SubscriptionSnapshot;
  /**
   * Replaces the fault configuration.
   * @throws TypeError when it is invalid (nothing changes then).
   */
  setFaults(faults: FaultConfig): void;
  /** No faults from now on. */
  resetFaults(): void;
  /** The fault configuration in force (defaults omitted). */
  faults(): FaultConfig;
  /** Clears subscriptions, ledger, faults and fault stats. Issued tokens stay valid. */
  reset(): void;
  /** How many of each fault were injected since the start or the last reset. */
  stats(): FaultStats;
  /** Every token value pre-issued, and the newest `tokenLimit` issued, for leak scans. */
  issuedTokens(): string[];
  /**
   * Every configured secret: app secrets, suite secrets and tickets, helpdesk
   * tokens and their authorization header values, pre-issued tokens.
   */
  secrets(): string[];
  /** Subscriptions, fault stats, call counters and faults in one snapshot (what `GET /_emulator/state` returns). */
  state(): EmulatorState;
}

/**
 * Starts the emulator on `host:port` (default `127.0.0.1`, a random port).
 *
 * @throws TypeError when the options are invalid; the listen error when binding fails.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = normalizeOptions(options);
  const { credentials, now } = config;

  const tokens = new TokenStore(now, config.tokenTtlSeconds, config.tokenLimit);
  for (const t of credentials.dingtalk.preIssuedTokens) tokens.preIssue("dingtalk", t.token, t.corpId);
  for (const t of credentials.feishu.preIssuedTokens) tokens.preIssue("feishu", t);

  const configuredSecrets = [
    ...credentials.dingtalk.apps.map((a) => a.appSecret),
    ...credentials.dingtalk.suites.flatMap((s) => [s.suiteSecret, s.suiteTicket]),
    ...credentials.dingtalk.preIssuedTokens.map((t) => t.token),
    ...credentials.feishu.apps.map((a) => a.appSecret),
    ...credentials.feishu.helpdesks.flatMap((h) => [
      h.helpdeskToken,
      Buffer.from(`${h.helpdeskId}:${h.helpdeskToken}`).toString("base64"),
    ]),
    ...credentials.feishu.preIssuedTokens,
  ];

  const faults = new FaultInjector(now);
  // The configured secrets are scanned for; issued tokens are found by their shape and looked up,
  // so masking costs the same however many tokens were issued (forgotten ones are not masked).
  const mask = (text: string): string => tokens.maskIssued(maskSecrets(text, configuredSecrets));
  const ledger = new Ledger(mask, config.ledgerLimit);
  const subscriptions = new SubscriptionStore();
  const sleepers = new Set<() => void>();
  const parked = new Set<IncomingMessage>();

  const ctx: EmulatorContext = {
    now,
    credentials,
    tokens,
    faults,
    ledger,
    subscriptions,
    feishuEventPairs: config.feishuEventPairs,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          sleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        sleepers.add(wake);
      }),
    park: (req, res) => {
      parked.add(req);
      res.once("close", () => parked.delete(req));
    },
  };

  const setFaults = (f: FaultConfig): void => {
    faults.set(f);
    tokens.setMaxUses(faults.config.tokenMaxUses);
  };
  const resetFaults = (): void => setFaults({});
  setFaults(config.faults);

  const target: ControlTarget & Pick<Emulator, "stats" | "subscriptions"> = {
    setFaults,
    resetFaults,
    faults: () => publicFaultConfig(faults.config),
    reset: () => {
      subscriptions.clear();
      ledger.clear();
      resetFaults();
      faults.resetStats();
    },
    ledger: () => ledger.entries(),
    subscriptions: () => subscriptions.snapshot(),
    stats: () => faults.stats(),
    // Served over HTTP, so masked like the ledger (a scopeId could hold a token by mistake).
    state: () => {
      const snapshot: EmulatorState = {
        subscriptions: subscriptions.snapshot(),
        stats: faults.stats(),
        counters: { ...ledger.recorded(), tokens: tokens.values().length },
        faults: publicFaultConfig(faults.config),
      };
      return redactStrings(snapshot, mask);
    },
  };

  const server = createServer((req, res) => {
    dispatch(ctx, target, req, res).catch((error: unknown) => {
      // A handler bug must not take the emulator down; answer it plainly instead.
      writeJson(res, 500, { error: `emulator internal error: ${(error as Error).message}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const wake of [...sleepers]) wake();
      for (const req of parked) req.socket.destroy();
      server.closeAllConnections();
    });
    return stopping;
  };

  return {
    url: `http://${host}:${port}`,
    port,
    stop,
    ...target,
    issuedTokens: () => tokens.values(),
    secrets: () => [...configuredSecrets],
  };
}

async function dispatch(
  ctx: EmulatorContext,
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
  const method = req.method ?? "GET";
  const body = await readBody(req);

  if (path.startsWith(CONTROL_PREFIX)) return handleControl(target, method, path, body, res);
  const api = VENDORS.find((v) => path.startsWith(v.prefix));
  if (api === undefined) {
    // Neither vendor serves this path; not a vendor call, so not in the ledger.
    return writeJson(res, 404, { error: `no vendor API at ${path}` });
  }
  const route = api.routes.find((r) => r.path === path);
  const known = route !== undefined && method === route.method;
  const call = new VendorCall(ctx, api.dialect, known ? route.op : "unknown", req, res, path, query, body);
  if (route === undefined) return call.answer(api.dialect.notFound());
  if (!known) return call.answer(api.dialect.methodNotAllowed(route.method));
  await route.handle(call);
}
