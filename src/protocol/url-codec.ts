// Percent-encoding as git's credential-store writes it (strbuf_addstr_urlencode) and
// reads it back (url_decode_mem: no '+' decoding, a malformed %XX is kept as is).

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const RESERVED_OR_UNRESERVED = /[A-Za-z0-9\-_.~!*'();:@&=+$,/?#[\]]/;

function encodeWith(value: string, keep: RegExp): string {
  let out = "";
  for (const char of value) {
    if (keep.test(char)) {
      out += char;
    } else {
      for (const byte of Buffer.from(char, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/** Encodes a username or password: only RFC 3986 unreserved characters stay literal. */
export function encodeUserinfo(value: string): string {
  return encodeWith(value, UNRESERVED);
}

/** Encodes a path: reserved and unreserved characters stay literal (slashes survive). */
export function encodePath(value: string): string {
  return encodeWith(value, RESERVED_OR_UNRESERVED);
}

/** Decodes %XX escapes; returns undefined when the bytes are not valid UTF-8. */
export function percentDecode(value: string): string | undefined {
  if (!value.includes("%")) return value;
  // split() with a capturing group puts each %XX escape at an odd index. The text between
  // escapes is encoded whole, never one UTF-16 unit at a time (half a surrogate pair would become U+FFFD).
  const chunks = value
    .split(/(%[0-9A-Fa-f]{2})/)
    .map((part, index) =>
      index % 2 === 1 ? Buffer.from([Number.parseInt(part.slice(1), 16)]) : Buffer.from(part, "utf8"),
    );
  return decodeUtf8(Buffer.concat(chunks));
}

/**
 * Strict UTF-8: undefined when the bytes are not valid. A leading U+FEFF is kept as part of the
 * text, as git keeps it (the first key of a request, a percent-encoded value, a file's first line).
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
