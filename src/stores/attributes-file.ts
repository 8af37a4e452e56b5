// FILE.attributes, beside a credential-store file: the attributes git's one-URL-per-line format
// has no place for (password_expiry_utc), so the file itself stays git-credential-store's own.
// Each entry is keyed by the sha256 of the whole line it belongs to: a line git's credential-store
// rewrites with another password no longer matches, and its stale attributes are simply not found.
// No secret is ever written here (attributes.ts: the file store keeps no secret but the password).
import {
  type Credential,
  keptExtras,
  parseRequest,
  pickFields,
  serializeCredential,
} from "../protocol/index.js";
import { sha256Hex } from "../secret.js";

/** sha256 of a credential line → its attributes as git's key=value lines. */
export type LineAttributes = Map<string, string>;

const HEADER =
  "# git-credential-pat: attributes of the credential lines in the file beside this one that\n" +
  "# git-credential-store's format cannot hold; one line each: sha256 of that line, key=value\n";
const ENTRY = /^([0-9a-f]{64}) ([a-z_]+=.*)$/;

export function lineKey(lineText: string): string {
  return sha256Hex(lineText);
}

/** Reads the attributes file; lines that are not entries (a damaged file) are ignored. */
export function parseAttributesFile(content: string): LineAttributes {
  const entries: LineAttributes = new Map();
  for (const line of content.split("\n")) {
    const match = ENTRY.exec(line);
    if (!match) continue;
    const [, key, item] = match as unknown as [string, string, string];
    entries.set(key, `${entries.get(key) ?? ""}${item}\n`);
  }
  return entries;
}

/** The file for `entries`, in the order given; empty text when there is nothing to keep. */
export function formatAttributesFile(entries: LineAttributes): string {
  let out = "";
  for (const [key, items] of entries) {
    for (const item of items.split("\n")) if (item !== "") out += `${key} ${item}\n`;
  }
  return out === "" ? "" : HEADER + out;
}

/** The file store's extras of `credential` as key=value lines ("" when it has none). */
export function extrasText(credential: Credential): string {
  return serializeCredential(credential, keptExtras("file"));
}

/** The attributes an entry holds, as credential fields the file store keeps (nothing else is read). */
export function extrasOf(items: string | undefined): Credential {
  if (items === undefined) return {};
  const parsed = parseRequest(items);
  return parsed.kind === "invalid" ? {} : pickFields<Credential>(parsed.request, keptExtras("file"));
}
