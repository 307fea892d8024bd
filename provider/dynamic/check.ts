import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/**
 * The placeholder Pulumi sends for values not yet known at preview
 * (`@pulumi/pulumi/runtime/rpc` `unknownValue`).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `value` (or anything inside it) is still unknown at preview. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The most check failures reported at once: the output stays short whatever the input's size. */
export const MAX_CHECK_FAILURES = 10;

/** zod issues as Pulumi check failures, each naming the property path (`events[1].subtype`); at most {@link MAX_CHECK_FAILURES}. */
export function toCheckFailures(issues: readonly z.core.$ZodIssue[]): pulumi.dynamic.CheckFailure[] {
  const failures = issues.slice(0, MAX_CHECK_FAILURES).map((issue) => ({ property: formatPath(issue.path), reason: issue.message.slice(0, 500) }));
  if (issues.length > MAX_CHECK_FAILURES) {
    failures.push({ property: formatPath(issues[MAX_CHECK_FAILURES]!.path), reason: `and ${issues.length - MAX_CHECK_FAILURES} more problems` });
  }
  return failures;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out ? `.${String(part)}` : String(part);
  }
  return out || "(inputs)";
}

/** Drops Pulumi's own bookkeeping (`__provider`) from a property bag. */
export function withoutProvider<T extends Record<string, unknown>>(props: T): Omit<T, "__provider"> {
  const { __provider: _ignored, ...rest } = props;
  return rest;
}
