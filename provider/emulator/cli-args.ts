/**
 * Command-line flags of the emulator binary, and the banner it prints.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CONTROL_PREFIX } from "./control";
import type { EmulatorCredentials } from "./credentials";
import {
  FAILURE_KINDS,
  normalizeFaultConfig,
  publicFaultConfig,
  type FailureKind,
  type FaultConfig,
} from "./fault-config";
import type { EmulatorOptions } from "./options";

/** Usage text for `--help`. */
export const CLI_USAGE = `Usage: pulumi-dingtalk-feishu-emulator [options]

Serves fake DingTalk and Feishu APIs for local runs and tests.

  --host <host>             interface to bind (default 127.0.0.1)
  --port <port>             port to bind; 0 picks a free one (default 0)
  --latency-ms <ms>         delay added to each vendor API call
  --throttle-qps <n>        calls per app per API per second before throttling
  --failure-rate <0..1>     share of vendor API calls that fail
  --failure-kinds <list>    comma-separated: ${FAILURE_KINDS.join(",")} (default 500)
  --seed <n>                seed of the failure draw (default 1)
  --feishu-event-pairs <m>  documented (default) or shaped: which helpdesk event pairs are accepted
  --ledger-limit <n>        most ledger entries kept (default 10000)
  --token-limit <n>         most issued tokens kept (default 10000)
  --help                    show this text
`;

/** The outcome of parsing the flags. */
export type CliParse =
  | { readonly kind: "run"; readonly options: EmulatorOptions }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

/** Parses the flags into emulator options; never throws. */
export function parseCliArgs(argv: readonly string[]): CliParse {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        "latency-ms": { type: "string" },
        "throttle-qps": { type: "string" },
        "failure-rate": { type: "string" },
        "failure-kinds": { type: "string" },
        seed: { type: "string" },
        "feishu-event-pairs": { type: "string" },
        "ledger-limit": { type: "string" },
        "token-limit": { type: "string" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (error) {
    return { kind: "error", message: (error as Error).message };
  }
  if (values["help"] === true) return { kind: "help" };

  const numbers: Record<string, number | undefined> = {};
  for (const flag of ["port", "latency-ms", "throttle-qps", "failure-rate", "seed", "ledger-limit", "token-limit"]) {
    const raw = values[flag];
    if (typeof raw !== "string") continue;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) {
      return { kind: "error", message: `--${flag} must be a number, got "${raw}"` };
    }
    numbers[flag] = n;
  }
  const port = numbers["port"];
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    return { kind: "error", message: `--port must be an integer from 0 to 65535, got ${port}` };
  }
  const rawKinds = values["failure-kinds"];
  const kinds = typeof rawKinds === "string" ? rawKinds.split(",").map((k) => k.trim()) : undefined;
  const faults: FaultConfig = {
    ...(numbers["latency-ms"] === undefined ? {} : { latencyMs: numbers["latency-ms"] }),
    ...(numbers["throttle-qps"] === undefined ? {} : { throttleQps: numbers["throttle-qps"] }),
    ...(numbers["failure-rate"] === undefined ? {} : { failureRate: numbers["failure-rate"] }),
    ...(numbers["seed"] === undefined ? {} : { seed: numbers["seed"] }),
    ...(kinds === undefined ? {} : { failureKinds: kinds as FailureKind[] }),
  };
  try {
    normalizeFaultConfig(faults);
  } catch (error) {
    return { kind: "error", message: (error as Error).message };
  }
  for (const flag of ["ledger-limit", "token-limit"]) {
    const n = numbers[flag];
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
      return { kind: "error", message: `--${flag} must be a whole number of at least 1, got ${n}` };
    }
  }
  const pairs = values["feishu-event-pairs"];
  if (pairs !== undefined && pairs !== "documented" && pairs !== "shaped") {
    return { kind: "error", message: `--feishu-event-pairs must be documented or shaped, got "${String(pairs)}"` };
  }
  const host = values["host"];
  return {
    kind: "run",
    options: {
      ...(typeof host === "string" ? { host } : {}),
      ...(port === undefined ? {} : { port }),
      faults,
      ...(pairs === undefined ? {} : { feishuEventPairs: pairs }),
      ...(numbers["ledger-limit"] === undefined ? {} : { ledgerLimit: numbers["ledger-limit"] }),
      ...(numbers["token-limit"] === undefined ? {} : { tokenLimit: numbers["token-limit"] }),
    },
  };
}

/** Whether a bind address keeps the emulator on this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The lines printed at start-up: URL, non-secret ids, how to point the provider here, and a
 * warning when the bind address is not loopback. Never a secret.
 */
export function cliBanner(url: string, credentials: EmulatorCredentials, faults: FaultConfig, host = "127.0.0.1"): string[] {
  const dt = credentials.dingtalk;
  const fs = credentials.feishu;
  const active = publicFaultConfig(normalizeFaultConfig(faults));
  const control = `${url}${CONTROL_PREFIX}`;
  return [
    `emulator listening on ${url}`,
    `dingtalk: ${[
      ...dt.apps.map((a) => `appKey=${a.appKey} (corpId ${a.corpId})`),
      ...dt.suites.map((s) => `suiteKey=${s.suiteKey} (authCorpId ${s.authCorpId})`),
      ...(dt.preIssuedTokens.length > 0 ? [`${dt.preIssuedTokens.length} pre-issued token(s)`] : []),
    ].join("; ")}`,
    `feishu: ${[
      ...fs.apps.map((a) => `appId=${a.appId}`),
      ...fs.helpdesks.map((h) => `helpdeskId=${h.helpdeskId}`),
      ...(fs.preIssuedTokens.length > 0 ? [`${fs.preIssuedTokens.length} pre-issued token(s)`] : []),
    ].join("; ")}`,
    'secrets: see DEFAULT_CREDENTIALS in require("pulumi-dingtalk-feishu/emulator")',
    `point the provider here: pulumi config set dingtalk:endpoint ${url} && pulumi config set feishu:endpoint ${url}`,
    `faults: ${Object.keys(active).length === 0 ? "none" : JSON.stringify(active)}`,
    `control: GET|PUT|DELETE ${control}faults, GET ${control}state, GET ${control}ledger, POST ${control}reset`,
    ...(isLoopbackHost(host)
      ? []
      : [
          `warning: bound to ${host}, reachable from other machines: the control endpoints take no credentials ` +
            "and the default credentials are public; bind 127.0.0.1 unless you mean it",
        ]),
  ];
}
