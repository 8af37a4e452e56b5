// git's credential_from_url_gently: proto://[user[:pass]@]host[:port][/path].
import { Secret } from "../secret.js";
import type { Credential } from "./credential.js";
import { percentDecode } from "./url-codec.js";

export type ParsedUrl = { kind: "ok"; credential: Credential } | { kind: "invalid"; reason: string };

const CONTROL = /[\r\n\0]/;

/**
 * Parses a credential URL the way git does. Components containing CR, LF or NUL after
 * decoding are refused (CVE-2020-5260). Leading and trailing slashes of the path are trimmed.
 * The reason never contains the URL itself, which may carry a password.
 */
export function parseCredentialUrl(url: string): ParsedUrl {
  const schemeEnd = url.indexOf("://");
  if (schemeEnd <= 0) return { kind: "invalid", reason: "url has no scheme (expected proto://host/path)" };
  const rest = url.slice(schemeEnd + 3);
  const slash = rest.indexOf("/") === -1 ? rest.length : rest.indexOf("/");
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
    path: rest.slice(slash).replace(/^\/+/, "").replace(/\/+$/, ""),
    ...userinfo,
  };

  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || (key === "path" && value === "")) continue;
    const text = percentDecode(value);
    if (text === undefined) return { kind: "invalid", reason: `url ${key} is not valid UTF-8` };
    if (CONTROL.test(text))
      return { kind: "invalid", reason: `url contains a control character in its ${key}` };
    decoded[key] = text;
  }

  const credential: Credential = { protocol: decoded.protocol ?? "", host: decoded.host ?? "" };
  if (decoded.path !== undefined) credential.path = decoded.path;
  if (decoded.username !== undefined) credential.username = decoded.username;
  if (decoded.password !== undefined) credential.password = new Secret(decoded.password);
  return { kind: "ok", credential };
}
