// Secrets people write into URLs that git keeps (`https://user:TOKEN@host/…`, `https://TOKEN@host/…`):
// found, masked for messages, taken out, and matched by a pattern that does not hold them. Pure: no I/O.
import { looksLikeToken, Secret } from "../secret.js";

export type UrlSecret =
  | { kind: "none" }
  | {
      /** "password": `user:SECRET@` (any shape); "username": a user name that is itself a token. */
      kind: "password" | "username";
      /** The token-like part: the user name when it is a token, else the password. For describe(). */
      secret: Secret;
      /** For messages: `https://alice:***@github.com/…`, `https://***@github.com/…`. */
      masked: string;
      /** The URL without the secret; a user name that is not a secret stays (`https://alice@…`). */
      cleaned: string;
      /** The host (with port) the secret is sent to. */
      host: string;
      /** The URL before and after the secret (the user name and colon kept before it, the `@` after). */
      before: string;
      after: string;
      /** How many bytes (UTF-8) the secret takes in the URL: what `{N}` counts in git's C locale. */
      length: number;
    };

/** Whether a URL's user name (percent-decoded) is a token rather than a login (secret.ts looksLikeToken). */
export function isTokenLikeUsername(username: string): boolean {
  return looksLikeToken(percentDecode(username));
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The secret in `scheme://userinfo@host/…`, if any. A password is always a secret, whatever its
 * shape; an empty one (`alice:@`) carries nothing. A user name alone is one when it looks like a
 * token (isTokenLikeUsername). scp-like SSH addresses (`git@host:path`) never carry one.
 */
export function findUrlSecret(url: string): UrlSecret {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0];
  if (scheme === undefined) return { kind: "none" };
  const slash = url.indexOf("/", scheme.length);
  const authorityEnd = slash === -1 ? url.length : slash;
  // The last @ of the authority: a stray @ in a password makes the userinfo longer, never shorter.
  const at = url.lastIndexOf("@", authorityEnd - 1);
  if (at < scheme.length) return { kind: "none" };
  const userinfo = url.slice(scheme.length, at);
  const colon = userinfo.indexOf(":");
  const username = colon === -1 ? userinfo : userinfo.slice(0, colon);
  const password = colon === -1 ? "" : userinfo.slice(colon + 1);
  const isTokenUser = isTokenLikeUsername(username);
  if (password === "" && !isTokenUser) return { kind: "none" };

  // A user name that is not a secret stays; otherwise the whole userinfo goes, with its @.
  const keepsUser = !isTokenUser && username !== "";
  const start = keepsUser ? scheme.length + username.length + 1 : scheme.length;
  const before = url.slice(0, start);
  const after = url.slice(at);
  // Registered with scrub() as a side effect, so no later output can show either part.
  const passwordSecret = password === "" ? undefined : new Secret(password);
  return {
    kind: isTokenUser ? "username" : "password",
    secret: isTokenUser ? new Secret(username) : (passwordSecret as Secret),
    masked: `${before}***${after}`,
    cleaned: keepsUser ? `${url.slice(0, start - 1)}${after}` : `${scheme}${after.slice(1)}`,
    host: url.slice(at + 1, authorityEnd).toLowerCase(),
    before,
    after,
    length: Buffer.byteLength(url.slice(start, at), "utf8"),
  };
}

/**
 * The URL with its secret masked, or the URL itself when it holds none: for every message. Also
 * masked, for display only: query values (`?access_token=…`) and a "password" with a `/` in it
 * (`https://alice:ab/cd@host/`: git reads no userinfo there, but the text is still a secret).
 */
export function maskUrl(url: string): string {
  const found = findUrlSecret(url);
  const masked = found.kind === "none" ? url : found.masked;
  const query = masked.search(/[?#]/);
  const [base, rest] = query === -1 ? [masked, ""] : [masked.slice(0, query), masked.slice(query)];
  // After the first colon comes a password unless it is a port (digits, then the path's /).
  const maskedBase = base.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/@]*:)(?!\d*\/)[^@]*\/[^@]*@/, "$1***@");
  return maskedBase + rest.replace(/([?&;#][^=&;#]*=)[^&;#]*/g, "$1***");
}

/**
 * A command people wrote into git's config (a `credential.helper` value such as
 * `!f() { echo password=…; }; f`) with what looks like a secret masked, for messages: the value of
 * `password=`/`token=`/`secret=`, a GitHub token or 40 hex digits (a classic token) standing alone,
 * and the secret of any URL in it (maskUrl).
 */
export function maskCommand(text: string): string {
  return text
    .replace(/((?:password|passwd|token|secret)=)[^\s;'"`)&|]+/gi, "$1***")
    .replace(/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|[0-9a-f]{40})\b/gi, "***")
    .replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"`]+/g, (url) => maskUrl(url));
}

/** POSIX ERE metacharacters (git config's value patterns are extended regular expressions). */
function escapeEre(text: string): string {
  return text.replace(/[.[\]()*+?{}|^$\\]/g, "\\$&");
}

/**
 * A `git config` value pattern (POSIX ERE) matching this URL with any secret of the same length
 * in its place, and nothing else: it names the value to change without putting the secret on a
 * command line. The length is in bytes, so git must run it in the C locale (where `[^/]` is one
 * byte; in a UTF-8 locale it is one character, and a non-ASCII secret would not match). Bounds
 * are kept at 255, the smallest RE_DUP_MAX POSIX allows.
 */
export function secretFreePattern(found: Extract<UrlSecret, { kind: "password" | "username" }>): string {
  const runs: string[] = [];
  for (let left = found.length; left > 0; left -= 255) runs.push(`[^/]{${Math.min(left, 255)}}`);
  return `^${escapeEre(found.before)}${runs.join("")}${escapeEre(found.after)}$`;
}
