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
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(value[i] ?? "", "utf8"));
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
