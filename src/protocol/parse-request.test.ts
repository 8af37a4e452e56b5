import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { recordOutput } from "../../test/helpers/canary-guard.js";
import { Secret } from "../secret.js";
import { MAX_LINE_BYTES, MAX_REQUEST_BYTES, type ParseResult, parseRequest } from "./parse-request.js";

/** The result with secrets revealed, so toStrictEqual compares their values (a Secret has no own fields). */
function plain(result: ParseResult) {
  if (result.kind === "invalid") return result;
  const request = Object.fromEntries(
    Object.entries(result.request).map(([key, value]) => [
      key,
      value instanceof Secret ? value.reveal() : value,
    ]),
  );
  return { kind: "ok", request };
}

const TOKEN = CANARY.classic;

describe("parseRequest: well-formed requests", () => {
  const cases: Array<{ name: string; input: string; want: Record<string, unknown> }> = [
    {
      name: "reads protocol, host, path, username and password",
      input: `protocol=https\nhost=github.com\npath=acme/app.git\nusername=alice\npassword=${TOKEN}\n`,
      want: {
        protocol: "https",
        host: "github.com",
        path: "acme/app.git",
        username: "alice",
        password: TOKEN,
        lists: {},
      },
    },
    { name: "returns no fields for empty input", input: "", want: { lists: {} } },
    { name: "returns no fields for a lone blank line", input: "\n", want: { lists: {} } },
    {
      name: "stops at the first blank line and ignores the lines after it",
      input: "protocol=https\nhost=github.com\n\nhost=evil.example\nno equals sign here\n",
      want: { protocol: "https", host: "github.com", lists: {} },
    },
    {
      name: "treats a CRLF blank line as the end of the request",
      input: "protocol=https\r\n\r\nhost=evil.example\r\n",
      want: { protocol: "https", lists: {} },
    },
    {
      name: "strips the CR of CRLF line endings",
      input: `protocol=https\r\nhost=github.com\r\npassword=${TOKEN}\r\n`,
      want: { protocol: "https", host: "github.com", password: TOKEN, lists: {} },
    },
    {
      name: "reads a whole Git for Windows request (CRLF on every line, lists too) as the LF one",
      input:
        'capability[]=authtype\r\nprotocol=https\r\nhost=github.com\r\nwwwauth[]=Basic realm="GitHub"\r\n\r\n',
      want: {
        protocol: "https",
        host: "github.com",
        lists: { capability: ["authtype"], wwwauth: ['Basic realm="GitHub"'] },
      },
    },
    {
      name: "strips one trailing CR only",
      input: "host=github.com\r\r\n",
      want: { host: "github.com\r", lists: {} },
    },
    {
      name: "keeps a lone CR inside the value (never a line break, CVE-2024-50338)",
      input: "protocol=https\nhost=github.com\rpassword=injected\n",
      want: { protocol: "https", host: "github.com\rpassword=injected", lists: {} },
    },
    {
      name: "a line of only CR ends the request like a blank line",
      input: "host=github.com\n\r\nusername=late\n",
      want: { host: "github.com", lists: {} },
    },
    {
      // git's strbuf_getline drops a CR only before the LF it strips: at the end of input without
      // one, the CR stays in the value (and git 2.39.5 refuses it: "contains carriage return").
      name: "keeps a CR at the very end of input, where no LF follows it (git's strbuf_getline)",
      input: `protocol=https\nhost=github.com\nusername=u\npassword=${TOKEN}\r`,
      want: { protocol: "https", host: "github.com", username: "u", password: `${TOKEN}\r`, lists: {} },
    },
    {
      name: "parses a truncated last line without a newline",
      input: "protocol=https\nhost=github.com",
      want: { protocol: "https", host: "github.com", lists: {} },
    },
    {
      name: "ignores unknown keys",
      input: "protocol=https\nfoo=bar\ncontinue=1\nquit=0\nhost=github.com\n",
      want: { protocol: "https", host: "github.com", lists: {} },
    },
    {
      name: "reads git 2.46's authtype and credential, and oauth_refresh_token",
      input: `authtype=Bearer\ncredential=${TOKEN}\noauth_refresh_token=refresh-1\n`,
      want: { authtype: "Bearer", authCredential: TOKEN, oauthRefreshToken: "refresh-1", lists: {} },
    },
    {
      name: "reads ephemeral as a git boolean",
      input: "ephemeral=1\n",
      want: { isEphemeral: true, lists: {} },
    },
    ...["0", "false", "No", "off", "", "00"].map((value) => ({
      name: `ephemeral=${value} is false, and clears an ephemeral=1 before it`,
      input: `ephemeral=1\nephemeral=${value}\n`,
      want: { lists: {} },
    })),
    ...["true", "yes", "on", "2", "maybe"].map((value) => ({
      name: `ephemeral=${value} is true (git reads any other value as true or dies)`,
      input: `ephemeral=${value}\n`,
      want: { isEphemeral: true, lists: {} },
    })),
    {
      name: "keys are case-sensitive: Host= and PASSWORD= are ignored",
      input: "Host=evil.example\nhost=github.com\nPASSWORD=nope\nUsername=mallory\n",
      want: { host: "github.com", lists: {} },
    },
    {
      name: "a byte order mark is part of the first key, as for git",
      input: "\uFEFFprotocol=https\nhost=github.com\n",
      want: { host: "github.com", lists: {} },
    },
    {
      name: "ignores a line with an empty key",
      input: "=value\nhost=github.com\n",
      want: { host: "github.com", lists: {} },
    },
    {
      name: "a later line overrides an earlier one",
      input: "host=evil.example\nhost=github.com\nusername=a\nusername=b\n",
      want: { host: "github.com", username: "b", lists: {} },
    },
    {
      name: "keeps everything after the first = in the value",
      input: "password=a=b==\nhost= github.com \n",
      want: { password: "a=b==", host: " github.com ", lists: {} },
    },
    {
      name: "an empty username= and password= are values, not absent",
      input: "username=\npassword=\n",
      want: { username: "", password: "", lists: {} },
    },
    {
      name: "collects key[] values in order",
      input: 'wwwauth[]=Basic realm="GitHub"\ncapability[]=authtype\nwwwauth[]=Bearer\n',
      want: { lists: { wwwauth: ['Basic realm="GitHub"', "Bearer"], capability: ["authtype"] } },
    },
    {
      name: "an empty key[]= resets the list",
      input: "wwwauth[]=a\nwwwauth[]=\nwwwauth[]=b\ncapability[]=state\ncapability[]=\n",
      want: { lists: { wwwauth: ["b"], capability: [] } },
    },
    {
      name: "password_expiry_utc converts seconds to ms",
      input: "password_expiry_utc=1700000000\n",
      want: { passwordExpiresAtMs: 1_700_000_000_000, lists: {} },
    },
    {
      name: "password_expiry_utc accepts leading zeros",
      input: "password_expiry_utc=000000000042\n",
      want: { passwordExpiresAtMs: 42_000, lists: {} },
    },
    {
      name: "password_expiry_utc=0 means no expiry",
      input: "password_expiry_utc=0\n",
      want: { lists: {} },
    },
    {
      name: "a non-numeric password_expiry_utc means no expiry",
      input: "password_expiry_utc=soon\n",
      want: { lists: {} },
    },
    {
      name: "a negative or fractional password_expiry_utc means no expiry",
      input: "password_expiry_utc=-5\nhost=a\npassword_expiry_utc=1.5\n",
      want: { host: "a", lists: {} },
    },
    {
      name: "a password_expiry_utc of 13 digits means no expiry",
      input: "password_expiry_utc=1700000000000\n",
      want: { lists: {} },
    },
    {
      name: "an unparsable password_expiry_utc clears an expiry given before it",
      input: "password_expiry_utc=1700000000\npassword_expiry_utc=\n",
      want: { lists: {} },
    },
    {
      name: "url= fills protocol, host, path, username and password",
      input: `url=https://alice:${TOKEN}@github.com:8443/acme/app.git/\n`,
      want: {
        protocol: "https",
        host: "github.com:8443",
        path: "acme/app.git",
        username: "alice",
        password: TOKEN,
        lists: {},
      },
    },
    {
      name: "url= decodes percent-encoded username and password",
      input: "url=https://a%40b:p%3Aw%2F%25@github.com\n",
      want: { protocol: "https", host: "github.com", username: "a@b", password: "p:w/%", lists: {} },
    },
    {
      name: "url= resets fields given before it, lists included",
      input:
        "username=bob\npassword=old\npath=x\npassword_expiry_utc=1700000000\nwwwauth[]=Basic\nurl=https://github.com\n",
      want: { protocol: "https", host: "github.com", lists: {} },
    },
    {
      name: "lines after url= override its fields",
      input: "url=https://alice@github.com/acme\nusername=bob\nwwwauth[]=Basic\n",
      want: {
        protocol: "https",
        host: "github.com",
        path: "acme",
        username: "bob",
        lists: { wwwauth: ["Basic"] },
      },
    },
    {
      name: "accepts a line of exactly 64 KiB",
      input: `path=${"a".repeat(MAX_LINE_BYTES - 5)}\n`,
      want: { path: "a".repeat(MAX_LINE_BYTES - 5), lists: {} },
    },
    {
      name: "does not count the stripped CR in the line length",
      input: `path=${"a".repeat(MAX_LINE_BYTES - 5)}\r\n`,
      want: { path: "a".repeat(MAX_LINE_BYTES - 5), lists: {} },
    },
    {
      name: "accepts a request of exactly 1 MiB",
      input: `host=github.com\n${"x=y\n".repeat((MAX_REQUEST_BYTES - 16) / 4)}`,
      want: { host: "github.com", lists: {} },
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(plain(parseRequest(input))).toStrictEqual({ kind: "ok", request: want });
    // The same text as bytes, which is what the helper reads from stdin.
    expect(plain(parseRequest(Buffer.from(input, "utf8")))).toStrictEqual({ kind: "ok", request: want });
  });

  // Checked field by field: toStrictEqual compares .constructor, which is a list here.
  it("collects lists named like Object.prototype members as plain lists", () => {
    const result = parseRequest(
      "constructor[]=a\n__proto__[]=b\ntoString[]=c\ntoString[]=d\nhasOwnProperty[]=\n",
    );
    if (result.kind !== "ok") throw new Error(result.reason);
    const { lists } = result.request;
    expect(Object.getPrototypeOf(lists)).toBe(Object.prototype);
    expect(Object.entries(lists)).toStrictEqual([
      ["constructor", ["a"]],
      ["__proto__", ["b"]],
      ["toString", ["c", "d"]],
      ["hasOwnProperty", []],
    ]);
    expect(({} as Record<string, unknown>).b).toBeUndefined();
  });

  it("reads a 1 MiB request of list lines in linear time", { timeout: 5_000 }, () => {
    const count = Math.floor(MAX_REQUEST_BYTES / 6);
    const result = parseRequest("a[]=1\n".repeat(count));
    if (result.kind !== "ok") throw new Error(result.reason);
    expect(result.request.lists.a).toHaveLength(count);
  });

  it("reads url= lines with long runs of slashes in linear time", { timeout: 5_000 }, () => {
    const line = `url=https://github.com/a${"/".repeat(60_000)}b\n`;
    const result = parseRequest(line.repeat(15));
    if (result.kind !== "ok") throw new Error(result.reason);
    expect(result.request.path).toBe(`a${"/".repeat(60_000)}b`);
  });
});

describe("parseRequest: malformed requests", () => {
  const cases: Array<{ name: string; input: string | Uint8Array; want: string }> = [
    {
      name: "a line without = invalidates the whole request",
      input: `protocol=https\nhost=github.com\n${TOKEN}\n`,
      want: 'line 3 has no "=" (expected key=value)',
    },
    {
      name: "a truncated last line without = invalidates the request",
      input: `protocol=https\n${TOKEN}`,
      want: 'line 2 has no "=" (expected key=value)',
    },
    {
      name: "a NUL byte inside a value invalidates the request",
      input: `protocol=https\npassword=${TOKEN}\0\n`,
      want: "request contains a NUL byte",
    },
    {
      name: "a NUL byte after the blank line still invalidates the request",
      input: `host=github.com\n\n${TOKEN}\0\n`,
      want: "request contains a NUL byte",
    },
    {
      name: "invalid UTF-8 invalidates the request",
      input: Buffer.concat([Buffer.from(`password=${TOKEN}`), Buffer.from([0xff, 0xfe, 0x0a])]),
      want: "request is not valid UTF-8",
    },
    {
      name: "an overlong UTF-8 encoding invalidates the request",
      input: Buffer.concat([Buffer.from("path=a"), Buffer.from([0xc0, 0xaf]), Buffer.from("\n")]),
      want: "request is not valid UTF-8",
    },
    {
      name: "an encoded UTF-16 surrogate invalidates the request",
      input: Buffer.concat([Buffer.from("username="), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("\n")]),
      want: "request is not valid UTF-8",
    },
    {
      name: "a truncated multibyte character at the end invalidates the request",
      input: Buffer.concat([Buffer.from("host=github.com\nusername=caf"), Buffer.from([0xc3])]),
      want: "request is not valid UTF-8",
    },
    {
      name: "refuses a line over 64 KiB",
      input: `host=github.com\npassword=${TOKEN}${"a".repeat(MAX_LINE_BYTES)}\n`,
      want: "line 2 is longer than 64 KiB",
    },
    {
      name: "refuses a line one byte over 64 KiB",
      input: `path=${"a".repeat(MAX_LINE_BYTES - 4)}\n`,
      want: "line 1 is longer than 64 KiB",
    },
    {
      name: "counts a line's length in bytes, not characters",
      input: `path=${"é".repeat(MAX_LINE_BYTES / 2 - 2)}\n`,
      want: "line 1 is longer than 64 KiB",
    },
    {
      name: "refuses a request over 1 MiB",
      input: `host=github.com\n${"x=y\n".repeat((MAX_REQUEST_BYTES - 16) / 4)}z`,
      want: "request is larger than 1 MiB",
    },
    {
      name: "refuses a request over 1 MiB even when the blank line comes first",
      input: `host=github.com\n\n${"x".repeat(MAX_REQUEST_BYTES)}`,
      want: "request is larger than 1 MiB",
    },
    {
      name: "url= without a scheme invalidates the request",
      input: `host=github.com\nurl=alice:${TOKEN}@github.com/acme\n`,
      want: "line 2: url has no scheme (expected proto://host/path)",
    },
    {
      name: "url= with a percent-encoded newline invalidates the request (CVE-2020-5260)",
      input: `url=https://alice:${TOKEN}%0ahost=evil.example@github.com\n`,
      want: "line 1: url contains a control character in its password",
    },
    {
      name: "url= that decodes to invalid UTF-8 invalidates the request",
      input: `url=https://github.com/${TOKEN}%ff\n`,
      want: "line 1: url path is not valid UTF-8",
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    const result = parseRequest(input);
    expect(result).toStrictEqual({ kind: "invalid", reason: want });
  });

  it.each(cases)("never quotes the input in the reason: $name", ({ input }) => {
    const result = parseRequest(input);
    if (result.kind !== "invalid") throw new Error("expected an invalid request");
    recordOutput("parseRequest reason", result.reason);
    expect(result.reason).not.toContain(TOKEN);
    expect(result.reason).not.toContain("CANARY");
  });
});
