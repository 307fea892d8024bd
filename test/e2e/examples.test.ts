// Every program under examples/ (and the repo's root program) runs end to end against the
// emulator: up, what the emulator holds, preview clean, destroy, emulator empty. The
// examples import "pulumi-dingtalk-feishu" by name, exactly as a user's copy would.
import { feishuHeld } from "./ledger";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startEmulator } from "../../provider/emulator";
import { emulatorConfig, repoRoot, TestStack, type ConfigValue, type RunResult } from "./harness";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const APP = DEFAULT_CREDENTIALS.dingtalk.apps[0];
const SUITE = DEFAULT_CREDENTIALS.dingtalk.suites[0];
const FEISHU_APP = DEFAULT_CREDENTIALS.feishu.apps[0].appId;
const HELPDESK = DEFAULT_CREDENTIALS.feishu.helpdesks[0].helpdeskId;
const TICKET_MESSAGE = "helpdesk.ticket_message/ticket_message.created_v1";
const TICKET_CREATED = "helpdesk.ticket/ticket.created_v1";
const TICKET_UPDATED = "helpdesk.ticket/ticket.updated_v1";

/** One example run: its folder, its stack config, and what the vendors must hold after `up`. */
interface ExampleCase {
  program: string;
  flow?: { dingtalk?: "app" | "suite" | "token"; feishu?: "app" | "token" };
  config: Record<string, ConfigValue>;
  /** Resources the program declares (one vendor call each on create and on delete). */
  resources: number;
  dingtalk: string[];
  feishu: string[];
  outputs?: (emu: Emulator) => Record<string, unknown>;
}

const cases: Record<string, ExampleCase> = {
  root: {
    program: ".",
    resources: 2,
    config: { "dingtalk-feishu-demo:corpId": APP.corpId, "dingtalk-feishu-demo:operatorUnionId": "union-root" },
    dingtalk: [`${APP.appKey} ORG:${APP.corpId} union-root`],
    feishu: [TICKET_CREATED, TICKET_MESSAGE],
    outputs: (emu) => ({ dingtalkSubscription: `ORG:${APP.corpId}`, dingtalkEndpoint: `${emu.url}/` }),
  },
  "dingtalk-storage-events": {
    program: "examples/dingtalk-storage-events",
    resources: 3,
    config: {
      "dingtalk-storage-events:corpId": APP.corpId,
      "dingtalk-storage-events:operatorUnionId": "union-ops",
      "dingtalk-storage-events:spaceIds": JSON.stringify(["space-a", "space-b"]),
    },
    dingtalk: [`${APP.appKey} ORG:${APP.corpId} union-ops`, `${APP.appKey} SPACE:space-a union-ops`, `${APP.appKey} SPACE:space-b union-ops`],
    feishu: [],
    outputs: () => ({ orgSubscription: `ORG:${APP.corpId}`, spaceSubscriptions: ["SPACE:space-a", "SPACE:space-b"] }),
  },
  "dingtalk-isv-app": {
    program: "examples/dingtalk-isv-app",
    resources: 2,
    flow: { dingtalk: "suite" },
    config: {
      "dingtalk-isv-app:operatorUnionId": "union-isv",
      "dingtalk-isv-app:spaceIds": JSON.stringify(["isv-space-1"]),
    },
    dingtalk: [`${SUITE.suiteKey} ORG:${SUITE.authCorpId} union-isv`, `${SUITE.suiteKey} SPACE:isv-space-1 union-isv`],
    feishu: [],
    outputs: () => ({
      orgSubscription: `ORG:${SUITE.authCorpId}`,
      spaceSubscriptions: ["SPACE:isv-space-1"],
      credentialKind: "suite",
      suiteKey: SUITE.suiteKey,
      authCorpId: SUITE.authCorpId,
    }),
  },
  "feishu-helpdesk-events": {
    program: "examples/feishu-helpdesk-events",
    resources: 1,
    config: {},
    dingtalk: [],
    feishu: [TICKET_CREATED, TICKET_MESSAGE],
    outputs: () => ({ subscriptionId: expect.any(String), helpdeskId: HELPDESK }),
  },
  "lark-helpdesk-events": {
    program: "examples/lark-helpdesk-events",
    resources: 1,
    config: {},
    dingtalk: [],
    feishu: [TICKET_CREATED, TICKET_UPDATED, TICKET_MESSAGE],
    outputs: (emu) => ({ larkEndpoint: `${emu.url}/`, helpdeskId: HELPDESK }),
  },
  "from-config": {
    program: "examples/from-config",
    resources: 4,
    config: {
      "from-config:dingtalk": JSON.stringify([
        { name: "org", scope: "ORG", scopeId: APP.corpId, unionId: "union-cfg" },
        { name: "team-space", scope: "SPACE", scopeId: "space-team", unionId: "union-cfg" },
      ]),
      "from-config:feishu": JSON.stringify([
        { name: "messages", events: [{ type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" }] },
        { name: "tickets", events: [{ type: "helpdesk.ticket", subtype: "ticket.updated_v1" }] },
      ]),
    },
    dingtalk: [`${APP.appKey} ORG:${APP.corpId} union-cfg`, `${APP.appKey} SPACE:space-team union-cfg`],
    feishu: [TICKET_MESSAGE, TICKET_UPDATED],
    outputs: () => ({ dingtalkIds: [`ORG:${APP.corpId}`, "SPACE:space-team"] }),
  },
};

function dingtalkHeld(emu: Emulator): string[] {
  return emu.subscriptions().dingtalk.map((s) => `${s.app} ${s.scope}:${s.scopeId} ${s.unionId}`).sort();
}
function failure(op: string, r: RunResult): string {
  return `pulumi ${op} failed: ${r.error?.message}\n${r.stdout}\n${r.error?.stderr ?? ""}`;
}

describe("examples run end to end against the emulator", () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator();
  });
  beforeEach(() => emu.reset());
  afterAll(async () => {
    await emu?.stop();
  });

  it("covers every folder under examples/", () => {
    const folders = readdirSync(join(repoRoot, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))("%s: up subscribes, preview is clean, destroy unsubscribes", async (_name, c) => {
    const stack = TestStack.create({ program: c.program, config: { ...emulatorConfig(emu, DEFAULT_CREDENTIALS, c.flow), ...c.config } });
    try {
      const up = await stack.run("up");
      expect(up.ok, failure("up", up)).toBe(true);
      expect(dingtalkHeld(emu)).toEqual([...c.dingtalk].sort());
      expect(feishuHeld(emu)).toEqual([...c.feishu].sort());
      for (const s of emu.subscriptions().feishu) expect(s).toMatchObject({ app: FEISHU_APP, helpdeskId: HELPDESK });
      expect(emu.ledger().every((e) => e.status === 200), JSON.stringify(emu.ledger())).toBe(true);
      if (c.outputs) expect(up.outputs).toMatchObject(c.outputs(emu));
      expect(await stack.dynamicResources()).toHaveLength(c.resources);
      expect(emu.ledger().filter((e) => e.op === "subscribe")).toHaveLength(c.resources);

      const mark = emu.ledger().at(-1)?.seq ?? 0;
      const preview = await stack.run("preview");
      expect(preview.ok, failure("preview", preview)).toBe(true);
      expect(Object.keys(preview.changeSummary ?? {})).toEqual(["same"]);
      expect(emu.ledger().filter((e) => e.seq > mark)).toEqual([]);

      const destroy = await stack.run("destroy");
      expect(destroy.ok, failure("destroy", destroy)).toBe(true);
      expect(emu.subscriptions()).toEqual({ dingtalk: [], feishu: [] });
      const unsubscribes = emu.ledger().filter((e) => e.seq > mark && e.op === "unsubscribe");
      expect(unsubscribes).toHaveLength(c.resources);
      expect(unsubscribes.every((e) => e.status === 200)).toBe(true);
      expect(await stack.dynamicResources()).toEqual([]);
    } finally {
      stack.cleanup();
    }
  });

  it("lark-helpdesk-events refuses to run without feishu:endpoint, before any vendor call", async () => {
    const config = emulatorConfig(emu, DEFAULT_CREDENTIALS);
    delete config["feishu:endpoint"];
    const stack = TestStack.create({ program: "examples/lark-helpdesk-events", config, env: { FEISHU_ENDPOINT: null } });
    try {
      const r = await stack.run("preview");
      expect(r.ok).toBe(false);
      expect(r.stdout + (r.error?.message ?? "")).toContain("pulumi config set feishu:endpoint https://open.larksuite.com");
      expect(emu.ledger()).toEqual([]);
    } finally {
      stack.cleanup();
    }
  });
});
