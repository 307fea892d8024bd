/**
 * Replaces known secret values inside any JSON-like value.
 *
 * @module
 */

/** What a masked secret reads as. */
export const MASK = "***";

/** `text` with every occurrence of each secret replaced by {@link MASK}. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== "" && out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

/** A deep copy of `value` with every string passed through `mask`. */
export function redactStrings<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === "string") return mask(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, mask)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, mask)])) as T;
  }
  return value;
}

/** A deep copy of `value` with every occurrence of each secret in its strings replaced by {@link MASK}. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  return redactStrings(value, (text) => maskSecrets(text, secrets));
}
