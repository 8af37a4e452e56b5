// Which proxy, if any, a request to the API goes through: the variables curl (and so git) reads,
// read as curl and bun's fetch read them. Pure: the caller hands in the environment.
import { PatError } from "../errors.js";

/** A request goes straight to the server, or through the proxy one variable names. */
export type ProxyChoice =
  | {
      kind: "direct";
      /** The variable whose list named the host (no_proxy or NO_PROXY); undefined when no proxy is set. */
      bypassedBy: string | undefined;
    }
  | {
      kind: "proxy";
      /** May carry a user name and password: never print it; print `shown`. */
      url: URL;
      /** scheme://host:port, without credentials. */
      shown: string;
      /** The variable it came from, e.g. HTTPS_PROXY. */
      variable: string;
    };

// Lower case first, as curl reads them. curl reads http_proxy only in lower case (a CGI request's
// "Proxy:" header arrives as HTTP_PROXY); bun's fetch, undici and Go read both, and so do we:
// http:// API URLs are allowed only to this machine anyway.
const PROXY_VARIABLES = {
  "https:": ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"],
  "http:": ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"],
} as const;
const NO_PROXY_VARIABLES = ["no_proxy", "NO_PROXY"] as const;

/**
 * The proxy for `target` (an http: or https: URL) from `env`: https_proxy / HTTPS_PROXY for https,
 * http_proxy / HTTP_PROXY for http, then all_proxy / ALL_PROXY; an empty value counts as unset.
 * no_proxy / NO_PROXY lists hosts reached directly (see isNoProxyHost). Loopback hosts are
 * proxied unless listed, as curl does. Throws PatError for a proxy URL that cannot be used,
 * naming the variable but never its value (it may hold a password).
 */
export function proxyFromEnv(target: URL, env: Readonly<Record<string, string | undefined>>): ProxyChoice {
  const names = target.protocol === "https:" ? PROXY_VARIABLES["https:"] : PROXY_VARIABLES["http:"];
  const variable = names.find((name) => (env[name] ?? "").trim() !== "");
  if (variable === undefined) return { kind: "direct", bypassedBy: undefined };
  const noProxy = NO_PROXY_VARIABLES.find((name) => (env[name] ?? "").trim() !== "");
  if (noProxy !== undefined && isNoProxyHost(target, env[noProxy] as string)) {
    return { kind: "direct", bypassedBy: noProxy };
  }
  const url = parseProxyUrl((env[variable] as string).trim(), variable);
  return { kind: "proxy", url, shown: `${url.protocol}//${url.host}`, variable };
}

/**
 * Whether a no_proxy list names the target's host. Entries are separated by commas or spaces and
 * compared without regard to case: `*` (every host); a host name, which also covers its
 * subdomains, with or without a leading "." or "*." (`example.com`, `.example.com`: example.com
 * and api.example.com); an IP address, matched exactly (IPv6 with or without brackets); an IPv4
 * range in CIDR form (`10.0.0.0/8`). An entry may end in `:PORT` to apply to that port only.
 */
export function isNoProxyHost(target: URL, list: string): boolean {
  const host = bareHost(target.hostname);
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  return list
    .split(/[\s,]+/)
    .filter((entry) => entry !== "")
    .some((entry) => {
      if (entry === "*") return true;
      const { pattern, entryPort } = splitEntry(entry.toLowerCase());
      if (entryPort !== undefined && Number(entryPort) !== Number(port)) return false;
      return matchesHost(host, pattern);
    });
}

function matchesHost(host: string, pattern: string): boolean {
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(pattern);
  if (cidr) return isIpv4(host) && inIpv4Range(host, cidr[1] as string, Number(cidr[2]));
  // An IP address names one host: 10.0.0.1 is not a "subdomain" of 0.0.1.
  if (isIpv4(host) || host.includes(":")) return host === pattern;
  const domain = pattern.replace(/^\*?\./, "").replace(/\.$/, "");
  return domain !== "" && (host === domain || host.endsWith(`.${domain}`));
}

/** "[::1]:8080" → ::1 and 8080; "host:8080" → host and 8080; "::1" and "host" have no port. */
function splitEntry(entry: string): { pattern: string; entryPort: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { pattern: bracketed[1] as string, entryPort: bracketed[2] };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { pattern: withPort[1] as string, entryPort: withPort[2] };
  return { pattern: entry, entryPort: undefined };
}

/** URL.hostname keeps IPv6 brackets and a trailing dot; compare without them. */
function bareHost(hostname: string): string {
  return unbracketed(hostname).replace(/\.$/, "").toLowerCase();
}

/** URL.hostname without IPv6 brackets ("[::1]" → "::1"), as connect() and comparisons take it. */
export function unbracketed(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, "$1");
}

function isIpv4(host: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

function inIpv4Range(address: string, network: string, prefixLength: number): boolean {
  if (prefixLength > 32) return false;
  const toNumber = (ip: string) => ip.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefixLength);
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(network) / size);
}

/** curl's reading: no scheme means http://; only http:// and https:// proxies are spoken here. */
function parseProxyUrl(value: string, variable: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PatError(`${variable} is not a proxy URL; set it to http://HOST:PORT`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PatError(
      `${variable} names a ${url.protocol.slice(0, -1)} proxy; only http:// and https:// proxies are supported`,
    );
  }
  if (url.hostname === "") throw new PatError(`${variable} names no proxy host; set it to http://HOST:PORT`);
  return url;
}
