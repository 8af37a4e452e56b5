// Each doctor check over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { account } from "../../../test/helpers/account-fixture.js";
import { CANARY } from "../../../test/helpers/canary.js";
import type { ConfigEntry } from "../../git/inspect-config.js";
import { inspectGitVersion } from "../../git/inspect-git-version.js";
import { fingerprint, looksLikeToken, Secret } from "../../secret.js";
import type { StoredToken } from "../stored-tokens.js";
import {
  checkFile,
  checkGit,
  checkHelpers,
  checkRemotes,
  checkStore,
  checkTokens,
  checkUrlRewrites,
  type Finding,
  quoteArg,
} from "./checks.js";
import type { DoctorFacts, PathFact, RepoFacts } from "./facts.js";

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 24 * 60 * 60 * 1000;
const GLOBAL = "/home/user/.gitconfig";
const GIT_DIR = "/work/app/.git";

const global = (key: string, value: string | undefined): ConfigEntry => ({
  scope: "global",
  origin: `file:${GLOBAL}`,
  key,
  value,
});
const local = (key: string, value: string): ConfigEntry => ({
  scope: "local",
  origin: `file:${GIT_DIR}/config`,
  key,
  value,
});

function facts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    nowMs: NOW,
    soonDays: 7,
    uid: 1000,
    selfPaths: ["/usr/local/bin/git-credential-pat"],
    git: { kind: "found", version: inspectGitVersion("git version 2.43.0"), output: "git version 2.43.0" },
    config: [],
    globalConfigFile: GLOBAL,
    tokenHosts: ["github.com"],
    helperHosts: ["github.com"],
    helperMatches: { "github.com": ["https://github.com"] },
    patOnPath: undefined,
    repository: { kind: "none", reason: "not inside a git repository" },
    accounts: { kind: "ok", tokens: [] },
    envTokens: [],
    storedTokens: [],
    configFile: { kind: "ok", config: {} },
    stores: [{ store: "keychain", source: "default" }],
    keychain: undefined,
    socketPath: undefined,
    files: [],
    ...overrides,
  };
}

function repo(entries: ConfigEntry[], where: Partial<RepoFacts> = {}): DoctorFacts["repository"] {
  return {
    kind: "repo",
    gitDir: GIT_DIR,
    repos: [{ displayPath: undefined, dir: undefined, entries, ...where }],
    gitmodules: [],
  };
}

/** The parts of findings a person reads; the action only where --fix may run it. */
const shown = (findings: Finding[]) => findings.map(({ status, message, fix }) => ({ status, message, fix }));

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

describe("checkGit", () => {
  it.each([
    {
      name: "warns that git before 2.40 ignores password_expiry_utc",
      version: "git version 2.39.5",
      want: { status: "warn", message: expect.stringContaining("git 2.39.5 ignores password_expiry_utc") },
    },
    {
      name: "is happy with git 2.40",
      version: "git version 2.40.1",
      want: { status: "ok", message: "git 2.40.1" },
    },
    {
      name: "warns when the version cannot be read",
      version: "something else",
      want: { status: "warn", message: 'cannot read git\'s version from "something else"' },
    },
  ])("$name", ({ version, want }) => {
    const git = { kind: "found" as const, version: inspectGitVersion(version), output: version };
    expect(checkGit({ git })).toEqual([expect.objectContaining(want)]);
  });

  it("fails without git", () => {
    expect(checkGit({ git: { kind: "missing", message: "git was not found on PATH" } })).toMatchObject([
      { status: "fail", message: "git was not found on PATH" },
    ]);
  });

  it("fails when git cannot read its config", () => {
    const git = { ...facts().git, configError: "fatal: bad config line 3 in file /home/user/.gitconfig" };
    expect(checkGit({ git } as Pick<DoctorFacts, "git">)[1]).toMatchObject({
      status: "fail",
      message: "git cannot read its configuration: fatal: bad config line 3 in file /home/user/.gitconfig",
    });
  });
});

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
});

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

describe("checkRemotes", () => {
  const remote = (name: string, url: string, key = "url") => local(`remote.${name}.${key}`, url);
  it.each([
    {
      name: "fails on an scp-like remote for a host with a token, with the HTTPS URL",
      entries: [remote("origin", "git@github.com:acme/app.git")],
      want: [
        {
          status: "fail",
          message:
            "origin: git@github.com:acme/app.git uses SSH, so git never asks for the token for github.com (tokens only work over HTTPS)",
          fix: "git remote set-url origin https://github.com/acme/app.git",
        },
      ],
    },
    {
      name: "maps ssh.github.com:443 to github.com",
      entries: [remote("origin", "ssh://git@ssh.github.com:443/acme/app")],
      want: [{ status: "fail", fix: "git remote set-url origin https://github.com/acme/app" }],
    },
    {
      name: "leaves an SSH remote for a host without a token alone",
      entries: [remote("upstream", "git@gitlab.com:acme/app.git")],
      want: [
        {
          status: "ok",
          message: "upstream: git@gitlab.com:acme/app.git (SSH; no token for gitlab.com, left alone)",
          fix: undefined,
        },
      ],
    },
    {
      name: "passes an HTTPS remote",
      entries: [remote("origin", "https://github.com/acme/app.git")],
      want: [
        {
          status: "ok",
          message: "origin: https://github.com/acme/app.git (HTTPS; token for github.com)",
          fix: undefined,
        },
      ],
    },
    {
      name: "passes local paths and file:// URLs",
      entries: [remote("disk", "/srv/git/app.git"), remote("file", "file:///srv/git/app.git")],
      want: [
        { status: "ok", message: "disk: /srv/git/app.git (local)", fix: undefined },
        { status: "ok", message: "file: file:///srv/git/app.git (local)", fix: undefined },
      ],
    },
    {
      name: "fixes a separate SSH pushurl with --push",
      entries: [
        remote("origin", "https://github.com/acme/app.git"),
        remote("origin", "git@github.com:acme/app.git", "pushurl"),
      ],
      want: [
        {
          status: "fail",
          message: expect.stringContaining("origin (push): git@github.com:acme/app.git uses SSH"),
          fix: "git remote set-url --push origin https://github.com/acme/app.git",
        },
      ],
    },
    {
      name: "names the old URL when a remote has several",
      entries: [
        remote("origin", "git@github.com:acme/app.git"),
        remote("origin", "https://github.com/acme/mirror.git"),
      ],
      want: [
        {
          status: "fail",
          fix: "git remote set-url origin https://github.com/acme/app.git '^git@github\\.com:acme/app\\.git$'",
        },
      ],
    },
    {
      name: "fails on an HTTPS remote an insteadOf turns into SSH, with the rule's fix",
      entries: [
        remote("origin", "https://github.com/acme/app.git"),
        local("url.git@github.com:.insteadof", "https://github.com/"),
      ],
      want: [
        {
          status: "fail",
          message:
            "origin: https://github.com/acme/app.git is turned into git@github.com:acme/app.git by url.git@github.com:.insteadOf, so git uses SSH and not the token",
          fix: "git config --local --unset url.git@github.com:.insteadOf",
        },
      ],
    },
    {
      name: "fails on pushes a pushInsteadOf turns into SSH",
      entries: [
        remote("origin", "https://github.com/acme/app.git"),
        local("url.ssh://git@github.com/.pushinsteadof", "https://github.com/"),
      ],
      want: [
        {
          status: "fail",
          message: expect.stringContaining(
            "origin (push): https://github.com/acme/app.git is turned into ssh://",
          ),
        },
      ],
    },
    {
      name: "passes an SSH remote an insteadOf turns into HTTPS",
      entries: [
        remote("origin", "git@github.com:acme/app.git"),
        local("url.https://github.com/.insteadof", "git@github.com:"),
      ],
      want: [
        {
          status: "ok",
          message:
            "origin: git@github.com:acme/app.git (HTTPS; token for github.com, rewritten to https://github.com/acme/app.git by url.https://github.com/.insteadOf)",
        },
      ],
    },
    { name: "says when there are no remotes", entries: [], want: [{ status: "ok", message: "no remotes" }] },
  ])("$name", ({ entries, want }) => {
    expect(shown(checkRemotes(facts({ repository: repo(entries) })))).toEqual(
      want.map((w) => expect.objectContaining(w)),
    );
  });

  it("passes outside a repository and says so", () => {
    expect(shown(checkRemotes(facts()))).toEqual([
      { status: "ok", message: "not inside a git repository; no remotes to check", fix: undefined },
    ]);
  });

  it("warns when git cannot look at the repository", () => {
    const repository = {
      kind: "none" as const,
      reason: "fatal: detected dubious ownership in repository at '/work/app'",
      isError: true,
    };
    expect(shown(checkRemotes(facts({ repository })))).toEqual([
      {
        status: "warn",
        message:
          "cannot look at this repository: fatal: detected dubious ownership in repository at '/work/app'",
        fix: undefined,
      },
    ]);
  });

  it("fixes a submodule's remote with git -C, running it in the submodule", () => {
    const repository: DoctorFacts["repository"] = {
      kind: "repo",
      gitDir: GIT_DIR,
      repos: [
        {
          displayPath: undefined,
          dir: undefined,
          entries: [remote("origin", "https://github.com/acme/app.git")],
        },
        {
          displayPath: "libs/ui",
          dir: "/work/app/libs/ui",
          entries: [remote("origin", "ssh://git@github.com/acme/ui.git")],
        },
      ],
      gitmodules: [],
    };
    const findings = checkRemotes(facts({ repository }));
    expect(findings[1]).toEqual({
      area: "remotes",
      status: "fail",
      message: expect.stringContaining("libs/ui: origin: ssh://git@github.com/acme/ui.git uses SSH"),
      fix: "git -C libs/ui remote set-url origin https://github.com/acme/ui.git",
      action: {
        kind: "git",
        args: ["-C", "/work/app/libs/ui", "remote", "set-url", "origin", "https://github.com/acme/ui.git"],
      },
    });
  });

  it("advises on an SSH URL in .gitmodules without changing it", () => {
    const repository: DoctorFacts["repository"] = {
      ...(repo([]) as Extract<DoctorFacts["repository"], { kind: "repo" }>),
      gitmodules: [
        {
          scope: "unknown",
          origin: "file:/work/app/.gitmodules",
          key: "submodule.libs/ui.url",
          value: "git@github.com:acme/ui.git",
        },
      ],
    };
    expect(checkRemotes(facts({ repository }))[1]).toEqual({
      area: "remotes",
      status: "warn",
      message: expect.stringContaining(".gitmodules: submodule libs/ui uses git@github.com:acme/ui.git"),
      fix: "git config --file /work/app/.gitmodules submodule.libs/ui.url https://github.com/acme/ui.git && git submodule sync --recursive",
    });
  });
});

describe("secrets in URLs", () => {
  const remote = (name: string, url: string, key = "url") => local(`remote.${name}.${key}`, url);
  const fp = (token: string) => fingerprint(new Secret(token));
  const LOCAL = `${GIT_DIR}/config`;
  const AFTER = "once it is out, git asks its credential helper (or prompts once); it still works on";

  it.each([
    {
      name: "fails on a password, keeps the user name, and replaces the value by a pattern without it",
      entries: [remote("origin", `https://alice:${CANARY.classic}@github.com/acme/app.git`)],
      want: {
        status: "fail",
        message: `origin: https://alice:***@github.com/acme/app.git holds a password, ghp_… (fp ${fp(CANARY.classic)}), which git keeps in plaintext in its config and shows in git remote -v; ${AFTER} github.com until you revoke or rotate it`,
        fix: "git remote set-url origin https://alice@github.com/acme/app.git",
        action: {
          kind: "git",
          args: [
            "config",
            "--file",
            LOCAL,
            "--replace-all",
            "remote.origin.url",
            "https://alice@github.com/acme/app.git",
            `^https://alice:[^/]{${CANARY.classic.length}}@github\\.com/acme/app\\.git$`,
          ],
          onlyIf: [
            "config",
            "--file",
            LOCAL,
            "--get-all",
            "remote.origin.url",
            `^https://alice:[^/]{${CANARY.classic.length}}@github\\.com/acme/app\\.git$`,
          ],
        },
      },
    },
    {
      name: "fails on 40 hex digits as the user name and drops them",
      entries: [remote("origin", `https://${CANARY.hex40}@127.0.0.1:8080/acme/app.git`)],
      want: {
        status: "fail",
        message: `origin: https://***@127.0.0.1:8080/acme/app.git holds a token, … (fp ${fp(CANARY.hex40)}), which git keeps in plaintext in its config and shows in git remote -v; ${AFTER} 127.0.0.1:8080 until you revoke or rotate it`,
        fix: "git remote set-url origin https://127.0.0.1:8080/acme/app.git",
      },
    },
    {
      name: "fails on a password of any shape, for a host without a token too",
      entries: [remote("mirror", `https://bob:${CANARY.plain}@gitlab.com/acme/app.git`)],
      want: {
        status: "fail",
        message: expect.stringMatching(
          /^mirror: https:\/\/bob:\*\*\*@gitlab\.com\/acme\/app\.git holds a password, … \(fp [0-9a-f]{8}\)/,
        ),
        fix: "git remote set-url mirror https://bob@gitlab.com/acme/app.git",
      },
    },
    {
      name: "fails on a pushurl holding a token and fixes it with --push",
      entries: [
        remote("origin", "https://github.com/acme/app.git"),
        remote("origin", `https://${CANARY.fineGrained}@github.com/acme/app.git`, "pushurl"),
      ],
      want: {
        status: "fail",
        message: expect.stringContaining(
          "origin (push): https://***@github.com/acme/app.git holds a token, github_pat_…",
        ),
        fix: "git remote set-url --push origin https://github.com/acme/app.git",
      },
    },
    {
      name: "names the value by a pattern when the remote has several URLs",
      entries: [
        remote("origin", `https://${CANARY.classic}@github.com/acme/app.git`),
        remote("origin", "https://github.com/acme/mirror.git"),
      ],
      want: {
        status: "fail",
        fix: `git config --local --replace-all remote.origin.url https://github.com/acme/app.git '^https://[^/]{${CANARY.classic.length}}@github\\.com/acme/app\\.git$'`,
      },
    },
    {
      name: "fixes a URL in the global config there, not with git remote set-url",
      entries: [global("remote.origin.url", `https://alice:${CANARY.classic}@github.com/acme/app.git`)],
      want: {
        status: "fail",
        fix: "git config --global remote.origin.url https://alice@github.com/acme/app.git",
      },
    },
    {
      name: "cannot fix a URL set on the command line, and says so without the secret",
      entries: [
        {
          scope: "command",
          origin: "command line:",
          key: "remote.origin.url",
          value: `https://${CANARY.classic}@github.com/acme/app.git`,
        },
      ],
      want: {
        status: "fail",
        fix: "set remote.origin.url to https://github.com/acme/app.git where it is set (command line)",
        action: undefined,
      },
    },
  ])("$name", ({ entries, want }) => {
    const findings = checkRemotes(facts({ repository: repo(entries) }));
    const { action, ...rest } = want as typeof want & { action?: unknown };
    expect(findings).toEqual([expect.objectContaining(action === undefined ? rest : { ...rest, action })]);
    if ("action" in want && action === undefined) expect(findings[0]).not.toHaveProperty("action");
    expect(JSON.stringify(findings)).not.toMatch(/CANARY|c0ffee/);
  });

  it("passes a user name that is only a login, and masks nothing in it", () => {
    const entries = [remote("origin", "https://x-access-token@github.com/acme/app.git")];
    expect(shown(checkRemotes(facts({ repository: repo(entries) })))).toEqual([
      {
        status: "ok",
        message: "origin: https://x-access-token@github.com/acme/app.git (HTTPS; token for github.com)",
        fix: undefined,
      },
    ]);
  });

  it("judges an SSH URL holding a password as it will be once the password is out", () => {
    const entries = [
      remote("origin", `ssh://git:${CANARY.plain}@github.com/acme/app.git`),
      remote("origin", "https://github.com/acme/mirror.git"),
    ];
    const findings = checkRemotes(facts({ repository: repo(entries) }));
    expect(shown(findings)).toEqual([
      expect.objectContaining({
        status: "fail",
        fix: "git config --local --replace-all remote.origin.url ssh://git@github.com/acme/app.git '^ssh://git:[^/]{26}@github\\.com/acme/app\\.git$'",
      }),
      expect.objectContaining({
        status: "fail",
        message: expect.stringContaining("origin: ssh://git@github.com/acme/app.git uses SSH"),
        fix: "git remote set-url origin https://github.com/acme/app.git '^ssh://git@github\\.com/acme/app\\.git$'",
      }),
    ]);
    expect(JSON.stringify(findings)).not.toContain(CANARY.plain);
  });

  it("fixes a submodule's URL in the submodule's own config", () => {
    const subConfig = "/work/app/.git/modules/ui/config";
    const repository: DoctorFacts["repository"] = {
      kind: "repo",
      gitDir: GIT_DIR,
      repos: [
        { displayPath: undefined, dir: undefined, entries: [] },
        {
          displayPath: "libs/ui",
          dir: "/work/app/libs/ui",
          entries: [
            {
              scope: "local",
              origin: `file:${subConfig}`,
              key: "remote.origin.url",
              value: `https://${CANARY.hex40}@github.com/acme/ui.git`,
            },
          ],
        },
      ],
      gitmodules: [],
    };
    expect(checkRemotes(facts({ repository }))[1]).toEqual({
      area: "remotes",
      status: "fail",
      message: expect.stringContaining("libs/ui: origin: https://***@github.com/acme/ui.git holds a token"),
      fix: "git -C libs/ui remote set-url origin https://github.com/acme/ui.git",
      action: {
        kind: "git",
        args: [
          "config",
          "--file",
          subConfig,
          "--replace-all",
          "remote.origin.url",
          "https://github.com/acme/ui.git",
          "^https://[^/]{40}@github\\.com/acme/ui\\.git$",
        ],
        onlyIf: [
          "config",
          "--file",
          subConfig,
          "--get-all",
          "remote.origin.url",
          "^https://[^/]{40}@github\\.com/acme/ui\\.git$",
        ],
      },
    });
  });

  it("fails on a submodule URL holding a token in the repository's config, and replaces it there", () => {
    const entries = [
      remote("origin", "https://github.com/acme/app.git"),
      local("submodule.libs/ui.url", `https://${CANARY.classic}@github.com/acme/ui.git`),
    ];
    const findings = checkRemotes(facts({ repository: repo(entries) }));
    expect(findings).toEqual([
      expect.objectContaining({ status: "ok" }),
      {
        area: "remotes",
        status: "fail",
        message: expect.stringContaining(
          "submodule libs/ui: https://***@github.com/acme/ui.git holds a token, ghp_… (fp ",
        ),
        fix: "git config --local submodule.libs/ui.url https://github.com/acme/ui.git",
        action: {
          kind: "git",
          args: [
            "config",
            "--file",
            LOCAL,
            "--replace-all",
            "submodule.libs/ui.url",
            "https://github.com/acme/ui.git",
            `^https://[^/]{${CANARY.classic.length}}@github\\.com/acme/ui\\.git$`,
          ],
          onlyIf: [
            "config",
            "--file",
            LOCAL,
            "--get-all",
            "submodule.libs/ui.url",
            `^https://[^/]{${CANARY.classic.length}}@github\\.com/acme/ui\\.git$`,
          ],
        },
      },
    ]);
  });

  it("fails on a token in .gitmodules and only advises: it is committed and shared", () => {
    const repository: DoctorFacts["repository"] = {
      ...(repo([]) as Extract<DoctorFacts["repository"], { kind: "repo" }>),
      gitmodules: [
        {
          scope: "unknown",
          origin: "file:/work/app/.gitmodules",
          key: "submodule.libs/ui.url",
          value: `https://alice:${CANARY.classic}@github.com/acme/ui.git`,
        },
      ],
    };
    const findings = checkRemotes(facts({ repository }));
    expect(findings[1]).toEqual({
      area: "remotes",
      status: "fail",
      message: expect.stringContaining(
        ".gitmodules: submodule libs/ui uses https://alice:***@github.com/acme/ui.git, which holds a password",
      ),
      fix: "git config --file /work/app/.gitmodules submodule.libs/ui.url https://alice@github.com/acme/ui.git && git submodule sync --recursive, then commit .gitmodules",
    });
    expect(JSON.stringify(findings)).not.toContain(CANARY.classic);
  });

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

describe("checkStore", () => {
  it.each([
    {
      name: "names the configured store and where the choice came from",
      input: { stores: [{ store: "file", source: "config.json" }] },
      want: [{ status: "ok", message: 'store "file": a plaintext file, 0600 (chosen by config.json)' }],
    },
    {
      name: "reports a reachable, unlocked keychain",
      input: { keychain: { kind: "ok" as const, items: 2 } },
      want: [
        { status: "ok" },
        { status: "ok", message: "the keychain answers and is unlocked (2 items of git-credential-pat)" },
      ],
    },
    {
      name: "fails on a keychain that cannot be reached, with the fallback",
      input: {
        keychain: {
          kind: "unavailable" as const,
          message: "the keychain is locked; unlock it",
          hint: 'git config --global credential.helper "pat --store=memory"',
        },
      },
      want: [
        { status: "ok" },
        {
          status: "fail",
          message: "the keychain is locked; unlock it",
          fix: 'git config --global credential.helper "pat --store=memory"',
        },
      ],
    },
    {
      name: "fails on an unknown store",
      input: { stores: [{ store: "vault", source: "--store in credential.helper" }] },
      want: [{ status: "fail", message: expect.stringContaining('unknown store "vault"') }],
    },
    {
      name: "fails on a broken config.json",
      input: {
        stores: [],
        configFile: {
          kind: "error" as const,
          message: "config file /c/config.json is not valid JSON",
          hint: "fix it",
        },
      },
      want: [{ status: "fail", message: "config file /c/config.json is not valid JSON", fix: "fix it" }],
    },
  ])("$name", ({ input, want }) => {
    expect(shown(checkStore(facts(input)))).toEqual(want.map((w) => expect.objectContaining(w)));
  });
});

describe("checkFile", () => {
  const dir = (mode: number, extra: Partial<PathFact> = {}): PathFact => ({
    role: "config dir",
    path: "/home/user/.config/git-credential-pat",
    policy: "private",
    isOurs: true,
    stat: { kind: "dir", mode, uid: 1000 },
    ...extra,
  });
  it.each([
    {
      name: "passes a 0700 directory",
      fact: dir(0o700),
      want: { status: "ok", message: "config dir /home/user/.config/git-credential-pat is private (0700)" },
    },
    {
      name: "fails a 0755 directory of ours, and --fix may chmod it",
      fact: dir(0o755),
      want: {
        status: "fail",
        fix: "chmod 700 /home/user/.config/git-credential-pat",
        action: { kind: "chmod", path: "/home/user/.config/git-credential-pat", mode: 0o700 },
      },
    },
    {
      name: "fails a 0644 file with chmod 600",
      fact: {
        ...dir(0o644),
        role: "accounts file" as const,
        path: "/c/accounts.json",
        stat: { kind: "file" as const, mode: 0o644, uid: 1000 },
      },
      want: {
        status: "fail",
        fix: "chmod 600 /c/accounts.json",
        action: { kind: "chmod", path: "/c/accounts.json", mode: 0o600 },
      },
    },
    {
      name: "shows but never runs a chmod for a path that is not ours",
      fact: dir(0o755, { role: "socket dir", path: "/tmp/mine", isOurs: false }),
      want: { status: "fail", fix: "chmod 700 /tmp/mine", noAction: true },
    },
    {
      name: "accepts a group-readable parent of a user-chosen store file",
      fact: dir(0o755, { role: "store dir", path: "/home/user", policy: "shared-parent", isOurs: false }),
      want: { status: "ok" },
    },
    {
      name: "fails a group-writable parent of a user-chosen store file with go-w",
      fact: dir(0o775, { role: "store dir", path: "/home/user", policy: "shared-parent", isOurs: false }),
      want: { status: "fail", fix: "chmod go-w /home/user", noAction: true },
    },
    {
      name: "fails a directory owned by someone else",
      fact: dir(0o700, { stat: { kind: "dir", mode: 0o700, uid: 0 } }),
      want: { status: "fail", message: expect.stringContaining("belongs to another user (uid 0)") },
    },
    {
      name: "fails a file where a directory belongs",
      fact: dir(0o600, { stat: { kind: "file", mode: 0o600, uid: 1000 } }),
      want: { status: "fail", message: expect.stringContaining("is not a directory") },
    },
    {
      name: "passes what does not exist yet",
      fact: dir(0, { stat: { kind: "missing" } }),
      want: { status: "ok", message: expect.stringContaining("does not exist yet") },
    },
    {
      name: "passes our own socket",
      fact: dir(0o755, {
        role: "socket",
        path: "/run/gcp/socket",
        stat: { kind: "socket", mode: 0o755, uid: 1000 },
      }),
      want: { status: "ok", message: "socket /run/gcp/socket is ours" },
    },
    {
      name: "fails a store file configured as a relative path, with the fix, and never offers a chmod",
      fact: dir(0, {
        role: "store file",
        path: "creds",
        isOurs: false,
        stat: {
          kind: "refused",
          problem: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("creds")',
          fix: "use an absolute path or one starting with ~/",
        },
      }),
      want: {
        status: "fail",
        message: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("creds")',
        fix: "use an absolute path or one starting with ~/",
        noAction: true,
      },
    },
  ])("$name", ({ fact, want }) => {
    const { noAction, ...rest } = want as typeof want & { noAction?: boolean };
    const finding = checkFile(fact, 1000);
    expect(finding).toEqual(expect.objectContaining(rest));
    if (noAction) expect(finding.action).toBeUndefined();
  });
});

describe("checkTokens", () => {
  const tokens = (...accounts: ReturnType<typeof account>[]) => ({
    kind: "ok" as const,
    tokens: accounts.map((a) => ({ account: a, stored: "present" as const })),
  });
  it.each([
    {
      name: "passes a valid token with repo scope",
      input: {
        accounts: tokens(account("github.com", "alice", { scopes: ["repo"], expiresAtMs: NOW + 60 * DAY })),
      },
      want: [
        {
          status: "ok",
          message: "alice@github.com: classic token, expires 2027-01-21 (in 60 days), scopes repo",
        },
      ],
    },
    {
      name: "fails an expired token",
      input: {
        accounts: tokens(account("github.com", "alice", { scopes: ["repo"], expiresAtMs: NOW - 2 * DAY })),
      },
      want: [
        {
          status: "fail",
          message: "alice@github.com: token expired 2026-11-20 (2 days ago)",
          fix: "git-credential-pat rotate --host github.com --user alice",
        },
      ],
    },
    {
      name: "warns on a token expiring within 7 days",
      input: {
        accounts: tokens(account("ghe.acme.com", "bob", { scopes: ["repo"], expiresAtMs: NOW + 3 * DAY })),
      },
      want: [
        {
          status: "warn",
          message: "bob@ghe.acme.com: token expires 2026-11-25 (in 3 days)",
          fix: "git-credential-pat rotate --host ghe.acme.com --user bob",
        },
      ],
    },
    {
      name: "warns on a classic token without the repo scope",
      input: { accounts: tokens(account("github.com", "alice", { scopes: ["read:org"] })) },
      want: [
        {
          status: "warn",
          message: expect.stringContaining('classic token without the "repo" scope (has read:org)'),
        },
      ],
    },
    {
      name: "does not ask fine-grained tokens for scopes",
      input: { accounts: tokens(account("github.com", "alice", { kind: "fine-grained" })) },
      want: [{ status: "ok", message: expect.stringContaining("fine-grained token") }],
    },
    {
      name: "fails a token GitHub rejected",
      input: {
        accounts: tokens(
          account("github.com", "alice", {
            scopes: ["repo"],
            lastCheck: "rejected",
            lastCheckedAtMs: NOW - DAY,
          }),
        ),
      },
      want: [{ status: "fail", message: "alice@github.com: GitHub rejected the token on 2026-11-21" }],
    },
    {
      name: "fails an account whose token is missing from its store",
      input: {
        accounts: {
          kind: "ok" as const,
          tokens: [
            { account: account("github.com", "alice", { scopes: ["repo"] }), stored: "missing" as const },
          ],
        },
      },
      want: [
        {
          status: "fail",
          message: "alice@github.com: no token in the keychain store",
          fix: "git-credential-pat login --host github.com --user alice",
        },
      ],
    },
    {
      name: "warns that an environment token shadows a stored one",
      input: {
        accounts: tokens(account("github.com", "alice", { scopes: ["repo"] })),
        envTokens: [{ host: "github.com", variable: "GH_TOKEN" }],
      },
      want: [
        { status: "ok" },
        {
          status: "warn",
          message: "GH_TOKEN is set and is used before the stored token for github.com",
          fix: "unset GH_TOKEN",
        },
      ],
    },
    {
      name: "passes an environment token alone",
      input: { envTokens: [{ host: "ghe.acme.com", variable: "GH_ENTERPRISE_TOKEN" }] },
      want: [{ status: "ok", message: "GH_ENTERPRISE_TOKEN serves ghe.acme.com (from the environment)" }],
    },
    {
      name: "fails a broken accounts file with the file's own advice",
      input: {
        accounts: {
          kind: "error" as const,
          message: "accounts file /home/user/.config/git-credential-pat/accounts.json is not JSON",
          hint: "mv /home/user/.config/git-credential-pat/accounts.json /home/user/.config/git-credential-pat/accounts.json.bak",
        },
      },
      want: [
        {
          status: "fail",
          message: "accounts file /home/user/.config/git-credential-pat/accounts.json is not JSON",
          fix: "mv /home/user/.config/git-credential-pat/accounts.json /home/user/.config/git-credential-pat/accounts.json.bak",
        },
      ],
    },
    {
      name: "warns when there is no token at all",
      input: {},
      want: [
        {
          status: "warn",
          message: "no tokens: git-credential-pat has nothing to give git",
          fix: "git-credential-pat login",
        },
      ],
    },
  ])("$name", ({ input, want }) => {
    expect(shown(checkTokens(facts(input)))).toEqual(want.map((w) => expect.objectContaining(w)));
  });
});

// Tokens no account describes: git stored them from its prompt (or import did).
describe("checkTokens on tokens git stored", () => {
  const held = (over: Partial<StoredToken> = {}, username = "octocat"): StoredToken => ({
    credential: { protocol: "https", host: "github.com", username, password: new Secret(CANARY.classic) },
    isTokenAsUsername: looksLikeToken(username),
    fingerprint: fingerprint(new Secret(looksLikeToken(username) ? username : CANARY.classic)),
    kind: "classic",
    facts: undefined,
    expiresAtMs: undefined,
    ...over,
  });
  const verified = (over: Partial<NonNullable<StoredToken["facts"]>> = {}) => ({
    host: "github.com",
    fingerprint: fingerprint(new Secret(CANARY.classic)),
    login: "octocat",
    kind: "classic" as const,
    scopes: ["repo"],
    checkedAtMs: NOW - DAY,
    check: "valid" as const,
    ...over,
  });
  it.each([
    {
      name: "warns about a token nobody verified, with the command that does",
      input: [held()],
      want: [
        {
          status: "warn",
          message:
            "octocat@github.com: a classic token git stored, never verified: its login, scopes and expiry are unknown",
          fix: "git-credential-pat verify --host github.com",
        },
      ],
    },
    {
      name: "passes a verified token that follows GitHub's advice, by its login",
      input: [held({ facts: verified(), expiresAtMs: NOW + 60 * DAY }, "x-access-token")],
      want: [
        { status: "ok", message: expect.stringMatching(/^octocat@github\.com: classic token, expires/) },
      ],
    },
    {
      name: "warns about scopes a git client never needs, and about no expiry",
      input: [held({ facts: verified({ scopes: ["repo", "admin:org"] }) })],
      want: [
        expect.objectContaining({ status: "warn", message: expect.stringContaining("(admin:org)") }),
        expect.objectContaining({ status: "warn", message: expect.stringContaining("never expires") }),
      ],
    },
    {
      name: "fails a token past the expiry git handed over",
      input: [held({ expiresAtMs: NOW - DAY })],
      want: [
        expect.objectContaining({
          status: "fail",
          message: expect.stringMatching(/^octocat@github\.com: token expired/),
        }),
        expect.objectContaining({ status: "warn" }),
      ],
    },
    {
      name: "describes a token git keeps as the username, and says to log out, not rotate, an expired one",
      input: [held({ expiresAtMs: NOW - DAY }, CANARY.classic2)],
      want: [
        {
          status: "fail",
          message: expect.stringMatching(/^ghp_… \(fp [0-9a-f]{8}\)@github\.com: token expired/),
          // Named by fingerprint: a bare `logout --host` would log out the host's default account.
          fix: expect.stringMatching(
            /^git-credential-pat logout --host github\.com --user 'fp [0-9a-f]{8}', then git-credential-pat login --host github\.com$/,
          ),
        },
        expect.objectContaining({ status: "warn", message: expect.not.stringContaining(CANARY.classic2) }),
      ],
    },
    {
      name: "counts a token git copied under several paths once",
      input: [
        held({ facts: verified(), expiresAtMs: NOW + 60 * DAY }),
        held({ facts: verified(), expiresAtMs: NOW + 60 * DAY }),
      ],
      want: [expect.objectContaining({ status: "ok" })],
    },
  ])("$name", ({ input, want }) => {
    expect(shown(checkTokens(facts({ storedTokens: input })))).toEqual(want);
  });

  it("does not say there are no tokens when the store holds one nobody logged in with", () => {
    const findings = checkTokens(facts({ storedTokens: [held()] }));
    expect(findings.map((finding) => finding.message)).not.toContain(
      "no tokens: git-credential-pat has nothing to give git",
    );
  });
});
