import { describe, expect, it } from "vitest";
import { createdButFailed } from "../../provider/dynamic/partial-failure";
import { containsUnknown, toCheckFailures, UNKNOWN, withoutProvider } from "../../provider/dynamic/check";
import { Claims } from "../../provider/dynamic/claims";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

describe("createdButFailed", () => {
  it("passes a successful result through", () => {
    expect(createdButFailed("SPACE:1", () => ({ id: "SPACE:1", outs: { a: 1 } }))).toEqual({ id: "SPACE:1", outs: { a: 1 } });
  });

  it("reports the created id on an error after the vendor call, so Pulumi records the resource", () => {
    try {
      createdButFailed("ORG:ding1", () => {
        throw new Error("building outputs failed");
      });
      expect.unreachable();
    } catch (e: any) {
      // The dynamic provider turns err.id into ErrorResourceInitFailed: created, then failed.
      expect(e.id).toBe("ORG:ding1");
      expect(e.reasons).toEqual(["subscribed ORG:ding1, then: building outputs failed"]);
    }
  });
});

describe("check helpers", () => {
  it("knows Pulumi's unknown-value placeholder", () => {
    expect(UNKNOWN).toBe(rpc.unknownValue);
    expect(containsUnknown({ events: [{ type: UNKNOWN }] })).toBe(true);
    expect(containsUnknown({ events: [{ type: "helpdesk.ticket" }] })).toBe(false);
  });

  it("formats zod paths as property paths", () => {
    expect(toCheckFailures([{ code: "custom", path: ["events", 1, "subtype"], message: "m", input: undefined } as any])).toEqual([{ property: "events[1].subtype", reason: "m" }]);
  });

  it("drops __provider", () => {
    expect(withoutProvider({ __provider: "x", a: 1 })).toEqual({ a: 1 });
  });
});

describe("Claims", () => {
  it("remembers what the deployment still wants", () => {
    const c = new Claims();
    expect(c.isClaimed("k")).toBe(false);
    c.claim("k");
    expect(c.isClaimed("k")).toBe(true);
  });
});
