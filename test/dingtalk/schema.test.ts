import { describe, expect, it } from "vitest";
import { coverageId, storageEventSubscriptionSchema } from "../../provider/dingtalk/schema";
import { toCheckFailures } from "../../provider/dynamic/check";

const failures = (input: unknown) => {
  const r = storageEventSubscriptionSchema.safeParse(input);
  return r.success ? [] : toCheckFailures(r.error.issues);
};

describe("StorageEventSubscription schema", () => {
  it("accepts ORG and SPACE, and ids with URL-special and non-ASCII characters", () => {
    expect(failures({ scope: "ORG", scopeId: "ding123", unionId: "u" })).toEqual([]);
    expect(failures({ scope: "SPACE", scopeId: "a&b#c/../d", unionId: "é中文" })).toEqual([]);
  });

  it.each([
    [{ scope: "TEAM", scopeId: "x", unionId: "u" }, "scope", "scope must be ORG or SPACE"],
    [{ scope: "ORG", scopeId: "", unionId: "u" }, "scopeId", "must not be empty"],
    [{ scope: "ORG", scopeId: "a b", unionId: "u" }, "scopeId", "white space"],
    [{ scope: "ORG", scopeId: "a\r\nb", unionId: "u" }, "scopeId", "white space or control"],
    [{ scope: "ORG", scopeId: "a\u0000b", unionId: "u" }, "scopeId", "control"],
    [{ scope: "ORG", scopeId: "x", unionId: "u".repeat(257) }, "unionId", "at most 256"],
    [{ scope: "ORG", scopeId: "x" }, "unionId", "string"],
  ])("rejects %j naming %s", (input, property, reason) => {
    const f = failures(input);
    expect(f).toHaveLength(1);
    expect(f[0].property).toBe(property);
    expect(f[0].reason).toContain(reason);
  });

  it("derives the id from the coverage", () => {
    expect(coverageId({ scope: "SPACE", scopeId: "42" })).toBe("SPACE:42");
  });
});
