// The "url rewrites" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { CANARY } from "../../../test/helpers/canary.js";
import { facts, GIT_DIR, GLOBAL, global, local, repo, shown } from "../../../test/helpers/doctor-facts.js";
import type { ConfigEntry } from "../../git/inspect-config.js";
import { inspectGitVersion } from "../../git/inspect-git-version.js";
import { fingerprint, Secret } from "../../secret.js";
import type { DoctorFacts } from "./facts.js";
import { checkUrlRewrites } from "./url-rewrites.js";

describe("checkUrlRewrites", () => {
  it.each([
    {
      name: "fails on an insteadOf that sends github.com's https URLs to SSH, with the --global fix",
      config: [global("url.git@github.com:.insteadof", "https://github.com/")],
      want: {
        status: "fail",
        message: `url.git@github.com:.insteadOf=https://github.com/ (global, ${GLOBAL}) turns every https://github.com/… into SSH, where the token does not work`,
        fix: "git config --global --unset url.git@github.com:.insteadOf",
        action: {
          kind: "git",
          args: ["config", "--file", GLOBAL, "--unset", "url.git@github.com:.insteadOf"],
        },
      },
    },
    {
      name: "fails on a pushInsteadOf in the repository, with the --local fix",
      config: [local("url.ssh://git@github.com/.pushinsteadof", "https://github.com/")],
      want: {
        status: "fail",
        message: expect.stringContaining("turns pushes to https://github.com/… into SSH"),
        fix: "git config --local --unset url.ssh://git@github.com/.pushInsteadOf",
      },
    },
    {
      name: "catches a rule for one owner",
      config: [global("url.git@github.com:acme/.insteadof", "https://github.com/acme/")],
      want: { status: "fail", fix: "git config --global --unset url.git@github.com:acme/.insteadOf" },
    },
    {
      name: "names the file when it is an include",
      config: [
        {
          scope: "global",
          origin: "file:/home/user/.gitconfig-work",
          key: "url.git@github.com:.insteadof",
          value: "https://github.com",
        },
      ],
      want: {
        status: "fail",
        fix: "git config --file /home/user/.gitconfig-work --unset url.git@github.com:.insteadOf",
      },
    },
    {
      name: "removes just one value when the key has several",
      config: [
        global("url.git@github.com:.insteadof", "https://github.com/"),
        global("url.git@github.com:.insteadof", "gh:"),
      ],
      want: {
        status: "fail",
        fix: "git config --global --fixed-value --unset-all url.git@github.com:.insteadOf https://github.com/",
      },
    },
    {
      name: "cannot fix a rule from the command line",
      config: [
        {
          scope: "command",
          origin: "command line:",
          key: "url.git@github.com:.insteadof",
          value: "https://github.com/",
        },
      ],
      want: {
        status: "fail",
        fix: "remove url.git@github.com:.insteadOf from where it is set (command line)",
        noAction: true,
      },
    },
    {
      name: "leaves rules for hosts without a token alone",
      config: [global("url.git@gitlab.com:.insteadof", "https://gitlab.com/")],
      want: { status: "ok", message: "no url.<base>.insteadOf rule sends https://github.com elsewhere" },
    },
    {
      name: "leaves rules that point to HTTPS alone",
      config: [global("url.https://github.com/.insteadof", "git@github.com:")],
      want: { status: "ok" },
    },
  ])("$name", ({ config, want }) => {
    const { noAction, ...rest } = want as typeof want & { noAction?: boolean };
    const findings = checkUrlRewrites(facts({ config, repository: repo([]) }));
    expect(findings).toEqual([expect.objectContaining(rest)]);
    if (noAction) expect(findings[0]?.action).toBeUndefined();
  });

  it("uses a regex instead of --fixed-value before git 2.30", () => {
    const old = { kind: "found" as const, version: inspectGitVersion("git version 2.25.1"), output: "" };
    const config = [
      global("url.git@github.com:.insteadof", "https://github.com/"),
      global("url.git@github.com:.insteadof", "gh:"),
    ];
    expect(checkUrlRewrites(facts({ git: old, config }))[0]?.fix).toBe(
      "git config --global --unset-all url.git@github.com:.insteadOf '^https://github\\.com/$'",
    );
  });
});

describe("secrets in URLs", () => {
  const fp = (token: string) => fingerprint(new Secret(token));
  const AFTER = "once it is out, git asks its credential helper (or prompts once); it still works on";

  it.each([
    {
      name: "fails on an insteadOf whose base holds a token and deletes its section from the file",
      config: [global(`url.https://${CANARY.classic}@github.com/.insteadof`, "https://github.com/")],
      tokenHosts: ["github.com"],
      want: {
        status: "fail",
        message: `url.https://***@github.com/.insteadOf=https://github.com/ (global, ${GLOBAL}) holds a token, ghp_… (fp ${fp(CANARY.classic)}), in its name: git puts it into every URL starting with https://github.com/ and keeps it in plaintext in its config; ${AFTER} github.com until you revoke or rotate it`,
        fix: `delete the [url "https://***@github.com/"] section from ${GLOBAL}`,
        action: { kind: "remove-token-url-sections", file: GLOBAL },
      },
    },
    {
      name: "fails on a token base even when no host has a token",
      config: [global(`url.https://x:${CANARY.plain}@gitlab.com/.pushinsteadof`, "https://gitlab.com/")],
      tokenHosts: [],
      want: {
        status: "fail",
        message: expect.stringContaining("url.https://x:***@gitlab.com/.pushInsteadOf=https://gitlab.com/"),
        fix: `delete the [url "https://x:***@gitlab.com/"] section from ${GLOBAL}`,
      },
    },
    {
      name: "fails on a token in an included file, and edits that file",
      config: [
        {
          scope: "global",
          origin: "file:/home/user/.gitconfig-work",
          key: `url.https://${CANARY.hex40}@ghe.acme.com/.insteadof`,
          value: "https://ghe.acme.com/",
        },
      ],
      tokenHosts: [],
      want: {
        status: "fail",
        fix: 'delete the [url "https://***@ghe.acme.com/"] section from /home/user/.gitconfig-work',
        action: { kind: "remove-token-url-sections", file: "/home/user/.gitconfig-work" },
      },
    },
    {
      name: "cannot edit a token base set on the command line",
      config: [
        {
          scope: "command",
          origin: "command line:",
          key: `url.https://${CANARY.classic}@github.com/.insteadof`,
          value: "https://github.com/",
        },
      ],
      tokenHosts: ["github.com"],
      want: {
        status: "fail",
        fix: 'delete the [url "https://***@github.com/"] section from where it is set (command line)',
        action: undefined,
      },
    },
    {
      name: "unsets a prefix holding a token by a pattern without it",
      config: [local("url.https://github.com/.insteadof", `https://${CANARY.classic}@github.com/`)],
      tokenHosts: ["github.com"],
      want: {
        status: "fail",
        message: expect.stringContaining(
          `url.https://github.com/.insteadOf=https://***@github.com/ (local, ${GIT_DIR}/config) holds a token`,
        ),
        fix: `git config --local --unset-all url.https://github.com/.insteadof '^https://[^/]{${CANARY.classic.length}}@github\\.com/$'`,
        action: {
          kind: "git",
          args: [
            "config",
            "--file",
            `${GIT_DIR}/config`,
            "--unset-all",
            "url.https://github.com/.insteadof",
            `^https://[^/]{${CANARY.classic.length}}@github\\.com/$`,
          ],
          onlyIf: [
            "config",
            "--file",
            `${GIT_DIR}/config`,
            "--get-all",
            "url.https://github.com/.insteadof",
            `^https://[^/]{${CANARY.classic.length}}@github\\.com/$`,
          ],
        },
      },
    },
  ])("$name", ({ config, tokenHosts, want }) => {
    const findings = checkUrlRewrites(facts({ config, tokenHosts, repository: repo([]) }));
    const { action, ...rest } = want as typeof want & { action?: unknown };
    expect(findings).toEqual([expect.objectContaining(action === undefined ? rest : { ...rest, action })]);
    if ("action" in want && action === undefined) expect(findings[0]).not.toHaveProperty("action");
    expect(JSON.stringify(findings)).not.toMatch(/CANARY|c0ffee/);
  });

  it("reports a global rule a submodule also reads once", () => {
    const rule = global(`url.https://${CANARY.classic}@github.com/.insteadof`, "https://github.com/");
    const repository: DoctorFacts["repository"] = {
      kind: "repo",
      gitDir: GIT_DIR,
      repos: [
        { displayPath: undefined, dir: undefined, entries: [rule] },
        { displayPath: "libs/ui", dir: "/work/app/libs/ui", entries: [rule] },
      ],
      gitmodules: [],
    };
    expect(shown(checkUrlRewrites(facts({ config: [rule], repository })))).toEqual([
      expect.objectContaining({
        status: "fail",
        fix: `delete the [url "https://***@github.com/"] section from ${GLOBAL}`,
      }),
    ]);
  });

  it("reports a token rule in a submodule's own config", () => {
    const rule: ConfigEntry = {
      scope: "local",
      origin: "file:/work/app/.git/modules/ui/config",
      key: `url.https://${CANARY.classic}@github.com/.insteadof`,
      value: "https://github.com/",
    };
    const repository: DoctorFacts["repository"] = {
      kind: "repo",
      gitDir: GIT_DIR,
      repos: [
        { displayPath: undefined, dir: undefined, entries: [] },
        { displayPath: "libs/ui", dir: "/work/app/libs/ui", entries: [rule] },
      ],
      gitmodules: [],
    };
    expect(shown(checkUrlRewrites(facts({ repository })))).toEqual([
      expect.objectContaining({
        status: "fail",
        fix: 'delete the [url "https://***@github.com/"] section from /work/app/.git/modules/ui/config',
      }),
    ]);
  });

  it("never names an SSH rewrite rule holding a token on a command line", () => {
    const config = [global(`url.ssh://${CANARY.classic}@github.com/.insteadof`, "https://github.com/")];
    const findings = checkUrlRewrites(facts({ config, repository: repo([]) }));
    expect(findings.map((finding) => finding.fix)).toEqual([
      `delete the [url "ssh://***@github.com/"] section from ${GLOBAL}`,
      `delete the [url "ssh://***@github.com/"] section from ${GLOBAL}`,
    ]);
    expect(findings.map((finding) => finding.action?.kind)).toEqual([
      "remove-token-url-sections",
      "remove-token-url-sections",
    ]);
    expect(JSON.stringify(findings)).not.toContain(CANARY.classic);
  });
});
