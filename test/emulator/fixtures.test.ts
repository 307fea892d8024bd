import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type ScriptedFault } from "../../provider/emulator";
import { CORP, DT, EVENTS, FS, ORG, dingTalkEvents, dingTalkToken, feishuEvents, feishuToken, fixture, helpdeskAuth, post, shapeOf, type Answer } from "./helpers";

const NO_PERMISSION = { appKey: "dingfixturenoperm01", appSecret: "dtAppSecret-fixture-noperm-77aa", corpId: CORP, permissions: false };

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ dingtalk: { apps: [DT.apps[0]!, NO_PERMISSION] } });
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

const suite = DT.suites[0]!;
const suiteBody = { suiteKey: suite.suiteKey, suiteSecret: suite.suiteSecret, suiteTicket: suite.suiteTicket, authCorpId: suite.authCorpId };

async function withFaults<T>(faults: Parameters<Emulator["setFaults"]>[0], run: () => Promise<T>): Promise<T> {
  emu.setFaults(faults);
  try {
    return await run();
  } finally {
    emu.resetFaults();
  }
}

/** A subscribe answered by one scripted fault. */
function scripted(vendor: "dingtalk" | "feishu", fault: ScriptedFault): () => Promise<Answer> {
  return async () => {
    const token = vendor === "dingtalk" ? await dingTalkToken(emu) : await feishuToken(emu);
    return withFaults({ script: [fault] }, () =>
      vendor === "dingtalk" ? dingTalkEvents(emu, "subscribe", token, ORG) : feishuEvents(emu, "subscribe", token, EVENTS),
    );
  };
}

const dingtalk: Record<string, () => Promise<Answer>> = {
  "200-subscribe": async () => dingTalkEvents(emu, "subscribe", await dingTalkToken(emu), ORG),
  "200-accessToken": () => post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: DT.apps[0]!.appKey, appSecret: DT.apps[0]!.appSecret }),
  "200-corpAccessToken": () => post(`${emu.url}/v1.0/oauth2/corpAccessToken`, suiteBody),
  "400-paramError": async () => dingTalkEvents(emu, "subscribe", await dingTalkToken(emu), ORG, null),
  "400-paramError.scope": async () => dingTalkEvents(emu, "subscribe", await dingTalkToken(emu), { scope: "ALL", scopeId: CORP }),
  "400-paramError.scopeId": async () => dingTalkEvents(emu, "subscribe", await dingTalkToken(emu), { scope: "SPACE", scopeId: "" }),
  "400-InvalidAuthentication": () => dingTalkEvents(emu, "subscribe", "f".repeat(32), ORG),
  "400-invalidClientIdOrSecret": () => post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: "x", appSecret: "y" }),
  "400-invalidSuiteKey": () => post(`${emu.url}/v1.0/oauth2/corpAccessToken`, { ...suiteBody, suiteKey: "x" }),
  "400-invalidSuiteTicket": () => post(`${emu.url}/v1.0/oauth2/corpAccessToken`, { ...suiteBody, suiteTicket: "x" }),
  "400-invalidAuthInfo": () => post(`${emu.url}/v1.0/oauth2/corpAccessToken`, { ...suiteBody, authCorpId: "x" }),
  "401-Unauthorized": () => dingTalkEvents(emu, "subscribe", undefined, ORG),
  "403-permissionDenied": async () => {
    const t = await post(`${emu.url}/v1.0/oauth2/accessToken`, { appKey: NO_PERMISSION.appKey, appSecret: NO_PERMISSION.appSecret });
    return dingTalkEvents(emu, "subscribe", t.body.accessToken, ORG);
  },
  "403-Forbidden.AccessDenied.QpsLimitForApi": async () => {
    const token = await dingTalkToken(emu);
    return withFaults({ throttleQps: 1 }, async () => {
      await dingTalkEvents(emu, "subscribe", token, ORG);
      return dingTalkEvents(emu, "subscribe", token, ORG);
    });
  },
  "404-InvalidAction.NotFound": () => post(`${emu.url}/v1.0/storage/events`, ORG),
  "403-Forbidden.AccessDenied.AccessTokenPermissionDenied": scripted("dingtalk", { fault: "scope-denied" }),
  "403-ip-ban": scripted("dingtalk", { fault: "ip-ban-json", vendor: "dingtalk" }),
  "200-success-false": scripted("dingtalk", { fault: "success-false", vendor: "dingtalk" }),
  "429-system.busy": async () => {
    const token = await dingTalkToken(emu);
    return withFaults({ failureRate: 1, failureKinds: ["429"] }, () => dingTalkEvents(emu, "subscribe", token, ORG));
  },
  "500-systemError": async () => {
    const token = await dingTalkToken(emu);
    return withFaults({ failureRate: 1, failureKinds: ["500"] }, () => dingTalkEvents(emu, "subscribe", token, ORG));
  },
  "503-operationTimeout": async () => {
    const token = await dingTalkToken(emu);
    return withFaults({ failureRate: 1, failureKinds: ["503"] }, () => dingTalkEvents(emu, "subscribe", token, ORG));
  },
};

const tenantUrl = (): string => `${emu.url}/open-apis/auth/v3/tenant_access_token/internal`;
const feishuFault = (kind: "429" | "500" | "503") => async (): Promise<Answer> => {
  const token = await feishuToken(emu);
  return withFaults({ failureRate: 1, failureKinds: [kind] }, () => feishuEvents(emu, "subscribe", token, EVENTS));
};

const feishu: Record<string, () => Promise<Answer>> = {
  "200-subscribe": async () => feishuEvents(emu, "subscribe", await feishuToken(emu), EVENTS),
  "200-tenant_access_token": () => post(tenantUrl(), { app_id: FS.apps[0]!.appId, app_secret: FS.apps[0]!.appSecret }),
  "400-10014": () => post(tenantUrl(), { app_id: FS.apps[0]!.appId, app_secret: "wrong" }),
  "400-99991543": () => post(tenantUrl(), { app_id: "cli_unknown", app_secret: "wrong" }),
  "400-154000": async () =>
    feishuEvents(emu, "subscribe", await feishuToken(emu), {
      events: [{ type: "helpdesk.ticket_message", subtype: "ticket.created_v1" }],
    }),
  "403-154003": async () => feishuEvents(emu, "subscribe", await feishuToken(emu), EVENTS, helpdeskAuth("1", "2")),
  "400-99991661": () => feishuEvents(emu, "subscribe", undefined, EVENTS),
  "401-99991663": () => feishuEvents(emu, "subscribe", "t-unknown", EVENTS),
  "401-99991665": async () => {
    const token = await feishuToken(emu);
    return withFaults({ tokenMaxUses: 1 }, async () => {
      await feishuEvents(emu, "subscribe", token, EVENTS);
      return feishuEvents(emu, "subscribe", token, EVENTS);
    });
  },
  "429-99991400": feishuFault("429"),
  "500-155000": feishuFault("500"),
  "503-155000": feishuFault("503"),
  "404-404": () => post(`${emu.url}/open-apis/helpdesk/v1/nothing`, EVENTS),
  "400-99991672": scripted("feishu", { fault: "scope-denied" }),
  "400-99991401": scripted("feishu", { fault: "ip-denied", vendor: "feishu" }),
  "400-99991400": scripted("feishu", { fault: "throttle-400", vendor: "feishu" }),
  "405-405": () => post(`${emu.url}/open-apis/helpdesk/v1/events/subscribe`, undefined, {}, { method: "GET" }),
};

function fixtureNames(vendor: string): string[] {
  return readdirSync(join(__dirname, "..", "fixtures", vendor))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

describe.each([
  ["dingtalk", dingtalk],
  ["feishu", feishu],
] as const)("%s bodies match test/fixtures", (vendor, cases) => {
  it("has a case for every fixture file", () => {
    expect(Object.keys(cases).sort()).toEqual(fixtureNames(vendor));
  });

  it.each(Object.keys(cases))("%s", async (name) => {
    const expected = fixture(vendor, name) as Record<string, unknown>;
    const answer = await cases[name]!();
    expect(answer.status).toBe(Number(name.split("-")[0]));
    expect(shapeOf(answer.body)).toEqual(shapeOf(expected));
    if ("code" in expected) expect(answer.body.code).toBe(expected["code"]);
    if (vendor === "dingtalk") expect(answer.headers.get("x-acs-request-id")).toBeTruthy();
    else expect(answer.headers.get("x-tt-logid")).toBeTruthy();
  });
});
