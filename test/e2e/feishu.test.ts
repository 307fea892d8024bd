import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startEmulator } from "../../provider/emulator";
import { HelpdeskEvents } from "../../provider/feishu/events";
import { backendFiles, emulatorConfig, emulatorPerFile, expectPreviewRejected, leakedSecrets, TestStack } from "./harness";
import { callsSince, feishuHeld as held, lastSeq, ops, type Emulator } from "./ledger";

const { TicketMessageCreated, TicketCreated, TicketUpdated } = HelpdeskEvents;

/** The Feishu API calls since `mark` as "op type/subtype,…" (token fetches counted apart). */
function apiCalls(emu: Emulator, mark: number): string[] {
  return callsSince(emu, mark, "feishu")
    .filter((e) => e.op !== "token")
    .map((e) => `${e.op} ${(e.events ?? []).map((x) => `${x.type}/${x.subtype}`).join(",")}`);
}
function tokenFetches(emu: Emulator, mark: number): number {
  return ops(callsSince(emu, mark, "feishu")).filter((o) => o === "token").length;
}
function setEntries(stack: TestStack, list: object[]): void {
  stack.setConfig("from-config:feishu", JSON.stringify(list));
}

describe("Feishu HelpdeskEventSubscription end to end", () => {
  // Ten resources need ten distinct pairs: any pair of the documented shape, as the provider accepts.
  const fx = emulatorPerFile({ feishuEventPairs: "shaped" });
  let stack: TestStack;
  beforeAll(() => {
    stack = fx.stack({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
  });

  it("subscribes, changes only what changed, ignores reorders, survives a rename, and destroys", async () => {
    setEntries(stack, [{ name: "tickets", events: [TicketMessageCreated, TicketCreated] }]);
    let mark = lastSeq(fx.emu);
    await stack.up();
    expect(held(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1", "helpdesk.ticket_message/ticket_message.created_v1"]);
    // One subscribe call carrying every event.
    expect(apiCalls(fx.emu, mark)).toEqual(["subscribe helpdesk.ticket/ticket.created_v1,helpdesk.ticket_message/ticket_message.created_v1"]);
    const [r] = await stack.dynamicResources();
    expect(r.type).toBe("pulumi-nodejs:dynamic/feishu:HelpdeskEventSubscription");
    expect(r.id).toMatch(new RegExp(`^${DEFAULT_CREDENTIALS.feishu.helpdesks[0].helpdeskId}/[0-9a-f]{8}$`));
    expect(r.outputs).toMatchObject({
      events: [TicketCreated, TicketMessageCreated],
      helpdeskId: DEFAULT_CREDENTIALS.feishu.helpdesks[0].helpdeskId,
      endpoint: `${fx.emu.url}/`,
      appId: DEFAULT_CREDENTIALS.feishu.apps[0].appId,
    });

    // Preview after up: nothing to do, nothing called.
    mark = lastSeq(fx.emu);
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 });
    expect(fx.emu.ledger().filter((e) => e.seq > mark)).toEqual([]);

    // Add one pair, remove another: an update with exactly one subscribe and one unsubscribe.
    setEntries(stack, [{ name: "tickets", events: [TicketMessageCreated, TicketUpdated] }]);
    mark = lastSeq(fx.emu);
    const change = await stack.up();
    expect(change.summary?.resourceChanges).toMatchObject({ update: 1, same: 1 });
    expect(apiCalls(fx.emu, mark)).toEqual(["subscribe helpdesk.ticket/ticket.updated_v1", "unsubscribe helpdesk.ticket/ticket.created_v1"]);
    expect(held(fx.emu)).toEqual(["helpdesk.ticket/ticket.updated_v1", "helpdesk.ticket_message/ticket_message.created_v1"]);
    console.log(`event change made: ${apiCalls(fx.emu, mark).join("; ")}`);

    // Reorder: no change, no call.
    setEntries(stack, [{ name: "tickets", events: [TicketUpdated, TicketMessageCreated] }]);
    mark = lastSeq(fx.emu);
    expect((await stack.preview()).changeSummary).toEqual({ same: 2 });
    const reorder = await stack.up();
    expect(reorder.summary?.resourceChanges).toEqual({ same: 2 });
    expect(apiCalls(fx.emu, mark)).toEqual([]);

    // Rename without an alias: the events stay subscribed.
    setEntries(stack, [{ name: "tickets-renamed", events: [TicketUpdated, TicketMessageCreated] }]);
    mark = lastSeq(fx.emu);
    const rename = await stack.up();
    expect(rename.summary?.resourceChanges).toMatchObject({ create: 1, delete: 1 });
    expect(held(fx.emu)).toEqual(["helpdesk.ticket/ticket.updated_v1", "helpdesk.ticket_message/ticket_message.created_v1"]);
    expect(apiCalls(fx.emu, mark).filter((c) => c.startsWith("unsubscribe"))).toEqual([]);
    expect(rename.stdout + rename.stderr).toContain("still claims them");

    // Nothing secret in the state, the backend files or the output.
    const secrets = [...fx.emu.secrets(), ...fx.emu.issuedTokens()];
    expect(fx.emu.issuedTokens().length).toBeGreaterThan(0);
    expect(leakedSecrets([JSON.stringify(await stack.exportState())], secrets)).toEqual([]);
    expect(leakedSecrets(backendFiles(stack.backendDir), secrets)).toEqual([]);
    expect(leakedSecrets(stack.transcript, secrets)).toEqual([]);

    // Destroy: one unsubscribe of the resource's events; the helpdesk is left empty.
    mark = lastSeq(fx.emu);
    await stack.destroy();
    expect(apiCalls(fx.emu, mark)).toEqual(["unsubscribe helpdesk.ticket/ticket.updated_v1,helpdesk.ticket_message/ticket_message.created_v1"]);
    expect(fx.emu.subscriptions().feishu).toEqual([]);
  });

  it("a change of endpoint (Feishu to Lark) under the same profile stops before anything changes, naming the recorded endpoint", async () => {
    // Identity from state (issue 9 §1): the old pairs could only be removed at the old endpoint, which
    // is no longer configured. Moving is a change of the resource's profile (README, Profiles).
    const lark = await startEmulator();
    const s = TestStack.create({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
    try {
      setEntries(s, [{ name: "tickets", events: [TicketCreated] }]);
      await s.up();
      expect(held(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1"]);
      s.setConfig("feishu:endpoint", lark.url.replace("127.0.0.1", "localhost"));
      const mark = lastSeq(fx.emu);
      const moved = await s.run("up");
      expect(moved.ok).toBe(false);
      expect(moved.stdout + (moved.error?.message ?? "")).toMatch(/was made with app .* at http:\/\/127\.0\.0\.1:\d+\/ \(profile "default"\).*Set feishu:endpoint \(FEISHU_ENDPOINT\) back/);
      expect(lark.ledger()).toEqual([]);
      expect(apiCalls(fx.emu, mark)).toEqual([]);
      expect(held(fx.emu)).toEqual(["helpdesk.ticket/ticket.created_v1"]);
      s.setConfig("feishu:endpoint", fx.emu.url);
      await s.up();
      await s.destroy();
      expect(fx.emu.subscriptions().feishu).toEqual([]);
    } finally {
      s.cleanup();
      await lark.stop();
    }
  });

  it("fetches one tenant token for 10 resources, and works with a pre-issued token", async () => {
    const many = TestStack.create({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
    const preIssued = TestStack.create({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS, { feishu: "token" }) });
    try {
      const subtypes = ["created", "updated", "closed", "assigned", "merged", "reopened", "rated", "escalated", "tagged", "moved"];
      setEntries(many, subtypes.map((a, i) => ({ name: `team-${i}`, events: [{ type: "helpdesk.ticket", subtype: `ticket.${a}_v1` }] })));
      let mark = lastSeq(fx.emu);
      await many.up();
      expect(tokenFetches(fx.emu, mark)).toBe(1);
      expect(apiCalls(fx.emu, mark)).toHaveLength(10);
      expect(fx.emu.subscriptions().feishu).toHaveLength(10);
      await many.destroy();
      expect(fx.emu.subscriptions().feishu).toEqual([]);

      setEntries(preIssued, [{ name: "tickets", events: [TicketCreated] }]);
      mark = lastSeq(fx.emu);
      await preIssued.up();
      expect(tokenFetches(fx.emu, mark)).toBe(0);
      expect(fx.emu.ledger().filter((e) => e.seq > mark && e.op === "subscribe").map((e) => e.app)).toEqual(["pre-issued"]);
      await preIssued.destroy();
      expect(fx.emu.subscriptions().feishu).toEqual([]);
    } finally {
      many.cleanup();
      preIssued.cleanup();
    }
  });

  it.each([
    [[], "events", "must not be empty"],
    [[TicketCreated, TicketCreated], "events[1]", "duplicate event"],
    [[TicketCreated, { type: "helpdesk.ticket", subtype: "ticket_message.created_v1" }], "events[1].subtype", "does not belong to type"],
    [[{ type: "", subtype: "ticket.created_v1" }], "events[0].type", "must not be empty"],
  ])("rejects bad events at preview naming the property, with no vendor call (%#)", async (events, property, reason) => {
    const s = fx.stack({ program: "examples/from-config", config: emulatorConfig(fx.emu, DEFAULT_CREDENTIALS) });
    setEntries(s, [{ name: "bad", events }]);
    await expectPreviewRejected(fx.emu, s, property, reason);
  });

  it("fails preview naming the keys when the helpdesk credentials are missing", async () => {
    const config = emulatorConfig(fx.emu, DEFAULT_CREDENTIALS);
    delete config["feishu:helpdeskToken"];
    const s = fx.stack({ program: "examples/from-config", config, env: { FEISHU_HELPDESK_TOKEN: null } });
    setEntries(s, [{ name: "tickets", events: [TicketCreated] }]);
    await expectPreviewRejected(fx.emu, s, "feishu:helpdeskToken (FEISHU_HELPDESK_TOKEN)");
  });
});
