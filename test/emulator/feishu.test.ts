import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../provider/emulator";
import { FS, TICKET_CREATED, TICKET_MESSAGE, feishuEvents, feishuToken, helpdeskAuth, post, type Answer } from "./helpers";

let emu: Emulator;
let token: string;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());
beforeEach(async () => {
  emu.reset();
  token = await feishuToken(emu);
});

const helpdeskId = FS.helpdesks[0]!.helpdeskId;
const appId = FS.apps[0]!.appId;

describe("Feishu helpdesk events: success", () => {
  it("subscribes and answers 200 {code:0,msg:success,data:{}} with a log id header", async () => {
    const r = await feishuEvents(emu, "subscribe", token, { events: [TICKET_MESSAGE, TICKET_CREATED] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ code: 0, msg: "success", data: {} });
    expect(r.headers.get("x-tt-logid")).toMatch(/^\d{14}[0-9A-F]{18}$/);
    expect(emu.subscriptions().feishu).toEqual([
      { app: appId, helpdeskId, ...TICKET_MESSAGE },
      { app: appId, helpdeskId, ...TICKET_CREATED },
    ]);
    expect(emu.ledger().at(-1)).toMatchObject({
      vendor: "feishu",
      op: "subscribe",
      path: "/open-apis/helpdesk/v1/events/subscribe",
      status: 200,
      code: "0",
      app: appId,
      helpdeskId,
      events: [TICKET_MESSAGE, TICKET_CREATED],
    });
  });

  it("treats subscribe as an upsert and unsubscribe of an absent pair as a success", async () => {
    await feishuEvents(emu, "subscribe", token, { events: [TICKET_MESSAGE] });
    const twice = await feishuEvents(emu, "subscribe", token, { events: [TICKET_MESSAGE, TICKET_MESSAGE] });
    expect(twice.body.code).toBe(0);
    expect(emu.subscriptions().feishu).toHaveLength(1);
    const un = await feishuEvents(emu, "unsubscribe", token, { events: [TICKET_MESSAGE, TICKET_CREATED] });
    expect([un.status, un.body]).toEqual([200, { code: 0, msg: "success", data: {} }]);
    expect(emu.subscriptions().feishu).toEqual([]);
    const again = await feishuEvents(emu, "unsubscribe", token, { events: [TICKET_MESSAGE] });
    expect(again.body.code).toBe(0);
  });

  it("keys subscriptions by helpdesk", async () => {
    const other = await startEmulator({
      feishu: { helpdesks: [FS.helpdesks[0]!, { helpdeskId: "7000000000000000002", helpdeskToken: "hd-token-two-3c5e7a9b" }] },
    });
    try {
      const t = await feishuToken(other);
      await feishuEvents(other, "subscribe", t, { events: [TICKET_MESSAGE] });
      await feishuEvents(other, "subscribe", t, { events: [TICKET_MESSAGE] }, helpdeskAuth("7000000000000000002", "hd-token-two-3c5e7a9b"));
      expect(other.subscriptions().feishu.map((s) => s.helpdeskId)).toEqual([helpdeskId, "7000000000000000002"]);
    } finally {
      await other.stop();
    }
  });
});

describe("Feishu helpdesk events: rejections change nothing", () => {
  const events = { events: [TICKET_MESSAGE] };
  const authCases: Array<[string, () => Promise<Answer>, number, number]> = [
    ["missing Authorization", () => feishuEvents(emu, "subscribe", undefined, events), 400, 99991661],
    ["Authorization without Bearer", () => post(`${emu.url}/open-apis/helpdesk/v1/events/subscribe`, events, { authorization: token, "x-lark-helpdesk-authorization": helpdeskAuth() }), 400, 99991661],
    ["unknown token", () => feishuEvents(emu, "subscribe", "t-g1040000000000000000000000000000000000000", events), 401, 99991663],
    ["missing helpdesk header", () => feishuEvents(emu, "subscribe", token, events, null), 403, 154003],
    ["wrong helpdesk token", () => feishuEvents(emu, "subscribe", token, events, helpdeskAuth(helpdeskId, "wrong")), 403, 154003],
    ["unknown helpdesk", () => feishuEvents(emu, "subscribe", token, events, helpdeskAuth("1", FS.helpdesks[0]!.helpdeskToken)), 403, 154003],
    ["helpdesk header not base64", () => feishuEvents(emu, "subscribe", token, events, `${helpdeskId}:${FS.helpdesks[0]!.helpdeskToken}`), 403, 154003],
    ["helpdesk header with a Basic prefix", () => feishuEvents(emu, "subscribe", token, events, `Basic ${helpdeskAuth()}`), 403, 154003],
  ];

  it.each(authCases)("rejects %s", async (_name, send, status, code) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ code, msg: expect.any(String), error: { message: expect.any(String), log_id: expect.any(String) } });
    expect(r.headers.get("x-tt-logid")).toBe(r.body.error.log_id);
    expect(emu.subscriptions().feishu).toEqual([]);
    expect(emu.ledger().at(-1)).toMatchObject({ status, code: String(code) });
  });

  const bodyCases: Array<[string, unknown, string]> = [
    ["a body that is not JSON", "{events:", "body"],
    ["a JSON array body", [TICKET_MESSAGE], "body"],
    ["events missing", {}, "events"],
    ["events empty", { events: [] }, "events"],
    ["events not an array", { events: TICKET_MESSAGE }, "events"],
    ["an event that is not an object", { events: ["helpdesk.ticket"] }, "events[0]"],
    ["type missing", { events: [{ subtype: "ticket.created_v1" }] }, "events[0].type"],
    ["subtype missing", { events: [TICKET_MESSAGE, { type: "helpdesk.ticket" }] }, "events[1].subtype"],
    ["subtype a number", { events: [{ type: "helpdesk.ticket", subtype: 1 }] }, "events[0].subtype"],
    ["type without the helpdesk prefix", { events: [{ type: "ticket", subtype: "ticket.created_v1" }] }, "events[0].type"],
    ["subtype of another resource", { events: [{ type: "helpdesk.ticket_message", subtype: "ticket.created_v1" }] }, "events[0].subtype"],
    ["subtype without a version", { events: [{ type: "helpdesk.ticket", subtype: "ticket.created" }] }, "events[0].subtype"],
  ];

  it.each(bodyCases)("rejects %s with 400 154000 and a field violation", async (_name, body, field) => {
    const r = await feishuEvents(emu, "subscribe", token, body);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(154000);
    expect(r.body.error.field_violations).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, description: expect.any(String) })]),
    );
    expect(emu.subscriptions().feishu).toEqual([]);
  });

  it("applies nothing of a body with one bad event among good ones", async () => {
    const r = await feishuEvents(emu, "subscribe", token, { events: [TICKET_MESSAGE, { type: "helpdesk.x", subtype: "y.z_v1" }] });
    expect(r.body.code).toBe(154000);
    expect(emu.subscriptions().feishu).toEqual([]);
    expect(emu.ledger().at(-1)?.events).toBeUndefined();
  });

  it("answers a wrong method with 405 and an unknown path with 404, recorded as unknown", async () => {
    const wrong = await post(`${emu.url}/open-apis/helpdesk/v1/events/subscribe`, undefined, {}, { method: "DELETE" });
    expect([wrong.status, wrong.body.code, wrong.headers.get("allow")]).toEqual([405, 405, "POST"]);
    const unknown = await post(`${emu.url}/open-apis/helpdesk/v1/events/list`, events);
    expect([unknown.status, unknown.body.code]).toEqual([404, 404]);
    expect(emu.ledger().slice(-2).map((e) => [e.op, e.status])).toEqual([
      ["unknown", 405],
      ["unknown", 404],
    ]);
  });
});
