// The "remotes" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { CANARY } from "../../../test/helpers/canary.js";
import { facts, GIT_DIR, global, local, repo, shown } from "../../../test/helpers/doctor-facts.js";
import { fingerprint, Secret } from "../../secret.js";
import type { DoctorFacts } from "./facts.js";
import { checkRemotes } from "./remotes.js";

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
});
