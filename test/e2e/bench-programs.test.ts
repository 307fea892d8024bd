// The benchmark's two programs run only under `npm run bench`, which is not part of the suite:
// this keeps them running (type-checked by the language host) and doing what the benchmark's
// figures assume: the measured program one subscribe per create and one unsubscribe per delete,
// the baseline no vendor call at all.
import { describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { emulatorConfig, emulatorPerFile } from "./harness";
import { callsSince, dingtalkHeld, lastSeq, ops } from "./ledger";

const fx = emulatorPerFile();

describe("the benchmark's programs", () => {
  it("bench/programs/dingtalk makes N SPACE subscriptions from a count: one token and one call per create and per delete", async () => {
    const stack = fx.stack({ program: "bench/programs/dingtalk", config: { ...emulatorConfig(fx.emu, DEFAULT_CREDENTIALS), "bench-dingtalk:count": "3" } });
    let mark = lastSeq(fx.emu);
    const up = await stack.up();
    expect(up.outputs?.ids).toEqual(["SPACE:bench-space-0", "SPACE:bench-space-1", "SPACE:bench-space-2"]);
    expect(ops(callsSince(fx.emu, mark)).sort()).toEqual(["subscribe", "subscribe", "subscribe", "token"]);
    expect(dingtalkHeld(fx.emu)).toEqual(["SPACE:bench-space-0:bench-operator", "SPACE:bench-space-1:bench-operator", "SPACE:bench-space-2:bench-operator"]);
    mark = lastSeq(fx.emu);
    await stack.destroy();
    expect(ops(callsSince(fx.emu, mark)).sort()).toEqual(["token", "unsubscribe", "unsubscribe", "unsubscribe"]);
    expect(dingtalkHeld(fx.emu)).toEqual([]);
  });

  it("bench/programs/noop makes N no-op resources through the same one-line __provider, and calls no vendor", async () => {
    const stack = fx.stack({ program: "bench/programs/noop", config: { "bench-noop:count": "3" } });
    const mark = lastSeq(fx.emu);
    const up = await stack.up();
    expect(up.outputs?.ids).toEqual(["noop-v0", "noop-v1", "noop-v2"]);
    const [resource] = await stack.dynamicResources();
    expect(resource.inputs.__provider).toContain('implementation("noop")');
    await stack.destroy();
    expect(await stack.dynamicResources()).toEqual([]);
    expect(callsSince(fx.emu, mark)).toEqual([]);
  });
});
