// Where a host's REST API lives, and whether an --api-url is safe to send a token to.
import { UsageError } from "../errors.js";
import { isLoopbackHost } from "../protocol/index.js";
import { scrub } from "../secret.js";

// A host name or IPv4 address, or a bracketed IPv6 address, with an optional port. Anything else
// (a "/", "@", "?" or space) would let the host rewrite the URL the token is sent to.
const HOST_PATTERN = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The REST API base URL GitHub uses for `host`: https://api.github.com for github.com,
 * https://api.SUBDOMAIN.ghe.com for GitHub Enterprise Cloud with data residency (as gh does),
 * and https://HOST/api/v3 for GitHub Enterprise Server (HOST may carry a port).
 */
export function defaultApiUrl(host: string): string {
  if (!HOST_PATTERN.test(host)) {
    throw new UsageError(
      `"${scrub(host)}" is not a host name; give one like github.com or ghe.example.com:8443`,
    );
  }
  const normalized = host.toLowerCase();
  if (normalized === "github.com") return "https://api.github.com";
  // https://docs.github.com/en/enterprise-cloud@latest/admin/data-residency/network-details-for-ghecom
  if (normalized.endsWith(".ghe.com")) return `https://api.${normalized}`;
  return `https://${normalized}/api/v3`;
}

/**
 * Checks an --api-url before any token goes to it: https, or http only to this machine (a local
 * test server or tunnel); no credentials, query or fragment. Returns it without a trailing slash.
 */
export function normalizeApiUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new UsageError(
      `--api-url "${scrub(url)}" is not a URL; give one like https://ghe.example.com/api/v3`,
    );
  }
  // Never echo a URL with credentials in it: that is exactly where a token may have been pasted.
  if (parsed.username !== "" || parsed.password !== "") {
    throw new UsageError("--api-url must not contain a user name or password; the token is read separately");
  }
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && isLoopbackHost(parsed.hostname))) {
    throw new UsageError(
      parsed.protocol === "http:"
        ? `--api-url ${shown} would send the token unencrypted; use https (http is allowed only for localhost)`
        : `--api-url ${shown} must be an https URL`,
    );
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    throw new UsageError(`--api-url ${shown} must not have a query or fragment`);
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`;
}
