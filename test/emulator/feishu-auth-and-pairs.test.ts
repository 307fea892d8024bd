import { afterEach, describe, expect, it } from "vitest";
import { DOCUMENTED_EVENT_PAIRS, startEmulator, type Emulator } from "../../provider/emulator";
import { EVENTS, FS, feishuEvents, feishuToken, helpdeskAuth } from "./helpers";

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe("X-Lark-Helpdesk-Authorization", () => {
  it("accepts the bare value (the vendor doc) and the Bearer form (the official Node SDK), and records which arrived", async () => {
    emu = await startEmulator();
    const token = await feishuToken(emu);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS, helpdeskAuth())).status).toBe(200);
    expect((await feishuEvents(emu, "unsubscribe", token, EVENTS, `Bearer ${helpdeskAuth()}`)).status).toBe(200);
    const wrong = await feishuEvents(emu, "subscribe", token, EVENTS, `Bearer ${helpdeskAuth(FS.helpdesks[0]!.helpdeskId, "nope")}`);
    expect([wrong.status, wrong.body.code]).toEqual([403, 154003]);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS, `Basic ${helpdeskAuth()}`)).status).toBe(403);
    expect((await feishuEvents(emu, "subscribe", token, EVENTS, `Bearer  ${helpdeskAuth()}`)).status).toBe(403);
    expect(emu.ledger().filter((e) => e.op !== "token").map((e) => [e.op, e.status, e.helpdeskAuthForm])).toEqual([
      ["subscribe", 200, "bare"],
      ["unsubscribe", 200, "bearer"],
      ["subscribe", 403, "bearer"],
      ["subscribe", 403, "bare"],
      ["subscribe", 403, "bare"],
    ]);
  });
});

describe("event pairs", () => {
  const shaped = { type: "helpdesk.agent", subtype: "agent.status_changed_v2" };

  it("accepts only the documented pairs by default, naming the refused one", async () => {
    emu = await startEmulator();
    const token = await feishuToken(emu);
    expect((await feishuEvents(emu, "subscribe", token, { events: DOCUMENTED_EVENT_PAIRS })).status).toBe(200);
    const r = await feishuEvents(emu, "subscribe", token, { events: [DOCUMENTED_EVENT_PAIRS[0], shaped] });
    expect([r.status, r.body.code]).toEqual([400, 154000]);
    expect(r.body.error.field_violations).toEqual([
      { field: "events[1]", value: "helpdesk.agent/agent.status_changed_v2", description: expect.stringMatching(/not a documented/) },
    ]);
    expect(emu.subscriptions().feishu).toHaveLength(3);
  });

  it("accepts any pair of the documented shape with feishuEventPairs \"shaped\"", async () => {
    emu = await startEmulator({ feishuEventPairs: "shaped" });
    const token = await feishuToken(emu);
    expect((await feishuEvents(emu, "subscribe", token, { events: [shaped] })).status).toBe(200);
    const bad = await feishuEvents(emu, "subscribe", token, { events: [{ type: "helpdesk.agent", subtype: "ticket.created_v1" }] });
    expect([bad.status, bad.body.code]).toEqual([400, 154000]);
    expect(emu.subscriptions().feishu.map((s) => s.subtype)).toEqual(["agent.status_changed_v2"]);
  });
});
