import { describe, expect, it } from "vitest";
import { VendorApiError } from "../../provider/core/errors";
import { FeishuClient, type FeishuClientInit } from "../../provider/feishu/client";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { caught } from "../core/helpers";
import { emulatorForClients } from "../emulator/helpers";

// The project's emulator over loopback: real HTTP, real vendor answers.
const APP = DEFAULT_CREDENTIALS.feishu.apps[0]!;
const HELPDESK = DEFAULT_CREDENTIALS.feishu.helpdesks[0]!;
const EVENTS = [
  { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
  { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
];

const env = emulatorForClients();
const client = (opts: { helpdeskToken?: string; options?: FeishuClientInit["options"] } = {}) =>
  env.client(
    (deps) =>
      new FeishuClient({
        ...deps,
        credentials: { kind: "app", appId: APP.appId, appSecret: APP.appSecret },
        helpdesk: { helpdeskId: HELPDESK.helpdeskId, helpdeskToken: opts.helpdeskToken ?? HELPDESK.helpdeskToken },
        options: opts.options,
      }),
  );

describe("FeishuClient against the emulator", () => {
  it("subscribes and unsubscribes helpdesk events", async () => {
    const { client: c } = client();
    await c.subscribe(EVENTS);
    expect(env.emulator.subscriptions().feishu.map((s) => `${s.helpdeskId} ${s.type}/${s.subtype}`).sort()).toEqual([
      `${HELPDESK.helpdeskId} helpdesk.ticket/ticket.created_v1`,
      `${HELPDESK.helpdeskId} helpdesk.ticket_message/ticket_message.created_v1`,
    ]);
    await c.unsubscribe(EVENTS);
    expect(env.emulator.subscriptions().feishu).toEqual([]);
    expect(env.ops("token")).toHaveLength(1);
  });

  it("refreshes an expired token once and carries on", async () => {
    env.emulator.setFaults({ tokenMaxUses: 1 });
    const { client: c } = client();
    await c.subscribe(EVENTS);
    await c.unsubscribe(EVENTS);
    expect(env.ops("token")).toHaveLength(2);
    expect(env.ops("unsubscribe").map((e) => `${e.status} ${e.code}`)).toEqual(["401 99991665", "200 0"]);
  });

  it("waits the reset the throttle answer asks for", async () => {
    env.emulator.setFaults({ throttleQps: 1 });
    const { client: c, sleeps } = client();
    await Promise.all([c.subscribe(EVENTS.slice(0, 1)), c.subscribe(EVENTS.slice(1))]);
    expect(env.ops("subscribe").map((e) => e.code)).toContain("99991400");
    expect(sleeps).toEqual([1000]);
    expect(env.emulator.subscriptions().feishu).toHaveLength(2);
  });

  it("does not retry a wrong helpdesk token (154003)", async () => {
    const { client: c } = client({ helpdeskToken: "not-the-helpdesk-token-42" });
    const error = await caught(() => c.subscribe(EVENTS));
    expect(VendorApiError.isInstance(error) && error.vendorCode).toBe("154003");
    expect(error.message).toContain("Check feishu:helpdeskId and feishu:helpdeskToken");
    expect(error.message).not.toContain("not-the-helpdesk-token-42");
    expect(env.ops("subscribe")).toHaveLength(1);
  });
});
