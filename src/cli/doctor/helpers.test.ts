// The "credential helpers" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { CANARY } from "../../../test/helpers/canary.js";
import { facts, GLOBAL, global } from "../../../test/helpers/doctor-facts.js";
import { checkHelpers } from "./helpers.js";

describe("checkHelpers", () => {
  const setupFix = "git-credential-pat setup";
  it.each([
    {
      name: "passes when git asks only this helper",
      config: [
        global("credential.https://github.com.helper", ""),
        global("credential.https://github.com.helper", "pat"),
      ],
      want: [
        {
          status: "ok",
          message: `git asks only git-credential-pat for https://github.com (credential.https://github.com.helper, global, ${GLOBAL})`,
        },
      ],
    },
    {
      name: "fails when no helper is configured",
      config: [],
      want: [
        {
          status: "fail",
          message:
            "git does not ask git-credential-pat for https://github.com (no credential helper is configured)",
          fix: setupFix,
        },
      ],
    },
    {
      name: "fails when only other helpers are configured",
      config: [global("credential.helper", "osxkeychain")],
      want: [
        {
          status: "fail",
          message: 'git does not ask git-credential-pat for https://github.com (it asks "osxkeychain")',
          fix: setupFix,
        },
      ],
    },
    {
      name: "fails on the plaintext store, which would also write the token",
      config: [global("credential.helper", "pat"), global("credential.helper", "store")],
      want: [
        {
          status: "fail",
          message: `credential.helper=store (global, ${GLOBAL}) also receives the token for github.com and writes it in plaintext to a file (git credential-store)`,
          fix: setupFix,
        },
      ],
    },
    {
      name: "warns on the cache",
      config: [global("credential.helper", "pat"), global("credential.helper", "cache --timeout=3600")],
      want: [
        {
          status: "warn",
          message: `credential.helper=cache --timeout=3600 (global, ${GLOBAL}) also keeps the token for github.com in memory (git credential-cache)`,
          fix: setupFix,
        },
      ],
    },
    {
      name: "warns on a keychain helper asked first",
      config: [global("credential.helper", "manager"), global("credential.https://github.com.helper", "pat")],
      want: [
        {
          status: "warn",
          message: `credential.helper=manager (global, ${GLOBAL}) would also keep the token for github.com; git asks it first, so it can answer instead of git-credential-pat`,
          fix: setupFix,
        },
      ],
    },
    {
      name: "ignores helpers for other hosts",
      config: [global("credential.helper", "pat"), global("credential.https://gitlab.com.helper", "store")],
      want: [{ status: "ok" }],
    },
  ])("$name", ({ config, want }) => {
    expect(checkHelpers(facts({ config }))).toMatchObject(want);
  });

  it("fails when git cannot run `git credential-pat`", () => {
    const findings = checkHelpers(facts({ config: [global("credential.helper", "pat")], patOnPath: false }));
    expect(findings.at(-1)).toMatchObject({
      status: "fail",
      message: expect.stringContaining("git-credential-pat is not on PATH"),
      fix: setupFix,
    });
  });

  it("masks a token in a credential.<url> key", () => {
    const key = `credential.https://alice:${CANARY.hex40}@github.com.helper`;
    const findings = checkHelpers(
      facts({
        config: [global("credential.helper", "pat"), global(key, "store")],
        helperMatches: { "github.com": [`https://alice:${CANARY.hex40}@github.com`] },
      }),
    );
    expect(findings).toMatchObject([
      {
        status: "fail",
        message: expect.stringMatching(/^credential\.https:\/\/alice:\*\*\*@github\.com\.helper=store /),
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain(CANARY.hex40);
  });

  it("checks every host with a token on its own", () => {
    const findings = checkHelpers(
      facts({
        helperHosts: ["github.com", "ghe.acme.com"],
        helperMatches: { "github.com": ["https://github.com"], "ghe.acme.com": [] },
        config: [global("credential.https://github.com.helper", "pat")],
      }),
    );
    expect(findings.map((f) => f.status)).toEqual(["ok", "fail"]);
    expect(findings[1]?.message).toContain("https://ghe.acme.com");
  });

  describe("with the platform binary npm installed", () => {
    const BINARY =
      "/usr/lib/node_modules/git-credential-pat/node_modules/@git-credential-pat/linux-x64/bin/git-credential-pat";
    const SCRIPT = "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs";
    const KEY = "credential.https://github.com.helper";
    const setUp = (helper: string) => [global(KEY, ""), global(KEY, helper)];
    it.each<{ name: string; helper: string; helperPaths: Record<string, boolean>; want: object[] }>([
      {
        name: "passes when git runs the binary",
        helper: BINARY,
        helperPaths: { [BINARY]: true },
        want: [{ status: "ok", message: expect.stringContaining("git asks only git-credential-pat") }],
      },
      {
        name: "warns when git runs the Node launcher on PATH (pat)",
        helper: "pat",
        helperPaths: {},
        want: [
          {
            status: "warn",
            message: `${KEY}=pat (global, ${GLOBAL}) runs the git-credential-pat on PATH (npm's Node launcher) for https://github.com, not the platform binary npm installed (${BINARY}), which answers git ~3× faster`,
            fix: setupFix,
          },
        ],
      },
      {
        name: "warns when git runs the Node script",
        helper: `/usr/bin/node ${SCRIPT}`,
        helperPaths: { [SCRIPT]: true },
        want: [
          {
            status: "warn",
            message: expect.stringContaining(
              `runs ${SCRIPT} for https://github.com, not the platform binary`,
            ),
          },
        ],
      },
      {
        name: "fails when git runs an older install's binary that is gone",
        helper: "/old/node/lib/node_modules/x/bin/git-credential-pat",
        helperPaths: { "/old/node/lib/node_modules/x/bin/git-credential-pat": false },
        want: [
          {
            status: "fail",
            message: `${KEY}=/old/node/lib/node_modules/x/bin/git-credential-pat (global, ${GLOBAL}) runs /old/node/lib/node_modules/x/bin/git-credential-pat, which is not there (an older install's?): git cannot run git-credential-pat for https://github.com`,
            fix: setupFix,
          },
        ],
      },
    ])("$name", ({ helper, helperPaths, want }) => {
      expect(
        checkHelpers(facts({ config: setUp(helper), platformBinary: BINARY, helperPaths })),
      ).toMatchObject(want);
    });

    it("fails on a helper path that is gone, binary or not", () => {
      const gone = "/opt/gone/git-credential-pat";
      expect(checkHelpers(facts({ config: setUp(gone), helperPaths: { [gone]: false } }))).toMatchObject([
        { status: "fail", message: expect.stringContaining("git cannot run git-credential-pat") },
      ]);
    });

    it("says nothing of the binary when doctor is the binary (none found)", () => {
      expect(checkHelpers(facts({ config: setUp("pat") }))).toMatchObject([{ status: "ok" }]);
    });
  });

  it("names a system-wide helper for a host not set up, and how setup keeps it out", () => {
    const system = {
      scope: "system",
      origin: "file:C:/Program Files/Git/etc/gitconfig",
      key: "credential.helper",
      value: "manager",
    };
    expect(checkHelpers(facts({ config: [system] }))).toEqual([
      {
        area: "credential helpers",
        status: "fail",
        message:
          'git does not ask git-credential-pat for https://github.com (it asks "manager"); "manager" comes from the system config (system, C:/Program Files/Git/etc/gitconfig), which setup leaves as it is: setup\'s empty credential.https://github.com.helper resets the list for this host, so git stops asking it',
        fix: setupFix,
      },
    ]);
  });
});
