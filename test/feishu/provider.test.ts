import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeishuProvider } from "../../provider/feishu/provider";
import { HelpdeskEvents } from "../../provider/feishu/events";
import { readFeishuSettings } from "../../provider/feishu/settings";
import { SettingsSource } from "../../provider/config/settings-source";
import { UNKNOWN } from "../../provider/dynamic/check";
import { DEFAULT_CREDENTIALS, startEmulator } from "../../provider/emulator";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const { TicketCreated, TicketUpdated, TicketMessageCreated } = HelpdeskEvents;
const f = DEFAULT_CREDENTIALS.feishu;

function sourceOf(values: Record<string, string>) {
  return { get: (k: string) => values[k], require: (k: string) => values[k]! };
}

describe("FeishuProvider", () => {
  let emu: Emulator;
  let config: Record<string, string>;
  const provider = async (values = config) => {
    const p = new FeishuProvider();
    await p.configure({ config: sourceOf(values) });
    return p;
  };
  const calls = (since: number) =>
    emu.ledger().slice(since).filter((e) => e.op !== "token").map((e) => `${e.op} ${(e.events ?? []).map((x) => x.subtype).join(",")}`);

  beforeAll(async () => {
    emu = await startEmulator();
    config = {
      "feishu:endpoint": emu.url,
      "feishu:appId": f.apps[0].appId,
      "feishu:appSecret": f.apps[0].appSecret,
      "feishu:helpdeskId": f.helpdesks[0].helpdeskId,
      "feishu:helpdeskToken": f.helpdesks[0].helpdeskToken,
    };
  });
  afterAll(() => emu.stop());

  it("check normalizes the order and passes unknown lists at preview", async () => {
    const p = await provider();
    expect((await p.check({}, { events: [TicketMessageCreated, TicketCreated] })).inputs.events).toEqual([TicketCreated, TicketMessageCreated]);
    expect(await p.check({}, { events: UNKNOWN })).toEqual({ inputs: { events: UNKNOWN } });
  });

  it("diff: a reorder is no change, an event change is an update, another helpdesk under the same profile stops the run", async () => {
    const p = await provider();
    const olds = { events: [TicketCreated, TicketMessageCreated], helpdeskId: f.helpdesks[0].helpdeskId, endpoint: `${emu.url}/`, appId: f.apps[0].appId };
    expect((await p.diff("id", olds, { events: [TicketMessageCreated, TicketCreated] })).changes).toBe(false);
    expect(await p.diff("id", olds, { events: [TicketCreated] })).toMatchObject({ changes: true, replaces: [] });
    await expect(p.diff("id", { ...olds, helpdeskId: "other" }, { events: olds.events })).rejects.toThrow(
      /made with app cli_\w+ on helpdesk other .*\(profile "default"\).*now resolves to .*helpdesk 7000000000000000001.*Set feishu:helpdeskId \(FEISHU_HELPDESK_ID\), feishu:helpdeskToken \(FEISHU_HELPDESK_TOKEN\) back/,
    );
  });

  it("update subscribes only the added pairs and unsubscribes only the removed ones", async () => {
    const created = await (await provider()).create({ events: [TicketCreated, TicketMessageCreated] });
    expect(created.id).toMatch(/^7000000000000000001\/[0-9a-f]{8}$/);
    // The next deployment (a provider process of its own): check, then update, as the engine does.
    const next = await provider();
    const news = (await next.check(created.outs!, { events: [TicketMessageCreated, TicketUpdated] })).inputs;
    const mark = emu.ledger().length;
    const updated = await next.update(created.id, created.outs!, news);
    expect(calls(mark)).toEqual(["subscribe ticket.updated_v1", "unsubscribe ticket.created_v1"]);
    expect(updated.outs.events).toEqual([TicketUpdated, TicketMessageCreated]);
    await (await provider()).delete(created.id, updated.outs);
    expect(emu.subscriptions().feishu).toEqual([]);
  });

  it("delete unsubscribes only the pairs no other resource of the deployment claims", async () => {
    const old = await (await provider()).create({ events: [TicketCreated, TicketUpdated] });
    const p = await provider();
    await p.check({}, { events: [TicketCreated] }); // another resource of this deployment still wants ticket.created_v1
    const mark = emu.ledger().length;
    await p.delete(old.id, old.outs!);
    expect(calls(mark)).toEqual(["unsubscribe ticket.updated_v1"]);
    expect(emu.subscriptions().feishu.map((s) => s.subtype)).toEqual(["ticket.created_v1"]);
    await (await provider()).delete(old.id, { ...old.outs, events: [TicketCreated] });
    expect(emu.subscriptions().feishu).toEqual([]);
  });
});

describe("Feishu settings", () => {
  const read = (values: Record<string, string>, env: Record<string, string> = {}) => readFeishuSettings(new SettingsSource(sourceOf(values), env));
  const helpdesk = { "feishu:helpdeskId": "h", "feishu:helpdeskToken": "ht" };

  it("defaults to open.feishu.cn and accepts Lark", () => {
    expect(read({ ...helpdesk, "feishu:appId": "a", "feishu:appSecret": "s" }).endpoint.href).toBe("https://open.feishu.cn/");
    expect(read({ ...helpdesk, "feishu:tenantAccessToken": "t" }, { FEISHU_ENDPOINT: "https://open.larksuite.com" }).endpoint.href).toBe("https://open.larksuite.com/");
  });

  it.each([
    [{}, /feishu:appId \(FEISHU_APP_ID\).*feishu:helpdeskId \(FEISHU_HELPDESK_ID\)/],
    [{ ...helpdesk, "feishu:appId": "a" }, /incomplete: set feishu:appSecret/],
    [{ ...helpdesk, "feishu:appId": "a", "feishu:appSecret": "s", "feishu:tenantAccessToken": "t" }, /conflict/],
    [{ "feishu:tenantAccessToken": "t", "feishu:helpdeskId": "h" }, /feishu:helpdeskToken \(FEISHU_HELPDESK_TOKEN\)/],
  ])("rejects %j naming the keys", (values, message) => {
    expect(() => read(values)).toThrow(message);
  });
});
