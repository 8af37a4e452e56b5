// git's credential_read: key=value lines up to EOF or the first blank line.
import { Secret } from "../secret.js";
import { type AttributeType, attributeOfWireKey } from "./attributes.js";
import type { CredentialRequest } from "./credential.js";
import { parseCredentialUrl } from "./parse-credential-url.js";
import { decodeUtf8 } from "./url-codec.js";

export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_REQUEST_BYTES = 1024 * 1024;

export type ParseResult = { kind: "ok"; request: CredentialRequest } | { kind: "invalid"; reason: string };

type Fields = Omit<CredentialRequest, "lists">;

/**
 * Parses a request from git. Lines end with LF; one CR before the LF is stripped and any other
 * CR stays inside the value (a lone CR is never a line break: GCM CVE-2024-50338), one at the
 * very end of input too, with no LF after it, as git keeps it (and the store then refuses it).
 * Keys are case-sensitive; keys of attributes.ts convert by their type, unknown keys are
 * ignored; `key[]` values collect in order and an
 * empty `key[]=` resets the list; `url=` resets the credential (lists included) and fills it from the URL.
 * A line without `=`, a NUL byte, invalid UTF-8 or input over the size bounds makes the
 * whole request invalid. Reasons never quote the input, which may hold a token.
 */
export function parseRequest(input: Uint8Array | string): ParseResult {
  const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : input;
  if (bytes.length > MAX_REQUEST_BYTES) return invalid("request is larger than 1 MiB");
  if (bytes.includes(0)) return invalid("request contains a NUL byte");
  const text = decodeUtf8(bytes);
  if (text === undefined) return invalid("request is not valid UTF-8");

  let fields: Fields = {};
  // A Map, not an object: "constructor[]=" or "__proto__[]=" must not reach Object.prototype.
  const lists = new Map<string, string[]>();
  const lines = text.split("\n");
  const last = lines.length - 1;
  for (const [index, raw] of lines.entries()) {
    // git's strbuf_getline: a CR goes only with the LF after it; the last piece has none.
    const line = index < last && raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") break;
    if (Buffer.byteLength(line, "utf8") > MAX_LINE_BYTES)
      return invalid(`line ${index + 1} is longer than 64 KiB`);
    const eq = line.indexOf("=");
    if (eq === -1) return invalid(`line ${index + 1} has no "=" (expected key=value)`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);

    if (key.endsWith("[]")) {
      const name = key.slice(0, -2);
      // push, not a copy per line: copying made a 1 MiB request of "a[]=1" lines quadratic.
      const list = lists.get(name);
      if (value === "") lists.set(name, []);
      else if (list === undefined) lists.set(name, [value]);
      else list.push(value);
    } else if (key === "url") {
      const parsed = parseCredentialUrl(value);
      if (parsed.kind === "invalid") return invalid(`line ${index + 1}: ${parsed.reason}`);
      // git's credential_from_url starts with credential_clear, which also empties the lists.
      fields = { ...parsed.credential };
      lists.clear();
    } else {
      const attribute = attributeOfWireKey(key);
      if (attribute !== undefined) {
        const converted = convert(attribute.type, value);
        // git: an unparsable password_expiry_utc is "no expiry" (and ephemeral=0 not ephemeral),
        // even after a valid one.
        if (converted === undefined) delete fields[attribute.field];
        else (fields as Record<string, unknown>)[attribute.field] = converted;
      }
    }
    // Any other key is ignored, as git's own helpers do.
  }
  return { kind: "ok", request: { ...fields, lists: Object.fromEntries(lists) } };
}

function convert(type: AttributeType, value: string): string | Secret | number | boolean | undefined {
  if (type === "text") return value;
  if (type === "secret") return new Secret(value);
  if (type === "expiry") return parseExpiry(value);
  return parseFlag(value);
}

/**
 * git_config_bool: false, no, off, 0 and "" are false, kept as no field at all (what a false flag
 * serializes to); anything else counts as true here (git dies on a value it cannot read, and for
 * `ephemeral` true is the safe reading).
 */
function parseFlag(value: string): true | undefined {
  return /^(false|no|off|0*)$/i.test(value) ? undefined : true;
}

/** Unix seconds to ms; git treats 0 and unparsable values as "no expiry". */
function parseExpiry(value: string): number | undefined {
  if (!/^\d{1,12}$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds === 0 ? undefined : seconds * 1000;
}

function invalid(reason: string): ParseResult {
  return { kind: "invalid", reason };
}
