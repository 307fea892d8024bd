import { isIP } from "node:net";
import { ConfigError, vendorDisplayName, type Vendor } from "./errors";

/** What each vendor documents about its API hosts (see shared vendor notes and the README). */
export const VENDOR_ENDPOINTS: Readonly<Record<Vendor, { hosts: readonly string[]; isApiRoot: (segment: string) => boolean }>> = {
  // Every DingTalk API path the provider calls starts with a version segment: /v1.0/storage/…, /v1.0/oauth2/….
  dingtalk: { hosts: ["api.dingtalk.com", "api.dingtalk.io"], isApiRoot: (s) => /^v\d+\.\d+$/i.test(s) },
  // Feishu and Lark serve the same paths under /open-apis/….
  feishu: { hosts: ["open.feishu.cn", "open.larksuite.com"], isApiRoot: (s) => s.toLowerCase() === "open-apis" },
};

/**
 * True for `localhost` and the loopback IP literals (127.0.0.0/8, `::1`), where plain `http:`
 * is allowed. Names under `.localhost` do not count: nothing guarantees that a resolver or a
 * proxy keeps them on this machine.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/** The vendor whose rules apply to a setting named `dingtalk:…` or `feishu:…`. */
function vendorOfOption(optionName: string): Vendor | undefined {
  const namespace = optionName.split(":")[0];
  return namespace === "dingtalk" || namespace === "feishu" ? namespace : undefined;
}

/**
 * Validates an API endpoint setting: an absolute URL without credentials, query or fragment,
 * `https:` unless the host is loopback. Returns it with any trailing slash removed from the path.
 *
 * For a `dingtalk:` or `feishu:` setting the endpoint must be the API host (or a gateway's
 * prefix), not an API path: a vendor host with any path, or a path holding the vendor's API
 * root (`/v1.0`, `/open-apis`) is refused, naming the value to set, because the provider adds
 * those paths itself and a doubled path only fails later with 404s.
 * @param optionName the setting named in the {@link ConfigError}, e.g. `dingtalk:endpoint`.
 */
export function parseEndpoint(value: string | URL, optionName: string): URL {
  const text = typeof value === "string" ? value.trim() : value.href;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${optionName} must be an absolute URL such as https://api.example.com (got an unparsable value).`, optionName);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`${optionName} must use https: (got ${url.protocol}).`, optionName);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${optionName} must not contain credentials; configure them in their own settings.`, optionName);
  }
  if (url.search || text.includes("?")) {
    throw new ConfigError(`${optionName} must not contain a query string.`, optionName);
  }
  if (url.hash || text.includes("#")) {
    throw new ConfigError(`${optionName} must not contain a fragment.`, optionName);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `${optionName} must use https: (http: is allowed only for localhost, 127.0.0.0/8 and ::1; got host ${url.hostname}).`,
      optionName,
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, "") || "/";
  const vendor = vendorOfOption(optionName);
  if (vendor) rejectApiPath(url, vendor, optionName);
  return url;
}

function rejectApiPath(url: URL, vendor: Vendor, optionName: string): void {
  if (url.pathname === "/") return;
  const rules = VENDOR_ENDPOINTS[vendor];
  const segments = url.pathname.split("/").filter(Boolean);
  const root = segments.findIndex(rules.isApiRoot);
  const isVendorHost = rules.hosts.includes(url.hostname.toLowerCase());
  if (!isVendorHost && root < 0) return; // a gateway's own prefix, e.g. https://gw.example.com/dingtalk
  const keep = isVendorHost ? [] : segments.slice(0, root);
  const suggestion = url.origin + (keep.length ? `/${keep.join("/")}` : "");
  throw new ConfigError(
    `${optionName} must be the API host without an API path (got ${url.origin}${url.pathname}); ` +
      `the provider adds the ${vendorDisplayName(vendor)} API paths itself. ` +
      `Set it to ${suggestion}: pulumi config set ${optionName} ${suggestion}`,
    optionName,
  );
}

/**
 * A one-line notice when an endpoint is not one of the vendor's documented hosts (a gateway,
 * a proxy, a typo), or `undefined` for a documented host or a loopback one (the emulator).
 */
export function nonStandardEndpointNotice(endpoint: URL, vendor: Vendor, optionName: string): string | undefined {
  const host = endpoint.hostname.toLowerCase();
  if (isLoopbackHost(host)) return undefined;
  const hosts = VENDOR_ENDPOINTS[vendor].hosts;
  if (hosts.includes(host) && endpoint.pathname === "/") return undefined;
  return (
    `${optionName} is ${endpoint.origin}${endpoint.pathname === "/" ? "" : endpoint.pathname}, not one of ${vendorDisplayName(vendor)}'s ` +
    `documented hosts (${hosts.map((h) => `https://${h}`).join(", ")}); using it as configured.`
  );
}

/** Appends an API path (starting with `/`) and an optional raw query string to an endpoint. */
export function joinEndpoint(endpoint: URL, path: string, query?: string): URL {
  const base = endpoint.pathname.replace(/\/+$/, "");
  const url = new URL(endpoint.origin);
  url.pathname = base + path;
  if (query) url.search = query;
  return url;
}
