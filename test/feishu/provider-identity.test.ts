// Issue 9 §1/§4/§7 and issue 12 on the Feishu provider, called as the dynamic-provider host calls it,
// against the emulator configured with two apps and two helpdesks.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FeishuProvider } from "../../provider/feishu/provider";
import { HelpdeskEvents } from "../../provider/feishu/events";
import { startEmulator } from "../../provider/emulator";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const { TicketCreated, TicketUpdated, TicketMessageCreated } = HelpdeskEvents;
const APP1 = { appId: "cli_app1000000000001", appSecret: "fsAppSecret-one-8a7b6c5d4e3f2a1b0c9d" };
const APP2 = { appId: "cli_app2000000000002", appSecret: "fsAppSecret-two-0f1e2d3c4b5a69788796" };
const H1 = { helpdeskId: "7001", helpdeskToken: "fsHelpdeskToken-7001-aaaa1111bbbb" };
const H2 = { helpdeskId: "7002", helpdeskToken: "fsHelpdeskToken-7002-cccc2222dddd" };

function configOf(values: Record<string, unknown>) {
  return { config: { get: (k: string) => values[k] as string, require: (k: string) => values[k] as string } };
}
async function providerFor(values: Record<string, unknown>) {
  const p = new FeishuProvider();
  await p.configure(configOf(values));
  return p;
}

describe("FeishuProvider: identity from state, profiles, partial results", () => {
  let emu: Emulator;
  let h1: Record<string, string>;
  let h2: Record<string, string>;
  const held = () => emu.subscriptions().feishu.map((s) => `${s.app}/${s.helpdeskId}/${s.subtype}`).sort();
  const profile = (app: typeof APP1, h: typeof H1) => ({ ...app, ...h });
  beforeAll(async () => {
    emu = await startEmulator({ feishu: { apps: [APP1, APP2], helpdesks: [H1, H2] } });
    h1 = { "feishu:endpoint": emu.url, "feishu:appId": APP1.appId, "feishu:appSecret": APP1.appSecret, "feishu:helpdeskId": H1.helpdeskId, "feishu:helpdeskToken": H1.helpdeskToken };
    h2 = { ...h1, "feishu:helpdeskId": H2.helpdeskId, "feishu:helpdeskToken": H2.helpdeskToken };
  });
  beforeEach(() => emu.reset());
  afterAll(() => emu.stop());

  it("delete with feishu:helpdeskId switched refuses, names helpdesk 7001 and the keys, and calls nothing", async () => {
    const mine = (await (await providerFor(h1)).create({ events: [TicketCreated] })).outs!;
    await (await providerFor(h2)).create({ events: [TicketCreated] }); // helpdesk 7002's own pair
    const mark = emu.ledger().length;
    await expect((await providerFor(h2)).delete("7001/x", mine)).rejects.toMatchObject({
      code: "CONFIG_ERROR",
      keys: ["feishu:helpdeskId", "feishu:helpdeskToken"],
      message: expect.stringMatching(/made with app cli_app1000000000001 on helpdesk 7001 .*now resolves to .*helpdesk 7002/),
    });
    expect(emu.ledger().length).toBe(mark);
    expect(held()).toEqual([`${APP1.appId}/7001/ticket.created_v1`, `${APP1.appId}/7002/ticket.created_v1`]);
  });

  it("several helpdesks in one deployment through profiles; a move to another profile unsubscribes under the old one", async () => {
    const both = { ...h1, "feishu:profiles": { hr: profile(APP2, H2) } };
    const p = await providerFor(both);
    const it1 = await p.create((await p.check({}, { events: [TicketCreated] })).inputs);
    const hr = await p.create((await p.check({}, { events: [TicketCreated], profile: "hr" })).inputs);
    expect(hr.outs).toMatchObject({ profile: "hr", appId: APP2.appId, helpdeskId: "7002" });
    expect(hr.id).toMatch(/^7002\//);
    expect(held()).toEqual([`${APP1.appId}/7001/ticket.created_v1`, `${APP2.appId}/7002/ticket.created_v1`]);
    // Move the first one to "hr": replace; create under hr, then the old delete under default (same process, claims of hr do not cover 7001).
    const q = await providerFor(both);
    const news = (await q.check(it1.outs!, { events: [TicketCreated, TicketUpdated], profile: "hr" })).inputs;
    await q.check(hr.outs!, { events: [TicketCreated], profile: "hr" });
    expect((await q.diff(it1.id, it1.outs!, news)).replaces).toEqual(["profile"]);
    await q.create(news);
    await q.delete(it1.id, it1.outs!);
    expect(held()).toEqual([`${APP2.appId}/7002/ticket.created_v1`, `${APP2.appId}/7002/ticket.updated_v1`]);
  });

  it("a profile that a resource still uses, removed: diff and delete name the profile and the recorded identity, no call", async () => {
    const hr = (await (await providerFor({ ...h1, "feishu:profiles": { hr: profile(APP2, H2) } })).create({ events: [TicketCreated], profile: "hr" })).outs!;
    const p = await providerFor(h1);
    const mark = emu.ledger().length;
    const expected = /made with profile "hr" \(app cli_app2000000000002 on helpdesk 7002 at .*\).*profile "hr" is not configured.*feishu:profiles\.hr\.appId/;
    // check leaves an existing resource's profile to diff, which knows the recorded identity.
    await expect(p.check(hr, { events: [TicketCreated], profile: "hr" })).resolves.not.toHaveProperty("failures");
    await expect(p.diff("7002/x", hr, { events: [TicketCreated], profile: "hr" })).rejects.toThrow(expected);
    await expect(p.delete("7002/x", hr)).rejects.toThrow(expected);
    expect(emu.ledger().length).toBe(mark);
  });

  it("a profile's refusals advise its own keys: a wrong app secret names feishu:profiles.hr.appId and .appSecret", async () => {
    const p = await providerFor({ ...h1, "feishu:profiles": { hr: { ...profile(APP2, H2), appSecret: "fsAppSecret-wrong-000000000000" } } });
    const refused = p.create({ events: [TicketCreated], profile: "hr" });
    await expect(refused).rejects.toMatchObject({
      keys: ["feishu:profiles.hr.appId", "feishu:profiles.hr.appSecret"],
      message: expect.stringContaining("Check feishu:profiles.hr.appId and feishu:profiles.hr.appSecret."),
    });
    await expect(refused).rejects.not.toThrow(/feishu:app(Id|Secret)/);
    // The top-level profile keeps the top-level names.
    const top = providerFor({ ...h1, "feishu:appSecret": "fsAppSecret-wrong-000000000000" }).then((q) => q.create({ events: [TicketCreated] }));
    await expect(top).rejects.toThrow("Check feishu:appId and feishu:appSecret.");
    expect(held()).toEqual([]);
  });

  it("a tenant token names no app: a token resource is not acted on with app credentials", async () => {
    const outs = { events: [TicketCreated], profile: "default", helpdeskId: "7001", endpoint: `${emu.url}/`, appId: "tenantAccessToken" };
    await expect((await providerFor(h1)).delete("7001/x", outs)).rejects.toThrow(/made with a pre-issued tenant access token on helpdesk 7001.*Set feishu:tenantAccessToken/);
    expect(emu.ledger()).toEqual([]);
  });

  it("update: when the unsubscribe fails after the subscribe, the error carries the id and every live pair", async () => {
    const created = await (await providerFor(h1)).create({ events: [TicketCreated, TicketUpdated] });
    emu.setFaults({ script: [{ fault: "scope-denied", vendor: "feishu", op: "unsubscribe", times: 5 }] });
    const p = await providerFor(h1);
    const news = (await p.check(created.outs!, { events: [TicketCreated, TicketMessageCreated] })).inputs;
    const error = await p.update(created.id, created.outs!, news).then(() => undefined, (e) => e);
    expect(error).toMatchObject({ id: created.id, properties: { unconfirmed: true, events: [TicketCreated, TicketUpdated, TicketMessageCreated] } });
    expect(error.message).toMatch(/99991672/);
    // What the vendor holds is what the properties list: nothing unrecorded.
    expect(held()).toEqual([`${APP1.appId}/7001/ticket.created_v1`, `${APP1.appId}/7001/ticket.updated_v1`, `${APP1.appId}/7001/ticket_message.created_v1`]);
    // The next up: the state (the error's properties) differs from the program: the update removes the leftover pair.
    emu.resetFaults();
    const next = await providerFor(h1);
    expect((await next.diff(created.id, error.properties, news)).changes).toBe(true);
    await next.update(created.id, error.properties, news);
    expect(held()).toEqual([`${APP1.appId}/7001/ticket.created_v1`, `${APP1.appId}/7001/ticket_message.created_v1`]);
  });

  it("create: an answer lost on every attempt records the resource (id, outputs); a refusal records nothing", async () => {
    const tuned = { ...h1, "feishu:maxAttempts": "2", "feishu:requestTimeoutMs": "1000" };
    emu.setFaults({ script: [{ fault: "applied-drop", vendor: "feishu", op: "subscribe", times: 2 }] });
    const error = await (await providerFor(tuned)).create({ events: [TicketCreated] }).then(() => undefined, (e) => e);
    expect(error.id).toMatch(/^7001\/[0-9a-f]{8}$/);
    expect(error.properties).toMatchObject({ events: [TicketCreated], helpdeskId: "7001", appId: APP1.appId, unconfirmed: true });
    expect(held()).toEqual([`${APP1.appId}/7001/ticket.created_v1`]);
    // A later destroy cleans up what may be live.
    await (await providerFor(h1)).delete(error.id, error.properties);
    expect(held()).toEqual([]);
    emu.setFaults({ script: [{ fault: "scope-denied", vendor: "feishu", op: "subscribe", times: 1 }] });
    const refused = await (await providerFor(tuned)).create({ events: [TicketCreated] }).then(() => undefined, (e) => e);
    expect(refused.message).toMatch(/99991672/);
    expect(refused.id).toBeUndefined();
  });

  it("update after a lost answer re-subscribes every pair, even with no change in the program", async () => {
    const outs = { events: [TicketCreated], profile: "default", helpdeskId: "7001", endpoint: `${emu.url}/`, appId: APP1.appId, unconfirmed: true };
    const p = await providerFor(h1);
    expect((await p.diff("7001/x", outs, { events: [TicketCreated] })).changes).toBe(true);
    const updated = await p.update("7001/x", outs, { events: [TicketCreated] });
    expect(updated.outs).not.toHaveProperty("unconfirmed");
    expect(held()).toEqual([`${APP1.appId}/7001/ticket.created_v1`]);
  });

  it("events: at most 50, with a short message whatever the size; read without events says what to do", async () => {
    const p = await providerFor(h1);
    const many = Array.from({ length: 20_000 }, (_, i) => ({ type: "helpdesk.ticket", subtype: `ticket.e${i}_v1` }));
    const r = await p.check({}, { events: many });
    expect(r.failures).toEqual([{ property: "events", reason: "events must hold at most 50 pairs (got 20000)" }]);
    const bad = await p.check({}, { events: Array.from({ length: 50 }, () => ({ type: "x".repeat(300), subtype: "y" })) });
    expect(JSON.stringify(bad.failures).length).toBeLessThan(3000);
    await expect(p.read("7001/abcd1234", {})).rejects.toThrow(/cannot be imported or read with \.get\(\).*Declare a HelpdeskEventSubscription with its events/);
    expect(emu.ledger()).toEqual([]);
  });

  it("an old (v0.1) state, with no profile recorded, is read, updated and deleted without a replacement", async () => {
    const v01 = (await (await providerFor(h1)).create({ events: [TicketCreated] })).outs as Record<string, unknown>;
    delete v01.profile; // the outputs of 65b0b4e: events, helpdeskId, endpoint, appId
    const p = await providerFor(h1);
    expect((await p.read("7001/abcd1234", v01)).inputs).toEqual({ events: [TicketCreated] });
    const news = (await p.check({ events: [TicketCreated] }, { events: [TicketCreated] })).inputs;
    expect(await p.diff("7001/abcd1234", v01, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const more = { events: [TicketCreated, TicketUpdated] };
    expect(await p.diff("7001/abcd1234", v01, more)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await p.update("7001/abcd1234", v01, more);
    expect(updated.outs).toMatchObject({ profile: "default", helpdeskId: "7001" });
    await (await providerFor(h1)).delete("7001/abcd1234", updated.outs);
    expect(held()).toEqual([]);
  });
});

describe("Feishu profiles from structured config", () => {
  it("a 19-digit id that arrived as a rounded number is refused naming the key and --type string", async () => {
    const p = new FeishuProvider();
    await p.configure(configOf({ "feishu:profiles": { hr: { appId: "cli_x", appSecret: "s-secret-1", helpdeskId: 7000000000000000001, helpdeskToken: "t-secret-1" } } }));
    await expect(p.check({}, { events: [TicketCreated], profile: "hr" })).rejects.toThrow(
      /feishu:profiles\.hr\.helpdeskId arrived as a number too large to be exact \(7000000000000000000\); set it as text: pulumi config set --path --type string 'feishu:profiles\.hr\.helpdeskId'/,
    );
  });

  it("the whole map as one secret JSON string works too", async () => {
    const p = new FeishuProvider();
    await p.configure(configOf({ "feishu:profiles": JSON.stringify({ hr: { appId: "cli_x", appSecret: "s-secret-1", helpdeskId: "7000000000000000001", helpdeskToken: "t-secret-1" } }) }));
    const r = await p.check({}, { events: [TicketCreated], profile: "hr" });
    expect(r).not.toHaveProperty("failures");
  });
});
