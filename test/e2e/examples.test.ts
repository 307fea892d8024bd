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
  /** Config keys are paths (`pulumi config set --path`), for profiles. */
  configPath?: boolean;
  /** Feishu subscriptions as `<app> <helpdeskId> <type>/<subtype>`, when not all on the default app and helpdesk. */
  feishuAt?: string[];
}

// A second helpdesk (own app) and a second organization that installed the demo suite, for the profile examples.
const APP2 = { appId: "cli_examples00000002", appSecret: "fsAppSecret-examples-2-7a6b5c4d3e2f1a0b" };
const HELPDESK2 = { helpdeskId: "7000000000000000002", helpdeskToken: "fsHelpdeskToken-examples-2-9e8d7c6b" };
const CORP2 = "ding-corp-second";
const secret = (value: string) => ({ value, secret: true });

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
  "feishu-several-helpdesks": {
    program: "examples/feishu-several-helpdesks",
    resources: 2,
    // The whole map as one secret JSON value (the README's other form): the Automation API cannot pass
    // `--type string`, and a 19-digit helpdesk id set with --path alone would arrive as a rounded number.
    config: {
      "feishu:profiles": secret(
        JSON.stringify({
          it: { appId: FEISHU_APP, appSecret: DEFAULT_CREDENTIALS.feishu.apps[0].appSecret, ...DEFAULT_CREDENTIALS.feishu.helpdesks[0] },
          hr: { ...APP2, ...HELPDESK2 },
        }),
      ),
    },
    dingtalk: [],
    feishu: [TICKET_CREATED, TICKET_MESSAGE, TICKET_CREATED, TICKET_MESSAGE],
    feishuAt: [
      `${FEISHU_APP} ${HELPDESK} ${TICKET_CREATED}`,
      `${FEISHU_APP} ${HELPDESK} ${TICKET_MESSAGE}`,
      `${APP2.appId} ${HELPDESK2.helpdeskId} ${TICKET_CREATED}`,
      `${APP2.appId} ${HELPDESK2.helpdeskId} ${TICKET_MESSAGE}`,
    ],
    outputs: () => ({ byProfile: { it: { helpdeskId: HELPDESK, appId: FEISHU_APP }, hr: { helpdeskId: HELPDESK2.helpdeskId, appId: APP2.appId } } }),
  },
  "dingtalk-isv-many-organizations": {
    program: "examples/dingtalk-isv-many-organizations",
    resources: 3,
    configPath: true,
    config: {
      "dingtalk:profiles.isv.suiteKey": SUITE.suiteKey,
      "dingtalk:profiles.isv.suiteSecret": secret(SUITE.suiteSecret),
      "dingtalk:profiles.isv.suiteTicket": secret(SUITE.suiteTicket),
      "dingtalk-isv-many-organizations:organizations[0].corpId": SUITE.authCorpId,
      "dingtalk-isv-many-organizations:organizations[0].operatorUnionId": "union-a",
      "dingtalk-isv-many-organizations:organizations[0].spaceIds[0]": "isv-space-a",
      "dingtalk-isv-many-organizations:organizations[1].corpId": CORP2,
      "dingtalk-isv-many-organizations:organizations[1].operatorUnionId": "union-b",
    },
    dingtalk: [`${SUITE.suiteKey} ORG:${SUITE.authCorpId} union-a`, `${SUITE.suiteKey} SPACE:isv-space-a union-a`, `${SUITE.suiteKey} ORG:${CORP2} union-b`],
    feishu: [],
    outputs: () => ({
      ids: [`ORG:${SUITE.authCorpId}`, "SPACE:isv-space-a", `ORG:${CORP2}`],
      organizationsActedFor: [SUITE.authCorpId, SUITE.authCorpId, CORP2],
    }),
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
    emu = await startEmulator({
      dingtalk: { suites: [...DEFAULT_CREDENTIALS.dingtalk.suites, { ...SUITE, authCorpId: CORP2 }] },
      feishu: { apps: [...DEFAULT_CREDENTIALS.feishu.apps, APP2], helpdesks: [...DEFAULT_CREDENTIALS.feishu.helpdesks, HELPDESK2] },
    });
  });
  beforeEach(() => emu.reset());
  afterAll(async () => {
    await emu?.stop();
  });

  it("covers every folder under examples/", () => {
    const folders = readdirSync(join(repoRoot, "examples"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    // automation-api is run through its Automation API driver by test/e2e/automation-api.test.ts.
    expect(folders.filter((f) => f !== "automation-api").sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))("%s: up subscribes, preview is clean, destroy unsubscribes", async (_name, c) => {
    const stack = TestStack.create({ program: c.program, config: { ...emulatorConfig(emu, DEFAULT_CREDENTIALS, c.flow), ...c.config } });
    try {
      const path = c.configPath ? { configPath: true } : {};
      const up = await stack.run("up", {}, path);
      expect(up.ok, failure("up", up)).toBe(true);
      expect(dingtalkHeld(emu)).toEqual([...c.dingtalk].sort());
      expect(feishuHeld(emu)).toEqual([...c.feishu].sort());
      if (c.feishuAt) expect(emu.subscriptions().feishu.map((s) => `${s.app} ${s.helpdeskId} ${s.type}/${s.subtype}`).sort()).toEqual([...c.feishuAt].sort());
      else for (const s of emu.subscriptions().feishu) expect(s).toMatchObject({ app: FEISHU_APP, helpdeskId: HELPDESK });
      expect(emu.ledger().every((e) => e.status === 200), JSON.stringify(emu.ledger())).toBe(true);
      if (c.outputs) expect(up.outputs).toMatchObject(c.outputs(emu));
      expect(await stack.dynamicResources()).toHaveLength(c.resources);
      expect(emu.ledger().filter((e) => e.op === "subscribe")).toHaveLength(c.resources);

      const mark = emu.ledger().at(-1)?.seq ?? 0;
      const preview = await stack.run("preview", {}, path);
      expect(preview.ok, failure("preview", preview)).toBe(true);
      expect(Object.keys(preview.changeSummary ?? {})).toEqual(["same"]);
      expect(emu.ledger().filter((e) => e.seq > mark)).toEqual([]);

      const destroy = await stack.run("destroy", {}, path);
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
