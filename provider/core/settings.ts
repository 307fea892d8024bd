import { ConfigError } from "./errors";
import { registerSecret } from "./redact";

// Values end up in headers, query strings or JSON: control characters are never legitimate.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Checks that a setting is a non-empty string without control characters (CR/LF would split
 * a header) and returns it. Secrets are registered for redaction first, so the check never leaks them.
 * @param key the setting named in the {@link ConfigError}, e.g. `dingtalk:appKey`.
 */
export function requireSetting(value: unknown, key: string, opts: { secret?: boolean } = {}): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(`${key} is required and must be a non-empty string.`, key);
  }
  if (opts.secret) registerSecret(value);
  if (CONTROL_CHARS.test(value)) {
    throw new ConfigError(`${key} must not contain line breaks or other control characters.`, key);
  }
  if (value !== value.trim()) {
    throw new ConfigError(`${key} must not start or end with whitespace.`, key);
  }
  return value;
}
