/**
 * Replaces known secret values inside any JSON-like value.
 *
 * @module
 */

/** What a masked secret reads as. */
export const MASK = "***";

/** A deep copy of `value` with every occurrence of each secret in its strings replaced by {@link MASK}. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === "string") {
    let out: string = value;
    for (const secret of secrets) if (secret !== "" && out.includes(secret)) out = out.split(secret).join(MASK);
    return out as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item, secrets)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, secrets)])) as T;
  }
  return value;
}
