import { describe, fingerprint, looksLikeToken, Secret } from "../secret.js";

/**
 * Makes text from a request safe to show on a terminal: control characters (escape
 * sequences, CR) become "?" so a crafted host cannot rewrite what the user sees (CVE-2024-50349).
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

/**
 * A username or login as people's commands show it: printable, and a name that is really a token
 * (`https://TOKEN@github.com/…` makes git store the token as the username) described, never shown.
 */
export function shownName(name: string): string {
  return looksLikeToken(name) ? describe(new Secret(name)) : printable(name);
}

/**
 * What to pass as `--user` to name this username in logout or rotate: the name, or for a token
 * kept as the username, "fp 3f9a1c2b" (its fingerprint, as list shows it), never the token.
 */
export function userSelector(name: string): string {
  return looksLikeToken(name) ? `fp ${fingerprint(new Secret(name))}` : printable(name);
}

/** A word as a POSIX shell reads it back unchanged: as is when safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
