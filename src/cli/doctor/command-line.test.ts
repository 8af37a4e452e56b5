// How doctor quotes the words of the fix commands it shows.
import { describe, expect, it } from "vitest";
import { quoteArg } from "./command-line.js";

describe("quoteArg", () => {
  it.each([
    ["https://github.com/acme/app.git", "https://github.com/acme/app.git"],
    ["url.git@github.com:.insteadOf", "url.git@github.com:.insteadOf"],
    ["my dir", "'my dir'"],
    ["it's", `'it'\\''s'`],
  ])("%s → %s", (word, want) => {
    expect(quoteArg(word)).toBe(want);
  });
});
