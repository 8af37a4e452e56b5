// Property tests for the wire format: bounded (numRuns) so the whole file stays well under 5 s.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PatError } from "../errors.js";
import { Secret } from "../secret.js";
// Through the barrel: these properties are about the layer's public API.
import {
  CREDENTIAL_FIELDS,
  type Credential,
  type CredentialField,
  encodePath,
  encodeUserinfo,
  findUnsafeField,
  MAX_LINE_BYTES,
  matchCredential,
  parseCredentialUrl,
  parseRequest,
  percentDecode,
  RESPONSE_FIELDS,
  serializeCredential,
  wireKeyOf,
} from "./index.js";

const WIRE_KEYS = Object.fromEntries(CREDENTIAL_FIELDS.map((field) => [field, wireKeyOf(field)])) as Record<
  CredentialField,
  string
>;

/** Every reason parseRequest may give; none has room for a piece of the input. */
const REASON =
  /^(request is larger than 1 MiB|request contains a NUL byte|request is not valid UTF-8|line \d+ is longer than 64 KiB|line \d+ has no "=" \(expected key=value\)|line \d+: url (has no scheme \(expected proto:\/\/host\/path\)|[a-z]+ is not valid UTF-8|contains a control character in its [a-z]+))$/;

/** A credential's fields as plain values (password revealed), for exact comparison. */
function fieldsOf(credential: Credential): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const field of CREDENTIAL_FIELDS) {
    const value = credential[field];
    if (value !== undefined) out[field] = value instanceof Secret ? value.reveal() : value;
  }
  return out;
}

// --- arbitraries ----------------------------------------------------------------------------

/** Text that stresses the framing: any code point, plus the characters the format gives meaning to. */
const wireText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 2 }) },
    {
      weight: 3,
      arbitrary: fc.constantFrom("=", "%", "%0A", "%0d", "%00", "%FF", "%41", "/", "@", ":", "?", "#"),
    },
    { weight: 1, arbitrary: fc.constantFrom("\r", "\n", "\0", "\r\n", "\uFEFF") },
  ),
  maxLength: 24,
});

/** Text a URL component may decode to: anything but CR, LF and NUL. */
const componentText = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 16 }),
    fc.string({
      unit: fc.constantFrom("a", "@", ":", "/", "%", "%41", "?", "#", "+", " ", "é", "😀"),
      maxLength: 10,
    }),
  )
  .filter((text) => !/[\r\n\0]/.test(text));

const urlCredential = fc.record({
  protocol: fc.stringMatching(/^[a-z][a-z0-9+.-]{0,8}$/),
  host: fc
    .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,15}$/), fc.option(fc.integer({ min: 1, max: 65_535 })))
    .map(([name, port]) => (port === null ? name : `${name}:${port}`)),
  path: fc.option(
    componentText.filter((path) => path !== "" && !path.startsWith("/") && !path.endsWith("/")),
    {
      nil: undefined,
    },
  ),
  userinfo: fc.oneof(
    fc.constant({}),
    fc.record({ username: componentText }),
    fc.record({ username: componentText, password: componentText }),
  ),
});

type UrlCredential = typeof urlCredential extends fc.Arbitrary<infer T> ? T : never;

/** proto://[user[:pass]@]host[/path], encoded the way git's credential-store writes it. */
function formatUrl({ protocol, host, path, userinfo }: UrlCredential): string {
  const { username, password } = userinfo as { username?: string; password?: string };
  const secret = password === undefined ? "" : `:${encodeUserinfo(password)}`;
  const user = username === undefined ? "" : `${encodeUserinfo(username)}${secret}@`;
  return `${protocol}://${user}${host}${path === undefined ? "" : `/${encodePath(path)}`}`;
}

function toCredential({ protocol, host, path, userinfo }: UrlCredential): Credential {
  const { username, password } = userinfo as { username?: string; password?: string };
  const credential: Credential = { protocol, host };
  if (path !== undefined) credential.path = path;
  if (username !== undefined) credential.username = username;
  if (password !== undefined) credential.password = new Secret(password);
  return credential;
}

const lineEnd = fc.constantFrom("\n", "\r\n", "\r\r\n");

/** Lines that parse: values may hold a CR (which serialising must refuse), never LF or NUL. */
const wellFormedLine = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "protocol",
          "host",
          "path",
          "username",
          "password",
          "wwwauth[]",
          "capability[]",
          "constructor[]",
          "__proto__[]",
          "Host",
          "x",
          "",
        ),
        wireText.map((value) => value.replace(/[\n\0]/g, "")),
        lineEnd,
      )
      .map(([key, value, end]) => `${key}=${value}${end}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.nat({ max: 4_000_000_000 }).map(String), fc.constantFrom("0", "", "soon", "-1", "1.5")),
        lineEnd,
      )
      .map(([value, end]) => `password_expiry_utc=${value}${end}`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(urlCredential, fc.constantFrom("\n", "\r\n"))
      .map(([url, end]) => `url=${formatUrl(url)}${end}`),
  },
);

/** Lines that may break the request: raw LF, NUL, no "=", a URL that is not one. */
const brokenLine = fc
  .tuple(fc.constantFrom("url=", "host=", "password=", ""), wireText, lineEnd)
  .map(([key, value, end]) => `${key}${value}${end}`);

function joinLines([lines, truncate]: [string[], boolean]): string {
  const text = lines.join("");
  return truncate ? text.replace(/\n$/, "") : text;
}

/** Requests that parse, truncated last line included: the input of the round-trip property. */
const wellFormedRequest = fc.tuple(fc.array(wellFormedLine, { maxLength: 10 }), fc.boolean()).map(joinLines);

/** Mostly well-formed requests with some broken lines mixed in. */
const requestText = fc
  .tuple(
    fc.array(fc.oneof({ weight: 6, arbitrary: wellFormedLine }, { weight: 1, arbitrary: brokenLine }), {
      maxLength: 10,
    }),
    fc.boolean(),
  )
  .map(joinLines);

/** Anything git (or something pretending to be git) could write on our stdin. */
const requestBytes = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 4, arbitrary: requestText.map((text) => Buffer.from(text, "utf8")) },
  {
    weight: 3,
    // Well-formed text with raw bytes spliced in: NUL, stray CR/LF, invalid UTF-8.
    arbitrary: fc
      .tuple(requestText, fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.nat())
      .map(([text, noise, at]) => {
        const bytes = Buffer.from(text, "utf8");
        const cut = at % (bytes.length + 1);
        return Buffer.concat([bytes.subarray(0, cut), noise, bytes.subarray(cut)]);
      }),
  },
  {
    weight: 1,
    // Lines around the 64 KiB bound.
    arbitrary: fc
      .tuple(
        fc.constantFrom("path", "url", "wwwauth[]", "x", ""),
        fc.integer({ min: MAX_LINE_BYTES - 16, max: MAX_LINE_BYTES + 16 }),
        fc.constantFrom("a", "/", "%", "é", "\r"),
      )
      .map(([key, length, char]) =>
        Buffer.from(`${key}=${"https://".repeat(key === "url" ? 1 : 0)}${char.repeat(length)}\n`),
      ),
  },
);

// --- properties -----------------------------------------------------------------------------

describe("wire format properties", () => {
  it("parseRequest never throws: any bytes are ok or invalid with a fixed reason", () => {
    fc.assert(
      fc.property(requestBytes, (bytes) => {
        const result = parseRequest(bytes);
        if (result.kind === "invalid") expect(result.reason).toMatch(REASON);
        else expect(result.kind).toBe("ok");
      }),
      { numRuns: 400 },
    );
  });

  it("a parsed request serialises to text that parses back to the same fields, and nothing more", () => {
    fc.assert(
      fc.property(wellFormedRequest, (text) => {
        const result = parseRequest(text);
        fc.pre(result.kind === "ok");
        if (result.kind !== "ok") return;
        const request = result.request;
        const fields = fieldsOf(request);
        const written = CREDENTIAL_FIELDS.filter((field) => fields[field] !== undefined);
        const framingBreaker = Object.values(fields).some((value) => /[\r\n\0]/.test(String(value)));
        expect(findUnsafeField(request) !== undefined).toBe(framingBreaker);

        let out: string;
        try {
          out = serializeCredential(request, CREDENTIAL_FIELDS);
        } catch (error) {
          expect(error).toBeInstanceOf(PatError);
          expect(framingBreaker).toBe(true);
          return;
        }
        expect(framingBreaker).toBe(false);
        // One line per field we hold, under its own key: no smuggled url=, password= or blank line.
        const keys = out
          .split("\n")
          .slice(0, -1)
          .map((line) => line.slice(0, line.indexOf("=")));
        expect(keys).toStrictEqual(written.map((field) => WIRE_KEYS[field]));
        const again = parseRequest(out);
        expect(again.kind).toBe("ok");
        if (again.kind !== "ok") return;
        expect(fieldsOf(again.request)).toStrictEqual(fields);
        expect(again.request.lists).toStrictEqual({});

        // The reply to git carries only what we add.
        const reply = serializeCredential(request);
        const replyKeys = reply
          .split("\n")
          .slice(0, -1)
          .map((line) => line.slice(0, line.indexOf("=")));
        expect(replyKeys).toStrictEqual(
          RESPONSE_FIELDS.filter((field) => fields[field] !== undefined).map((field) => WIRE_KEYS[field]),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("percentDecode inverts encodeUserinfo and encodePath for any unicode string", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: "grapheme", maxLength: 20 }),
    );
    fc.assert(
      fc.property(text, (value) => {
        const userinfo = encodeUserinfo(value);
        expect(userinfo).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
        expect(percentDecode(userinfo)).toBe(value);
        expect(percentDecode(encodePath(value))).toBe(value);
        if (!value.includes("%")) expect(percentDecode(value)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it("a credential formatted as a URL parses back to the same credential", () => {
    fc.assert(
      fc.property(urlCredential, (input) => {
        const parsed = parseCredentialUrl(formatUrl(input));
        expect(parsed.kind).toBe("ok");
        if (parsed.kind !== "ok") return;
        expect(fieldsOf(parsed.credential)).toStrictEqual(fieldsOf(toCredential(input)));
      }),
      { numRuns: 400 },
    );
  });

  it("matchCredential: an empty pattern matches everything and a credential matches itself", () => {
    const everyFieldUndefined: Credential = {
      protocol: undefined,
      host: undefined,
      path: undefined,
      username: undefined,
      password: undefined,
      passwordExpiresAtMs: undefined,
    };
    fc.assert(
      fc.property(urlCredential, fc.option(fc.nat(), { nil: undefined }), (input, expiry) => {
        const entry = { ...toCredential(input), passwordExpiresAtMs: expiry };
        for (const matchPassword of [false, true]) {
          expect(matchCredential(everyFieldUndefined, entry, { matchPassword })).toBe(true);
          expect(matchCredential({}, entry, { matchPassword })).toBe(true);
          expect(matchCredential(entry, entry, { matchPassword })).toBe(true);
        }
        // Same value in another Secret instance: still the same credential.
        const copy = { ...entry, password: entry.password && new Secret(entry.password.reveal()) };
        expect(matchCredential(copy, entry, { matchPassword: true })).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("matchCredential: changing one field the pattern carries breaks the match", () => {
    const field = fc.constantFrom("protocol", "host", "path", "username", "password");
    fc.assert(
      fc.property(urlCredential, field, (input, which) => {
        const entry = toCredential(input);
        const pattern: Credential = { ...entry };
        if (which === "password") pattern.password = new Secret(`${entry.password?.reveal() ?? ""}x`);
        else pattern[which] = `${entry[which] ?? ""}x`;
        expect(matchCredential(pattern, entry, { matchPassword: true })).toBe(false);
        expect(matchCredential(pattern, entry)).toBe(which === "password");
      }),
      { numRuns: 300 },
    );
  });
});
