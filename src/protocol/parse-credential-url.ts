// git's credential_from_url_gently: proto://[user[:pass]@]host[:port][/path].
import { Secret } from "../secret.js";
import type { Credential } from "./credential.js";
import { percentDecode } from "./url-codec.js";

export type ParsedUrl = { kind: "ok"; credential: Credential } | { kind: "invalid"; reason: string };

const CONTROL = /[\r\n\0]/;

/**
 * Parses a credential URL the way git does. Components containing CR, LF or NUL after
 * decoding are refused (CVE-2020-5260). Leading and trailing slashes of the path are trimmed;
 * the scheme is kept as written, as git does.
 * The reason never contains the URL itself, which may carry a password.
 */
export function parseCredentialUrl(url: string): ParsedUrl {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd <= 0) return { kind: "invalid", reason: "url has no scheme (expected proto://host/path)" };
  const rest = url.slice(schemeEnd + 3);
  // "?" and "#" end the host as "/" does, so https://evil.example?@github.com names evil.example
  // (git 2.26.1, "credential: treat "?" and "#" in URLs as end of host", CVE-2020-11008).
  const hostEnd = rest.search(/[/?#]/);
  const slash = hostEnd === -1 ? rest.length : hostEnd;
  const at = rest.indexOf("@");
  const colon = rest.indexOf(":");
  let userinfo: { username?: string; password?: string } = {};
  let hostStart = 0;
  if (at !== -1 && at < slash) {
    hostStart = at + 1;
    userinfo =
      colon === -1 || at <= colon
        ? { username: rest.slice(0, at) }
        : { username: rest.slice(0, colon), password: rest.slice(colon + 1, at) };
  }
  const raw = {
    protocol: url.slice(0, schemeEnd),
    host: rest.slice(hostStart, slash),
    path: rest.slice(slash).replace(/^\/+/, ""),
    ...userinfo,
  };

  const credential: Credential = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || (key === "path" && value === "")) continue;
    // git copies the scheme as written (xmemdupz): "ht%74ps" is not https.
    const text = key === "protocol" ? value : percentDecode(value);
    if (text === undefined) return { kind: "invalid", reason: `url ${key} is not valid UTF-8` };
    if (CONTROL.test(text))
      return { kind: "invalid", reason: `url contains a control character in its ${key}` };
    if (key === "password") credential.password = new Secret(text);
    else if (key === "path") credential.path = trimTrailingSlashes(text);
    else credential[key as "protocol" | "host" | "username"] = text;
  }
  return { kind: "ok", credential };
}

/**
 * git trims trailing slashes after decoding and keeps the first character ("a/%2F" → "a",
 * "%2F" → "/"). A loop, not /\/+$/, which backtracks quadratically on a long run of inner slashes.
 */
function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}
