import { describe, expect, it } from "vitest";
import { cliBanner, parseCliArgs } from "../../provider/emulator/cli-args";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";

describe("emulator CLI flags", () => {
  it("maps every flag onto options", () => {
    const parsed = parseCliArgs([
      "--host", "0.0.0.0", "--port", "8787", "--latency-ms", "20", "--throttle-qps", "5",
      "--failure-rate", "0.25", "--failure-kinds", "500,drop", "--seed", "3",
    ]);
    expect(parsed).toEqual({
      kind: "run",
      options: {
        host: "0.0.0.0",
        port: 8787,
        faults: { latencyMs: 20, throttleQps: 5, failureRate: 0.25, failureKinds: ["500", "drop"], seed: 3 },
      },
    });
  });

  it("maps the event-pair mode and the memory limits", () => {
    const parsed = parseCliArgs(["--feishu-event-pairs", "shaped", "--ledger-limit", "50", "--token-limit", "7"]);
    expect(parsed).toEqual({ kind: "run", options: { faults: {}, feishuEventPairs: "shaped", ledgerLimit: 50, tokenLimit: 7 } });
  });

  it("warns when bound to a non-loopback address", () => {
    const warning = (host: string) => cliBanner("http://x:1", DEFAULT_CREDENTIALS, {}, host).filter((l) => l.startsWith("warning"));
    expect(warning("0.0.0.0")).toEqual([expect.stringMatching(/bound to 0\.0\.0\.0, reachable from other machines/)]);
    for (const host of ["127.0.0.1", "127.0.0.2", "::1", "localhost"]) expect(warning(host)).toEqual([]);
  });

  it("defaults to no flags at all", () => {
    expect(parseCliArgs([])).toEqual({ kind: "run", options: { faults: {} } });
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--port", "http"], /--port/],
    [["--port", "70000"], /--port/],
    [["--failure-rate", "2"], /failureRate/],
    [["--failure-kinds", "500,teapot"], /failureKinds/],
    [["--throttle-qps", "0"], /throttleQps/],
    [["--verbose"], /verbose/],
    [["--feishu-event-pairs", "any"], /--feishu-event-pairs/],
    [["--ledger-limit", "0"], /--ledger-limit/],
  ])("reports %j as an error naming the flag", (argv, message) => {
    const parsed = parseCliArgs(argv);
    expect(parsed.kind).toBe("error");
    expect(parsed.kind === "error" && parsed.message).toMatch(message);
  });

  it("prints the URL first, the non-secret ids and how to point the provider here, never a secret", () => {
    const lines = cliBanner("http://127.0.0.1:4000", DEFAULT_CREDENTIALS, { throttleQps: 5 });
    expect(lines[0]).toBe("emulator listening on http://127.0.0.1:4000");
    const text = lines.join("\n");
    for (const id of [
      DEFAULT_CREDENTIALS.dingtalk.apps[0]!.appKey,
      DEFAULT_CREDENTIALS.dingtalk.apps[0]!.corpId,
      DEFAULT_CREDENTIALS.dingtalk.suites[0]!.suiteKey,
      DEFAULT_CREDENTIALS.feishu.apps[0]!.appId,
      DEFAULT_CREDENTIALS.feishu.helpdesks[0]!.helpdeskId,
      "dingtalk:endpoint http://127.0.0.1:4000",
      "feishu:endpoint http://127.0.0.1:4000",
      '"throttleQps":5',
    ]) {
      expect(text).toContain(id);
    }
    const secrets = [
      ...DEFAULT_CREDENTIALS.dingtalk.apps.map((a) => a.appSecret),
      ...DEFAULT_CREDENTIALS.dingtalk.suites.flatMap((s) => [s.suiteSecret, s.suiteTicket]),
      ...DEFAULT_CREDENTIALS.dingtalk.preIssuedTokens.map((t) => t.token),
      ...DEFAULT_CREDENTIALS.feishu.apps.map((a) => a.appSecret),
      ...DEFAULT_CREDENTIALS.feishu.helpdesks.map((h) => h.helpdeskToken),
      ...DEFAULT_CREDENTIALS.feishu.preIssuedTokens,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
