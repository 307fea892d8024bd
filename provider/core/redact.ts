/** Text put in place of a secret. */
export const REDACTED = "[redacted]";

// Shorter values would blank out ordinary words; nothing this short is a real secret.
const MIN_SECRET_LENGTH = 4;
const MAX_SECRETS = 4096;

// Kept on globalThis so two loaded copies of the package share one registry.
const REGISTRY_KEY = Symbol.for("pulumi-dingtalk-feishu.secrets");

function registry(): Set<string> {
  const holder = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  let set = holder[REGISTRY_KEY];
  if (!set) {
    set = new Set<string>();
    holder[REGISTRY_KEY] = set;
  }
  return set;
}

// Token shapes that may appear in header or body dumps even when never registered.
const SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [
    /\b(x-acs-dingtalk-access-token|x-lark-helpdesk-authorization|authorization)(["']?\s*[:=]\s*["']?)(?!\[redacted\]|Bearer\b|Basic\b)[^\s"',;}&]+/gi,
    `$1$2${REDACTED}`,
  ],
  [
    /(["']?(?:accessToken|access_token|tenant_access_token|app_access_token|appSecret|app_secret|suiteSecret|suiteTicket|helpdeskToken|helpdesk_token)["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;}&]+/gi,
    `$1${REDACTED}`,
  ],
  [/\b[tu]-[A-Za-z0-9]{20,}\b/g, REDACTED],
];

/**
 * Registers a secret value (token, app secret, authorization header value) so that
 * {@link redact} removes it from every message, log line and error from now on.
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
  const set = registry();
  if (set.has(value)) return;
  if (set.size >= MAX_SECRETS) {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
  set.add(value);
}

/** Replaces every registered secret and obvious token shape in `text` with `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  const secrets = [...registry()].sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}
