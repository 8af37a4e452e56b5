import { describe, expect, it } from "vitest";
import { removeConfigSections, type SectionFilter } from "./remove-config-sections.js";

const TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const tokenUrl: SectionFilter = (name, sub) => name === "url" && sub?.includes("ghp_") === true;

const remove = (text: string, filter: SectionFilter = tokenUrl) => {
  const result = removeConfigSections(Buffer.from(text, "utf8"), filter);
  return result.kind === "ok" ? { text: result.bytes.toString("utf8"), removed: result.removed } : result;
};

describe("removeConfigSections", () => {
  it.each([
    {
      name: "removes a section and its variables, leaving the rest byte for byte",
      input: `[core]\n\tbare = false\n[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = https://github.com/\n[user]\n\tname = A\n`,
      want: "[core]\n\tbare = false\n[user]\n\tname = A\n",
      removed: 1,
    },
    {
      name: "removes insteadOf and pushInsteadOf of the same section",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = https://github.com/\n\tpushInsteadOf = git@github.com:\n`,
      want: "",
      removed: 1,
    },
    {
      name: "removes every occurrence of a repeated section header",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = a\n[core]\n\tx = 1\n[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = b\n`,
      want: "[core]\n\tx = 1\n",
      removed: 2,
    },
    {
      name: "leaves a url section without a token alone",
      input: `[url "git@github.com:"]\n\tinsteadOf = https://github.com/\n[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = https://github.com/\n`,
      want: '[url "git@github.com:"]\n\tinsteadOf = https://github.com/\n',
      removed: 1,
    },
    {
      name: "keeps comments and blank lines after the section's last variable",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = x\n\n# the user\n[user]\n\tname = A\n`,
      want: "\n# the user\n[user]\n\tname = A\n",
      removed: 1,
    },
    {
      name: "removes comments inside the section, as git --remove-section does",
      input: `[url "https://${TOKEN}@github.com/"]\n# why\n\tinsteadOf = x\n[user]\n`,
      want: "[user]\n",
      removed: 1,
    },
    {
      name: "removes a header with a comment after it and a variable on the same line",
      input: `  [url "https://${TOKEN}@github.com/"] insteadOf = x ; note\n[user]\n`,
      want: "[user]\n",
      removed: 1,
    },
    {
      name: "removes a value continued over several lines",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = https://git\\\nhub.com/\n[user]\n`,
      want: "[user]\n",
      removed: 1,
    },
    {
      name: "does not take a [ inside a continued value for a header",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = a\\\n[user]\n[core]\n`,
      want: "[core]\n",
      removed: 1,
    },
    {
      name: "does not continue a line whose backslash is inside a comment",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = a ; c\\\n[user]\n`,
      want: "[user]\n",
      removed: 1,
    },
    {
      name: "reads a quoted value holding ; and #",
      input: `[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = "a;b#c"\n[user]\n`,
      want: "[user]\n",
      removed: 1,
    },
    {
      name: "keeps CRLF line ends elsewhere",
      input: `[core]\r\n\tx = 1\r\n[url "https://${TOKEN}@github.com/"]\r\n\tinsteadOf = a\r\n[user]\r\n`,
      want: "[core]\r\n\tx = 1\r\n[user]\r\n",
      removed: 1,
    },
    {
      name: "removes a last section without a final newline",
      input: `[core]\n\tx = 1\n[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = a`,
      want: "[core]\n\tx = 1\n",
      removed: 1,
    },
    {
      name: "reads an escaped quote in a subsection",
      input: `[url "https://${TOKEN}@h/\\"q\\""]\n\tinsteadOf = a\n`,
      want: "",
      removed: 1,
    },
    {
      name: "matches the section name whatever its case",
      input: `[URL "https://${TOKEN}@github.com/"]\n\tinsteadOf = a\n`,
      want: "",
      removed: 1,
    },
    {
      name: "skips a UTF-8 byte order mark and keeps it",
      input: `\ufeff[url "https://${TOKEN}@github.com/"]\n\tinsteadOf = a\n[user]\n`,
      want: "\ufeff[user]\n",
      removed: 1,
    },
    {
      name: "changes nothing when no section matches",
      input: "[core]\n\tx = 1 ; c\n[remote.origin]\n\turl = u\n",
      want: "[core]\n\tx = 1 ; c\n[remote.origin]\n\turl = u\n",
      removed: 0,
    },
    {
      name: "keeps bytes that are not UTF-8",
      input: `[user]\n\tname = \xe9\n[url "https://${TOKEN}@h/"]\n\tinsteadOf = a\n`,
      want: "[user]\n\tname = \xe9\n",
      removed: 1,
    },
  ])("$name", ({ input, want, removed }) => {
    const bytes = Buffer.from(input, input.includes("\xe9") ? "latin1" : "utf8");
    const result = removeConfigSections(bytes, tokenUrl);
    expect(result.kind).toBe("ok");
    if (result.kind !== "ok") return;
    expect(result.bytes.toString(input.includes("\xe9") ? "latin1" : "utf8")).toBe(want);
    expect(result.removed).toBe(removed);
  });

  it.each([
    {
      name: "refuses a section that shares its line with the one before",
      input: `[core] [url "https://${TOKEN}@github.com/"]\n\tinsteadOf = a\n`,
    },
    {
      name: "refuses a section that shares its line with the one after",
      input: `[url "https://${TOKEN}@github.com/"] [core]\n\tx = 1\n`,
    },
    { name: "refuses an unterminated quote", input: '[core]\n\tx = "a\n' },
    { name: "refuses an unknown escape", input: "[core]\n\tx = a\\q\n" },
    { name: "refuses an unterminated header", input: "[core\n" },
    { name: "refuses a line that is neither a header nor a variable", input: "[core]\n\t=x\n" },
  ])("$name", ({ input }) => {
    expect(remove(input)).toMatchObject({ kind: "unreadable" });
  });
});
