import { describe, expect, it } from "vitest";
import { printable } from "./printable.js";

describe("printable", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    { name: "keeps plain text", input: "github.com:8443/acme app.git", want: "github.com:8443/acme app.git" },
    { name: "keeps an empty string empty", input: "", want: "" },
    {
      name: "replaces the ESC of an ANSI escape sequence",
      input: "\x1b[2Kgithub.com",
      want: "?[2Kgithub.com",
    },
    { name: "replaces CR and LF", input: "evil\rgithub.com\n", want: "evil?github.com?" },
    { name: "replaces NUL, TAB and the other C0 controls", input: "\0\t\x1f", want: "???" },
    { name: "replaces DEL and the C1 controls", input: "\x7f\x80\x9b\x9f", want: "????" },
    { name: "keeps printable non-ASCII text", input: "\u00a0café 😀", want: "\u00a0café 😀" },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(printable(input)).toBe(want);
  });
});
