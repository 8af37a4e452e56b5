import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, makeConfigPatch, revertConfigPatch, sha256 } from "./setup-patch.js";

const bytes = (text: string) => Buffer.from(text, "latin1");

describe("diffLines", () => {
  it.each([
    { name: "finds nothing between equal files", a: ["a\n", "b\n"], b: ["a\n", "b\n"], want: [] },
    {
      name: "keeps an appended section as one hunk at the end",
      a: ["[user]\n", "\tname = X\n"],
      b: ["[user]\n", "\tname = X\n", '[credential "https://github.com"]\n', "\thelper = \n"],
      want: [{ at: 2, before: [], after: ['[credential "https://github.com"]\n', "\thelper = \n"] }],
    },
    {
      name: "keeps a replaced value as the old line and the new line",
      a: ["[c]\n", "\thelper = manager\n", "[u]\n"],
      b: ["[c]\n", "\thelper = \n", "\thelper = pat\n", "[u]\n"],
      want: [{ at: 1, before: ["\thelper = manager\n"], after: ["\thelper = \n", "\thelper = pat\n"] }],
    },
    {
      name: "keeps two separate insertions as two hunks, not the lines between them",
      a: ["a\n", "b\n", "c\n", "d\n"],
      b: ["a\n", "x\n", "b\n", "c\n", "d\n", "y\n"],
      want: [
        { at: 1, before: [], after: ["x\n"] },
        { at: 5, before: [], after: ["y\n"] },
      ],
    },
  ])("$name", ({ a, b, want }) => {
    expect(diffLines(a, b)).toEqual(want);
  });
});

describe("revertConfigPatch", () => {
  it("gives back the bytes before, including a missing final newline and non-UTF-8 bytes", () => {
    const before = Buffer.concat([
      bytes("[user]\n\tname = J"),
      Buffer.from([0xe9, 0xff]),
      bytes("\n[x]\n\ty = 1"),
    ]);
    const after = Buffer.concat([before, bytes('\n[credential "https://github.com"]\n\thelper = \n')]);
    const patch = makeConfigPatch(before, after);
    expect(revertConfigPatch(after, patch)).toEqual({ absent: false, bytes: before });
  });

  it("says the file was absent when setup created it", () => {
    const after = bytes('[credential "https://github.com"]\n\thelper = \n\thelper = pat\n');
    expect(revertConfigPatch(after, makeConfigPatch(undefined, after))).toEqual({ absent: true });
  });

  it("tells an empty file from no file", () => {
    const after = bytes("[c]\n\thelper = pat\n");
    expect(revertConfigPatch(after, makeConfigPatch(Buffer.alloc(0), after))).toEqual({
      absent: false,
      bytes: Buffer.alloc(0),
    });
  });

  it("refuses a file edited after setup", () => {
    const before = bytes("[user]\n\tname = X\n");
    const after = bytes("[user]\n\tname = X\n[c]\n\thelper = pat\n");
    const patch = makeConfigPatch(before, after);
    expect(revertConfigPatch(bytes("[user]\n\tname = Y\n[c]\n\thelper = pat\n"), patch)).toBeUndefined();
  });

  it("refuses a patch whose hunks do not give the recorded file back", () => {
    const after = bytes("a\nb\n");
    const patch = { beforeSha256: sha256(bytes("a\n")), afterSha256: sha256(after), hunks: [] };
    expect(revertConfigPatch(after, patch)).toBeUndefined();
  });

  it("reverts any edit of any file (property)", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "[credential]\n",
        "\thelper = \n",
        "\thelper = pat\n",
        "[user]\n",
        "\tname = X\n",
        "\n",
      ),
      fc.string({ unit: "binary", maxLength: 6 }).map((text) => `${text}\n`),
    );
    const file = fc
      .array(line, { maxLength: 12 })
      .chain((lines) =>
        fc.tuple(fc.constant(lines), fc.boolean(), fc.string({ unit: "binary", maxLength: 4 })),
      );
    fc.assert(
      fc.property(file, file, ([a, aCut, aTail], [b, bCut, bTail]) => {
        const before = Buffer.from(a.join("") + (aCut ? aTail : ""), "latin1");
        const after = Buffer.from(b.join("") + (bCut ? bTail : ""), "latin1");
        expect(revertConfigPatch(after, makeConfigPatch(before, after))).toEqual({
          absent: false,
          bytes: before,
        });
      }),
    );
  });
});
