import { format, inspect } from "node:util";
import { expect, describe as group, it } from "vitest";
import { CANARY } from "../test/helpers/canary.js";
import { recordOutput } from "../test/helpers/canary-guard.js";
import {
  describe,
  fingerprint,
  looksLikeToken,
  Secret,
  scrub,
  sha256Hex,
  type TokenKind,
  tokenKind,
} from "./secret.js";

const MASK = "********";

group("Secret", () => {
  const secret = new Secret(CANARY.classic);

  const renderings: Array<{ name: string; input: (s: Secret) => string; want: string }> = [
    { name: "String() masks it", input: (s) => String(s), want: MASK },
    { name: "a template literal masks it", input: (s) => `token=${s}`, want: `token=${MASK}` },
    { name: "toString() masks it", input: (s) => s.toString(), want: MASK },
    // biome-ignore lint/style/useTemplate: concatenation is the behaviour under test.
    { name: "+ with a string masks it", input: (s) => "token=" + s, want: `token=${MASK}` },
    { name: "JSON.stringify masks it", input: (s) => JSON.stringify(s), want: `"${MASK}"` },
    {
      name: "JSON.stringify masks it inside an object",
      input: (s) => JSON.stringify({ username: "alice", password: s }),
      want: `{"username":"alice","password":"${MASK}"}`,
    },
    { name: "util.inspect masks it", input: (s) => inspect(s), want: `Secret(${MASK})` },
    {
      name: "util.inspect masks it inside an object, even with showHidden",
      input: (s) => inspect({ password: s }, { showHidden: true, depth: 5 }),
      want: `{ password: Secret(${MASK}) }`,
    },
    { name: "util.format %s masks it", input: (s) => format("%s", s), want: MASK },
    { name: "util.format %o masks it", input: (s) => format("%o", { s }), want: `{ s: Secret(${MASK}) }` },
    { name: "Object.keys shows no field", input: (s) => Object.keys(s).join(","), want: "" },
  ];

  it.each(renderings)("$name", ({ input, want }) => {
    const text = input(secret);
    recordOutput("Secret rendering", text);
    expect(text).toBe(want);
  });

  it("reveal() returns the value", () => {
    expect(secret.reveal()).toBe(CANARY.classic);
  });

  const equality: Array<{ name: string; input: [string, string]; want: boolean }> = [
    {
      name: "equals another Secret with the same value",
      input: [CANARY.classic, CANARY.classic],
      want: true,
    },
    {
      name: "does not equal a Secret with another value",
      input: [CANARY.classic, CANARY.classic2],
      want: false,
    },
    { name: "an empty Secret equals an empty Secret", input: ["", ""], want: true },
    { name: "an empty Secret does not equal a non-empty one", input: ["", "x"], want: false },
  ];

  it.each(equality)("$name", ({ input, want }) => {
    expect(new Secret(input[0]).equals(new Secret(input[1]))).toBe(want);
  });
});

group("tokenKind", () => {
  const cases: Array<{ name: string; input: string; want: TokenKind }> = [
    { name: "ghp_ is a classic token", input: CANARY.classic, want: "classic" },
    { name: "github_pat_ is a fine-grained token", input: CANARY.fineGrained, want: "fine-grained" },
    { name: "gho_ is an OAuth token", input: "gho_abc", want: "oauth" },
    { name: "ghu_ is a user-to-server token", input: "ghu_abc", want: "user-to-server" },
    { name: "ghs_ is a server-to-server token", input: "ghs_abc", want: "server-to-server" },
    { name: "ghr_ is a refresh token", input: "ghr_abc", want: "refresh" },
    { name: "a plain password is other", input: CANARY.plain, want: "other" },
    { name: "the prefix is case-sensitive", input: "GHP_abc", want: "other" },
    { name: "the prefix must be at the start", input: "xghp_abc", want: "other" },
    { name: "an empty value is other", input: "", want: "other" },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(tokenKind(new Secret(input))).toBe(want);
  });
});

group("fingerprint", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    { name: "is the first 8 hex digits of sha256", input: "abc", want: "ba7816bf" },
    { name: "fingerprints a classic token", input: CANARY.classic, want: "81ee235f" },
    { name: "fingerprints a fine-grained token", input: CANARY.fineGrained, want: "0dea3778" },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(fingerprint(new Secret(input))).toBe(want);
  });

  it("is stable across Secrets with the same value", () => {
    expect(fingerprint(new Secret(CANARY.plain))).toBe(fingerprint(new Secret(CANARY.plain)));
    expect(fingerprint(new Secret(CANARY.plain))).toMatch(/^[0-9a-f]{8}$/);
  });

  it("differs for different values", () => {
    expect(fingerprint(new Secret(CANARY.classic))).not.toBe(fingerprint(new Secret(CANARY.classic2)));
  });
});

group("sha256Hex", () => {
  it("is sha256 in hex", () => {
    expect(sha256Hex("hello")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });

  it("uses bun's native hasher when it runs under bun (node:crypto costs ~5 ms to load there)", () => {
    const seen: string[] = [];
    class FakeHasher {
      constructor(algorithm: string) {
        seen.push(algorithm);
      }
      update(text: string) {
        return { digest: () => `bun:${text}` };
      }
    }
    (globalThis as { Bun?: unknown }).Bun = { CryptoHasher: FakeHasher };
    try {
      expect(sha256Hex("hello")).toBe("bun:hello");
      expect(seen).toEqual(["sha256"]);
    } finally {
      delete (globalThis as { Bun?: unknown }).Bun;
    }
  });
});

group("describe", () => {
  const cases: Array<{ name: string; input: string; want: string }> = [
    {
      name: "shows the classic prefix and the fingerprint",
      input: CANARY.classic,
      want: "ghp_… (fp 81ee235f)",
    },
    {
      name: "shows the fine-grained prefix and the fingerprint",
      input: CANARY.fineGrained,
      want: "github_pat_… (fp 0dea3778)",
    },
    { name: "shows no prefix for a plain password", input: CANARY.plain, want: "… (fp 0be5f36e)" },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    const text = describe(new Secret(input));
    recordOutput("describe", text);
    expect(text).toBe(want);
  });
});

group("looksLikeToken", () => {
  it.each([
    { name: "a GitHub token prefix", input: "gho_short", want: true },
    { name: "40 hex digits in any case", input: CANARY.hex40.toUpperCase(), want: true },
    { name: "a name longer than any GitHub login", input: "x".repeat(40), want: true },
    { name: "a GitHub login of the longest length", input: "x".repeat(39), want: false },
    { name: "a long e-mail address", input: `${"x".repeat(40)}@example.com`, want: false },
    { name: "a long name with a space", input: `${"x".repeat(40)} y`, want: false },
    { name: "x-access-token", input: "x-access-token", want: false },
    { name: "a token pasted with a trailing newline", input: `${CANARY.hex40}\n`, want: true },
    { name: "a token pasted with a leading space", input: ` ${CANARY.classic}`, want: true },
    // GitLab's token prefixes are not used: gldt-ops is a valid GitHub login.
    { name: "a GitHub login that starts like a GitLab token", input: "gldt-ops", want: false },
  ])("$name: $want", ({ input, want }) => {
    expect(looksLikeToken(input)).toBe(want);
  });
});

group("scrub", () => {
  // Secrets scrub() has seen: constructing one is what registers it.
  new Secret(CANARY.plain);
  new Secret("tok-1234");
  new Secret("tok-1234-and-a-longer-one");
  new Secret("abc");
  new Secret("wxyz");

  const tokenShaped = `ghp_${"A1b2".repeat(5)}`;
  const fineShaped = `github_pat_${"A_1b".repeat(5)}`;

  const cases: Array<{ name: string; input: string; want: string }> = [
    {
      name: "leaves text without secrets alone",
      input: "fatal: authentication failed",
      want: "fatal: authentication failed",
    },
    { name: "removes a secret it has seen", input: `password=${CANARY.plain}\n`, want: `password=${MASK}\n` },
    {
      name: "removes every occurrence of a seen secret",
      input: `${CANARY.plain} and ${CANARY.plain}`,
      want: `${MASK} and ${MASK}`,
    },
    {
      name: "removes a longer secret whole even when a shorter seen secret is part of it",
      input: "a tok-1234-and-a-longer-one b tok-1234 c",
      want: `a ${MASK} b ${MASK} c`,
    },
    { name: "removes a seen secret of 4 characters", input: "[wxyz]", want: `[${MASK}]` },
    {
      name: "keeps secrets shorter than 4 characters, which are not tokens",
      input: "abcdef",
      want: "abcdef",
    },
    {
      name: "removes a classic-token-shaped string it never saw",
      input: `x ${tokenShaped} y`,
      want: `x ${MASK} y`,
    },
    {
      name: "removes a fine-grained-token-shaped string it never saw",
      input: `x ${fineShaped}.`,
      want: `x ${MASK}.`,
    },
    {
      name: "removes every GitHub token prefix shape",
      input: ["gho", "ghu", "ghs", "ghr"].map((p) => `${p}_${"Z9".repeat(10)}`).join(" "),
      want: [MASK, MASK, MASK, MASK].join(" "),
    },
    {
      name: "keeps a prefix followed by fewer than 20 characters",
      input: `ghp_${"a".repeat(19)} github_pat_${"a".repeat(19)}`,
      want: `ghp_${"a".repeat(19)} github_pat_${"a".repeat(19)}`,
    },
    { name: "keeps an unknown prefix", input: `ghx_${"a".repeat(30)}`, want: `ghx_${"a".repeat(30)}` },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    const text = scrub(input);
    recordOutput("scrub", text);
    expect(text).toBe(want);
  });
});
