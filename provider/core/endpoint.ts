import { isIP } from "node:net";
import { ConfigError } from "./errors";

/** True for `localhost`, 127.0.0.0/8 and `::1`, where plain `http:` is allowed. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/**
 * Validates an API endpoint setting: an absolute URL without credentials, query or fragment,
 * `https:` unless the host is loopback. Returns it with any trailing slash removed from the path.
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
    throw new ConfigError(`${optionName} must use https: (http: is allowed only for localhost, 127.0.0.0/8 and ::1; got host ${url.hostname}).`, optionName);
  }
  url.pathname = url.pathname.replace(/\/+$/, "") || "/";
  return url;
}

/** Appends an API path (starting with `/`) and an optional raw query string to an endpoint. */
export function joinEndpoint(endpoint: URL, path: string, query?: string): URL {
  const base = endpoint.pathname.replace(/\/+$/, "");
  const url = new URL(endpoint.origin);
  url.pathname = base + path;
  if (query) url.search = query;
  return url;
}
