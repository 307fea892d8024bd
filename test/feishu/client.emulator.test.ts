import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "undici";
import { realSleep } from "../../provider/core/clock";
import { VendorApiError } from "../../provider/core/errors";
import { TokenCache } from "../../provider/core/token-cache";
import { FeishuClient } from "../../provider/feishu/client";
import { DEFAULT_CREDENTIALS, startEmulator, type Emulator } from "../../provider/emulator";
import { caught, memoryLogger } from "../core/helpers";

// The project's emulator over loopback: real HTTP, real vendor answers.
const APP = DEFAULT_CREDENTIALS.feishu.apps[0]!;
const HELPDESK = DEFAULT_CREDENTIALS.feishu.helpdesks[0]!;
const EVENTS = [
  { type: "helpdesk.ticket_message", subtype: "ticket_message.created_v1" },
  { type: "helpdesk.ticket", subtype: "ticket.created_v1" },
];

let emulator: Emulator;
let dispatcher: Agent;
beforeAll(async () => {
  emulator = await startEmulator();
  dispatcher = new Agent();
});
afterAll(async () => {
  await dispatcher.close();
  await emulator.stop();
});
afterEach(() => emulator.reset());

function client(opts: { helpdeskToken?: string; options?: ConstructorParameters<typeof FeishuClient>[0]["options"] } = {}) {
  const sleeps: number[] = [];
  const logger = memoryLogger();
  const c = new FeishuClient({
    endpoint: new URL(emulator.url),
    credentials: { kind: "app", appId: APP.appId, appSecret: APP.appSecret },
    helpdesk: { helpdeskId: HELPDESK.helpdeskId, helpdeskToken: opts.helpdeskToken ?? HELPDESK.helpdeskToken },
    dispatcher,
    tokenCache: new TokenCache(),
    options: opts.options,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
      await realSleep(ms);
    },
  });
  return { client: c, sleeps, logger };
}

const ops = (op: string) => emulator.ledger().filter((e) => e.op === op);

describe("FeishuClient against the emulator", () => {
  it("subscribes and unsubscribes helpdesk events", async () => {
    const { client: c } = client();
    await c.subscribe(EVENTS);
    expect(emulator.subscriptions().feishu.map((s) => `${s.helpdeskId} ${s.type}/${s.subtype}`).sort()).toEqual([
      `${HELPDESK.helpdeskId} helpdesk.ticket/ticket.created_v1`,
      `${HELPDESK.helpdeskId} helpdesk.ticket_message/ticket_message.created_v1`,
    ]);
    await c.unsubscribe(EVENTS);
    expect(emulator.subscriptions().feishu).toEqual([]);
    expect(ops("token")).toHaveLength(1);
  });

  it("refreshes an expired token once and carries on", async () => {
    emulator.setFaults({ tokenMaxUses: 1 });
    const { client: c } = client();
    await c.subscribe(EVENTS);
    await c.unsubscribe(EVENTS);
    expect(ops("token")).toHaveLength(2);
    expect(ops("unsubscribe").map((e) => `${e.status} ${e.code}`)).toEqual(["401 99991665", "200 0"]);
  });

  it("waits the reset the throttle answer asks for", async () => {
    emulator.setFaults({ throttleQps: 1 });
    const { client: c, sleeps } = client();
    await Promise.all([c.subscribe(EVENTS.slice(0, 1)), c.subscribe(EVENTS.slice(1))]);
    expect(ops("subscribe").map((e) => e.code)).toContain("99991400");
    expect(sleeps).toEqual([1000]);
    expect(emulator.subscriptions().feishu).toHaveLength(2);
  });

  it("does not retry a wrong helpdesk token (154003)", async () => {
    const { client: c } = client({ helpdeskToken: "not-the-helpdesk-token-42" });
    const error = await caught(() => c.subscribe(EVENTS));
    expect(VendorApiError.isInstance(error) && error.vendorCode).toBe("154003");
    expect(error.message).toContain("Check feishu:helpdeskId and feishu:helpdeskToken");
    expect(error.message).not.toContain("not-the-helpdesk-token-42");
    expect(ops("subscribe")).toHaveLength(1);
  });
});
