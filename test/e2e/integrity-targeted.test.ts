// Issue 9 §7: what targeted runs do to the same-coverage rule. Claims are filled by `check`,
// which the engine runs only for the resources a run works on; these tests pin down, through the
// real CLI, what targeted runs do. README "Targeted runs" documents the result.
import { beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "./ledger";
import { callsSince, lastSeq } from "./ledger";
import { A, defaultConfig, dingtalkHeld, identityEmulatorPerFile, runPath, setEntries } from "./profiles-helpers";

const twin = (name: string) => ({ name, scope: "SPACE", scopeId: "twin-space", unionId: "union-1" });

describe("targeted runs and the same-coverage rule", () => {
  const fx = identityEmulatorPerFile();
  let emu: Emulator;
  beforeAll(() => {
    emu = fx.emu;
  });

  it("up --target of a removed resource: the engine checks only the targets, so the shared subscription is unsubscribed (documented limit)", async () => {
    emu.reset();
    const stack = fx.stack(defaultConfig(emu));
    setEntries(stack, [twin("first"), twin("second")], []);
    await runPath(stack, "up");
    const first = (await stack.dynamicResources()).find((r) => r.urn.endsWith("::first"));
    setEntries(stack, [twin("second")], []);
    const mark = lastSeq(emu);
    await runPath(stack, "up", { target: [first.urn] });
    // Measured with Pulumi 3.248: the program runs, but "second" (not targeted) is not checked, so
    // nothing claims the coverage and the delete of "first" unsubscribes it.
    expect(callsSince(emu, mark).filter((e) => e.op !== "token").map((e) => `${e.op} ${e.scopeId}`)).toEqual(["unsubscribe twin-space"]);
    expect(dingtalkHeld(emu)).toEqual([]);
    // A plain `pulumi up` does not notice (no read API, nothing changed); `up --replace` restores it.
    const second = (await stack.dynamicResources()).find((r) => r.urn.endsWith("::second"));
    await runPath(stack, "up", { replace: [second.urn] });
    expect(dingtalkHeld(emu)).toEqual([`${A.appKey} SPACE:twin-space`]);
    await runPath(stack, "destroy");
    expect(dingtalkHeld(emu)).toEqual([]);
  });

  it("destroy --target of one of two resources with the same coverage runs no program: it unsubscribes (documented limit)", async () => {
    emu.reset();
    const stack = fx.stack(defaultConfig(emu));
    setEntries(stack, [twin("first"), twin("second")], []);
    await runPath(stack, "up");
    const first = (await stack.dynamicResources()).find((r) => r.urn.endsWith("::first"));
    await runPath(stack, "destroy", { target: [first.urn] });
    // No declaration was checked in that run, so nothing claims the coverage: it is unsubscribed
    // while "second" is still in the state. The README says so and how to restore it.
    expect(dingtalkHeld(emu)).toEqual([]);
    // The recovery the README gives: pulumi up --replace <the other resource> subscribes it again.
    const second = (await stack.dynamicResources()).find((r) => r.urn.endsWith("::second"));
    setEntries(stack, [twin("second")], []);
    await runPath(stack, "up", { replace: [second.urn] });
    expect(dingtalkHeld(emu)).toEqual([`${A.appKey} SPACE:twin-space`]);
    await runPath(stack, "destroy");
    expect(dingtalkHeld(emu)).toEqual([]);
  });

  it("ignoreChanges: check sees the recorded value, so the ignored resource still claims its recorded coverage", async () => {
    emu.reset();
    const stack = fx.stack(defaultConfig(emu));
    setEntries(stack, [twin("first"), twin("old")], []);
    await runPath(stack, "up");
    // "old" leaves the program; "first" now says another space, but that change is ignored.
    setEntries(stack, [{ ...twin("first"), scopeId: "elsewhere", ignoreChanges: ["scopeId"] }], []);
    const mark = lastSeq(emu);
    await runPath(stack, "up");
    expect(callsSince(emu, mark).filter((e) => e.op !== "token")).toEqual([]);
    expect(dingtalkHeld(emu)).toEqual([`${A.appKey} SPACE:twin-space`]);
    await runPath(stack, "destroy");
    expect(dingtalkHeld(emu)).toEqual([]);
  });
});
