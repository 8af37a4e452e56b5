import { describe, expect, it } from "vitest";
import { encodePath, encodeUserinfo, percentDecode } from "./url-codec.js";

describe("encodeUserinfo", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    { name: "keeps RFC 3986 unreserved characters", input: "AZaz09-_.~", want: "AZaz09-_.~" },
    { name: "keeps an empty value empty", input: "", want: "" },
    {
      name: "encodes the characters that delimit userinfo",
      input: "a@b:c/d%e+f?g#h",
      want: "a%40b%3Ac%2Fd%25e%2Bf%3Fg%23h",
    },
    { name: "encodes a space as %20, not +", input: "a b", want: "a%20b" },
    {
      name: "encodes multibyte characters byte by byte in upper-case hex",
      input: "é😀",
      want: "%C3%A9%F0%9F%98%80",
    },
    { name: "encodes control characters", input: "\r\n\0\x7f", want: "%0D%0A%00%7F" },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(encodeUserinfo(input)).toBe(want);
  });
});

describe("encodePath", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    {
      name: "keeps slashes, reserved and unreserved characters",
      input: "acme/app.git;v=1?x=a&b=c#frag@h:1!*'()$,[]~",
      want: "acme/app.git;v=1?x=a&b=c#frag@h:1!*'()$,[]~",
    },
    {
      name: "encodes a space, a percent sign and non-ASCII",
      input: "my app/100%/é",
      want: "my%20app/100%25/%C3%A9",
    },
    { name: "encodes control characters", input: "a\nb\rc\0", want: "a%0Ab%0Dc%00" },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(encodePath(input)).toBe(want);
  });
});

describe("percentDecode", () => {
  const cases: Array<{ name: string; input: string; want: string | undefined }> = [
    { name: "returns text without % unchanged", input: "a+b é😀", want: "a+b é😀" },
    { name: "decodes upper- and lower-case hex", input: "%3a%3A%2f", want: "::/" },
    { name: "does not decode + as a space", input: "a+b%20c", want: "a+b c" },
    { name: "decodes a multibyte sequence", input: "caf%C3%A9", want: "café" },
    { name: "keeps a % at the end", input: "100%", want: "100%" },
    { name: "keeps a % followed by one hex digit", input: "%4", want: "%4" },
    { name: "keeps a % followed by non-hex characters", input: "%zz%g1", want: "%zz%g1" },
    { name: "decodes the escape after a lone %", input: "%%41", want: "%A" },
    { name: "does not decode twice", input: "%2541", want: "%41" },
    { name: "keeps raw characters outside the BMP next to escapes", input: "😀%20😀", want: "😀 😀" },
    { name: "keeps a leading byte order mark", input: "%EF%BB%BFx", want: "\uFEFFx" },
    { name: "decodes control characters (the caller refuses them)", input: "%0D%0A%00", want: "\r\n\0" },
    { name: "gives undefined for a byte that is never UTF-8", input: "a%FFb", want: undefined },
    { name: "gives undefined for a truncated sequence", input: "caf%C3", want: undefined },
    { name: "gives undefined for a bad continuation byte", input: "%C3%28", want: undefined },
    { name: "gives undefined for an overlong encoding", input: "%C0%AF", want: undefined },
    { name: "gives undefined for an encoded surrogate", input: "%ED%A0%80", want: undefined },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(percentDecode(input)).toBe(want);
  });
});
