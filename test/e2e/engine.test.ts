import { afterAll, describe, expect, it } from "vitest";
import { TestStack } from "./harness";

// Proves the pinned CLI, the Automation API's language server and the dynamic-provider
// launcher work together on this machine, with the package's own serialized shim.
describe("engine smoke test", () => {
  const stack = TestStack.create({ program: "test/e2e/programs/trivial", config: { "trivial:count": "2" } });
  afterAll(() => stack.cleanup());

  it("creates, previews clean, and destroys a no-op dynamic resource", async () => {
    const up = await stack.up();
    expect(up.summary?.result).toBe("succeeded");
    expect(up.summary?.resourceChanges).toMatchObject({ create: 3 });
    expect(up.outputs?.ids).toEqual(["noop-v0", "noop-v1"]);

    const resources = await stack.dynamicResources();
    expect(resources.map((r) => r.type)).toEqual(["pulumi-nodejs:dynamic/testing:Noop", "pulumi-nodejs:dynamic/testing:Noop"]);
    const blob: string = resources[0].inputs.__provider;
    expect(blob).toContain("pulumi-dingtalk-feishu/runtime");
    expect(Buffer.byteLength(blob)).toBeLessThan(2048);

    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 3 });

    const destroy = await stack.destroy();
    expect(destroy.summary?.resourceChanges).toMatchObject({ delete: 3 });
    expect(await stack.dynamicResources()).toEqual([]);
  });
});
