/** Text put in place of a secret. */
export const REDACTED = "[redacted]";

// Shorter values would blank out ordinary words; nothing this short is a real secret.
const MIN_SECRET_LENGTH = 4;
const MAX_SECRETS = 4096;

// Kept on globalThis so two loaded copies of the package share one registry.
const REGISTRY_KEY = Symbol.for("pulumi-dingtalk-feishu.secrets");

interface Registry {
  /** Configured secrets (settings, pre-issued tokens, authorization values): never evicted. */
  pinned: Set<string>;
  /** Tokens fetched at run time: the oldest are evicted past {@link MAX_SECRETS}. */
  fetched: Set<string>;
}

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  let found = holder[REGISTRY_KEY];
  if (!found) {
    found = { pinned: new Set<string>(), fetched: new Set<string>() };
    holder[REGISTRY_KEY] = found;
  }
  return found;
}

/**
 * The forms a secret takes when a gateway or vendor echoes it back: as is, JSON-escaped,
 * HTML-escaped (named and numeric entities), URL-encoded and form-encoded.
 */
function escapedForms(value: string): string[] {
  const html = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const url = encodeURIComponent(value);
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    html.replace(/"/g, "&quot;").replace(/'/g, "&#39;"),
    html.replace(/"/g, "&#34;").replace(/'/g, "&#x27;"),
    url,
    url.replace(/%20/g, "+"),
  ];
  return [...new Set(forms)];
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
 * {@link redact} removes it, and its escaped forms, from every message, log line and error from now on.
 * Secrets are pinned (never evicted) unless `fetched` is set: tokens fetched at run time can be
 * many, so only those are evicted, oldest first.
 */
export function registerSecret(value: string | undefined | null, opts: { fetched?: boolean } = {}): void {
  if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
  const { pinned, fetched } = registry();
  for (const form of escapedForms(value)) {
    if (pinned.has(form)) continue;
    if (!opts.fetched) {
      fetched.delete(form);
      pinned.add(form);
      continue;
    }
    if (fetched.has(form)) continue;
    if (fetched.size >= MAX_SECRETS) {
      const oldest = fetched.values().next().value;
      if (oldest !== undefined) fetched.delete(oldest);
    }
    fetched.add(form);
  }
}

/** Replaces every registered secret and obvious token shape in `text` with `[redacted]`. */
export function redact(text: string): string {
  let out = text;
  const { pinned, fetched } = registry();
  const secrets = [...pinned, ...fetched].sort((a, b) => b.length - a.length);
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

const MAX_REDACT_DEPTH = 8;

/**
 * A copy of `value` with {@link redact} applied to every string in it, object keys included
 * (plain objects and arrays, to a depth of 8; deeper parts are replaced by `[redacted]`).
 */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === "string") return redact(value) as T;
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_REDACT_DEPTH) return REDACTED as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[redact(key)] = redactDeep(item, depth + 1);
  return out as T;
}
