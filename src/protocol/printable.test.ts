import { describe, expect, it } from "vitest";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { printable, shownName } from "./printable.js";

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

describe("shownName", () => {
  it.each([
    { name: "keeps a login", input: "Alice-Work", want: "Alice-Work" },
    {
      name: "keeps an e-mail address (Bitbucket's usernames)",
      input: "alice@example.com",
      want: "alice@example.com",
    },
    { name: "makes escape sequences printable", input: "\x1b]0;owned\x07alice", want: "?]0;owned?alice" },
  ])("$name", ({ input, want }) => {
    expect(shownName(input)).toBe(want);
  });

  it.each([
    { name: "a classic token", input: CANARY.classic, prefix: "ghp_… (fp " },
    { name: "a fine-grained token", input: CANARY.fineGrained, prefix: "github_pat_… (fp " },
    { name: "40 hex digits (a classic token before 2021)", input: CANARY.hex40, prefix: "… (fp " },
  ])("describes $name used as a username, never shows it", ({ input, prefix }) => {
    const shown = shownName(input);
    expect(shown.startsWith(prefix)).toBe(true);
    expect(shown).toMatch(/\(fp [0-9a-f]{8}\)$/);
    expect(findCanaries(shown)).toEqual([]);
  });
});
