// Issue 16 with both built artifacts against the loopback fake GitHub: `login --web` hands a fake
// browser ($BROWSER, a script recording its argv) the host's token page, prefilled and with no
// token in it; `rotate --revoke-old` and `logout --revoke` revoke through POST
// /credentials/revoke (github.com-style without authentication, GHES-style with it) and say what
// happened for 202, 422, 404, a spent rate limit and a timeout. A revoke that fails never undoes
// the local change: the store and accounts.json still show it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fingerprint, Secret } from "../../src/secret.js";
import { type Artifact, artifacts, runArtifact, uniqueHost } from "../helpers/artifacts.js";
import { CANARY, findCanaries } from "../helpers/canary.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const OLD = CANARY.classic;
const NEW = CANARY.classic2;
const OLD_NAMED = `ghp_… (fp ${fingerprint(new Secret(OLD))})`;

describe.each(artifacts())("token pages and revoking, with the $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  let api: FakeGithubApi;
  let host: string;

  beforeEach(async () => {
    sandbox = await createSandbox();
    sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
    sandbox.env.GIT_CREDENTIAL_PAT_API_TIMEOUT_MS = "1500";
    api = await startFakeGithubApi();
    api.tokens.set(OLD, { login: "alice", scopes: ["repo"] });
    api.tokens.set(NEW, { login: "alice", scopes: ["repo"] });
    host = uniqueHost();
  });
  afterEach(async () => {
    await api.close();
    await sandbox.cleanup();
  });

  const cli = async (args: string[], input = "") => {
    const result = await runArtifact(artifact, args, { input, env: sandbox.env, timeoutMs: 30_000 });
    const output = { code: result.code, stdout: result.stdout.toString("utf8"), stderr: result.stderr };
    expect(findCanaries(output.stdout + output.stderr)).toEqual([]);
    return output;
  };
  const storeFile = () => readFile(join(sandbox.home, ".local/share/git-credential-pat/credentials"), "utf8");
  const accountsFile = async () =>
    JSON.parse(await readFile(join(sandbox.home, ".config/git-credential-pat/accounts.json"), "utf8")) as {
      accounts: Array<{ host: string; fingerprint: string }>;
    };

  describe("login --web", () => {
    /** A fake browser: records how many arguments it got, then each, one a line. */
    const fakeBrowser = async () => {
      const log = join(sandbox.root, "browser.log");
      const browser = join(sandbox.root, "bin", "fake-browser");
      await writeFile(browser, `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > '${log}'\n`, { mode: 0o755 });
      sandbox.env.BROWSER = browser;
      return { browser, argv: async () => (await readFile(log, "utf8")).split("\n").slice(0, -1) };
    };

    it.each([
      { name: "the default scope", flags: [], scopes: "repo" },
      { name: "--scopes", flags: ["--scopes", "repo,workflow"], scopes: "repo,workflow" },
    ])(
      "opens the host's prefilled classic page with $name, no token in it, then logs in",
      async ({ flags, scopes }) => {
        const { browser, argv } = await fakeBrowser();
        const result = await cli(
          ["login", "--web", "--with-token", "--host", host, "--api-url", api.url, ...flags],
          `${OLD}\n`,
        );
        expect(result.code).toBe(0);
        const [count, opened] = await argv();
        expect(count).toBe("1");
        const url = new URL(opened as string);
        expect(`${url.origin}${url.pathname}`).toBe(`https://${host}/settings/tokens/new`);
        expect(url.searchParams.get("scopes")).toBe(scopes);
        expect(url.searchParams.get("description")).toMatch(/^git-credential-pat on \S+ \d{4}-\d\d-\d\d$/);
        expect(findCanaries(opened as string)).toEqual([]);
        expect(result.stderr).toContain(`Opened the classic page with $BROWSER (${browser}).`);
        expect(result.stderr).toContain(
          `  fine-grained: https://${host}/settings/personal-access-tokens/new`,
        );
        expect(result.stdout).toMatch(new RegExp(`^Logged in to ${host.replace(".", "\\.")} as alice`));
      },
    );

    it("without an opener prints the page and logs in all the same (exit 0)", async () => {
      sandbox.env.BROWSER = join(sandbox.root, "bin", "no-such-browser");
      const result = await cli(
        ["login", "--web", "--with-token", "--host", host, "--api-url", api.url],
        `${OLD}\n`,
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        `  classic:      https://${host}/settings/tokens/new?scopes=repo&description=`,
      );
      expect(result.stderr).toMatch(
        /could not open a browser \(\$BROWSER \(.*no-such-browser\): not found\)/,
      );
    });

    it("a piped token without --web prints no guidance", async () => {
      const result = await cli(["login", "--with-token", "--host", host, "--api-url", api.url], `${OLD}\n`);
      expect([result.code, result.stderr]).toEqual([0, ""]);
    });
  });

  const STYLES = [
    { style: "github.com-style, without authentication", apiUrl: () => api.url, hasAuthorization: false },
    { style: "GHES-style, authenticated", apiUrl: () => api.ghesUrl, hasAuthorization: true },
  ];
  const notRevoked = (why: string | RegExp) =>
    new RegExp(
      `git-credential-pat: ${OLD_NAMED.replace(/[()]/g, "\\$&")} not revoked on ${host.replace(".", "\\.")}: ${typeof why === "string" ? why : why.source}; it still works until you delete it at https://${host.replace(".", "\\.")}/settings/tokens\\n`,
    );

  /** Each failure: how to make the fake answer it, and the reason the command gives. */
  const FAILURES: Array<{ name: string; arrange: (revokePath: string) => void; why: () => RegExp }> = [
    {
      name: "404 (GHES before 3.19): not supported by this host",
      arrange: (path) => api.setMode("not-found", path),
      why: () => /not supported by this host: .* has no POST \/credentials\/revoke \(404; [^;]*\)/,
    },
    {
      name: "403 with the rate limit spent: rate-limited",
      arrange: (path) => api.setMode("rate-limited", path),
      why: () => /rate-limited: .* rate limit exceeded \(403\); it resets at 2030-01-01T00:00:00\.000Z/,
    },
    {
      name: "no answer: failed after the API timeout",
      arrange: (path) => api.setMode("hang", path),
      why: () =>
        /failed: .* did not answer within 1\.5 s; set GIT_CREDENTIAL_PAT_API_TIMEOUT_MS to wait longer/,
    },
  ];

  describe.each(STYLES)("$style", ({ apiUrl, hasAuthorization }) => {
    const login = async () => {
      const result = await cli(["login", "--with-token", "--host", host, "--api-url", apiUrl()], `${OLD}\n`);
      expect([result.code, result.stderr]).toEqual([0, ""]);
    };
    const revokePath = () => `${new URL(apiUrl()).pathname.replace(/\/$/, "")}/credentials/revoke`;
    const rotate = () => cli(["rotate", "--with-token", "--revoke-old", "--host", host], `${NEW}\n`);
    const logout = () => cli(["logout", "--revoke", "--host", host]);
    const rotated = async () => {
      expect(await storeFile()).toContain(NEW);
      expect(await storeFile()).not.toContain(OLD);
      expect((await accountsFile()).accounts.map((entry) => entry.fingerprint)).toEqual([
        fingerprint(new Secret(NEW)),
      ]);
    };
    const loggedOut = async () => {
      expect(await storeFile()).not.toContain(host);
      expect((await accountsFile()).accounts).toEqual([]);
    };

    describe.each([
      {
        command: "rotate --revoke-old",
        run: rotate,
        report: /^Rotated the token for alice@/,
        changed: rotated,
      },
      { command: "logout --revoke", run: logout, report: /^Logged out alice from /, changed: loggedOut },
    ])("$command", ({ run, report, changed }) => {
      it("202: the old token revoked once the local change is made", async () => {
        await login();
        const result = await run();
        expect([result.code, result.stderr]).toEqual([0, ""]);
        expect(result.stdout).toMatch(report);
        expect(result.stdout).toContain(`Revoked ${OLD_NAMED} on ${host}\n`);
        expect(api.revokeRequests).toEqual([{ path: revokePath(), hasAuthorization }]);
        expect(api.tokens.has(OLD)).toBe(false);
        await changed();
      });

      it.each(FAILURES)("$name: exit 1, the local change stays made", async ({ arrange, why }) => {
        await login();
        arrange(revokePath());
        const result = await run();
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(report);
        expect(result.stderr).toMatch(notRevoked(why()));
        expect(api.tokens.has(OLD)).toBe(true);
        await changed();
      });
    });
  });

  it.each([
    {
      command: "logout --revoke",
      args: ["logout", "--revoke"],
      input: "",
      stays: (file: string) => !file.includes(OLD),
    },
    {
      command: "rotate --revoke-old",
      args: ["rotate", "--with-token", "--revoke-old"],
      input: `${NEW}\n`,
      stays: (file: string) => file.includes(NEW),
    },
  ])(
    "$command, 422 (a token GitHub does not know): failed with GitHub's message; the local change stays",
    async ({ args, input, stays }) => {
      const loggedIn = await cli(["login", "--with-token", "--host", host, "--api-url", api.url], `${OLD}\n`);
      expect(loggedIn.code).toBe(0);
      api.tokens.delete(OLD);
      const result = await cli([...args, "--host", host], input);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        notRevoked(
          /failed: http:\/\/127\.0\.0\.1:\d+ answered 422: Validation Failed: a credential is not valid \(request id FAKE:\w+\)/,
        ),
      );
      expect(stays(await storeFile())).toBe(true);
    },
  );
});
