// rotate --revoke-old and logout --revoke against a stubbed GitHub (github-fetch-stub.ts): the
// local change first, then one line per token; a token not revoked leaves the change made and
// the command exits 1. Also the guidance rotate prints before its prompt.
import { describe, expect, it } from "vitest";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { githubFetchStub, type StubRevokeAnswer } from "../../test/helpers/github-fetch-stub.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import { updateAccountsData } from "../accounts/accounts-file.js";
import { exitCodeOf } from "../errors.js";
import { describe as describeToken, fingerprint, Secret } from "../secret.js";
import { openStore } from "../stores/open-store.js";
import { runLogout, toLogoutOptions } from "./logout.js";
import { runRotate, toRotateOptions } from "./rotate.js";

const OLD = CANARY.classic;
const NEW = CANARY.classic2;
const OLD_NAMED = describeToken(new Secret(OLD));

async function setup() {
  const stub = githubFetchStub({ [NEW]: { login: "alice", scopes: ["repo"] } });
  const deps = makeTestDeps({ fetch: stub.fetch });
  const store = await openStore("keychain", {}, deps);
  await store.store({ protocol: "https", host: "github.com", username: "alice", password: new Secret(OLD) });
  return { deps, stub };
}

/** What verify would have recorded about OLD: whose it is, and its scopes when given. */
function recordFacts(deps: TestDeps, login: string, extra: { scopes?: string[]; apiUrl?: string } = {}) {
  return updateAccountsData(
    () => ({
      accounts: [],
      tokens: [
        {
          host: "github.com",
          fingerprint: fingerprint(new Secret(OLD)),
          login,
          kind: "classic" as const,
          ...extra,
          checkedAtMs: 0,
          check: "valid" as const,
        },
      ],
    }),
    deps,
  );
}

const keychain = (deps: TestDeps) =>
  Object.fromEntries(deps.keyringImpl.services.get("git-credential-pat") ?? []);

/** The exit code a run ends with (0: it resolved). */
const exitOf = (run: Promise<void>) => run.then(() => 0, exitCodeOf);

const NOT_REVOKED = (why: string) =>
  `git-credential-pat: ${OLD_NAMED} not revoked on github.com: ${why}; it still works until you delete it at https://github.com/settings/tokens\n`;

const CASES: Array<{ name: string; answer: StubRevokeAnswer; exit: number; stderr: string }> = [
  { name: "202: revoked, exit 0", answer: { status: 202 }, exit: 0, stderr: "" },
  {
    name: "404: not supported by this host, exit 1",
    answer: { status: 404, message: "Not Found" },
    exit: 1,
    stderr: NOT_REVOKED(
      "not supported by this host: https://api.github.com has no POST /credentials/revoke (404; GitHub Enterprise Server has it from 3.19)",
    ),
  },
  {
    name: "422: failed with GitHub's message, exit 1",
    answer: { status: 422, message: "Validation Failed" },
    exit: 1,
    stderr: NOT_REVOKED("failed: https://api.github.com answered 422: Validation Failed (request id STUB:3)"),
  },
  {
    name: "403 with the limit spent: rate-limited, exit 1",
    answer: {
      status: 403,
      message: "API rate limit exceeded",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000" },
    },
    exit: 1,
    stderr: NOT_REVOKED(
      "rate-limited: https://api.github.com rate limit exceeded (403); it resets at 2030-01-01T00:00:00.000Z",
    ),
  },
];

describe("rotate --revoke-old", () => {
  it.each(CASES)("$name; the new token stays stored", async ({ answer, exit, stderr }) => {
    const { deps, stub } = await setup();
    stub.revoke = answer;
    deps.setStdin(`${NEW}\n`);
    expect(await exitOf(runRotate(toRotateOptions({ withToken: true, revokeOld: true }), deps))).toBe(exit);
    expect(keychain(deps)).toEqual({ "https://alice@github.com": NEW });
    expect(stub.calls.map(({ url, authorized }) => ({ url, authorized }))).toEqual([
      { url: "https://api.github.com/user", authorized: true },
      { url: "https://api.github.com/credentials/revoke", authorized: false },
    ]);
    expect(deps.stdout().includes(`Revoked ${OLD_NAMED} on github.com\n`)).toBe(exit === 0);
    expect(deps.stderr()).toBe(stderr);
    expect(findCanaries(deps.stdout() + deps.stderr())).toEqual([]);
  });

  it("without --revoke-old asks GitHub nothing more than GET /user", async () => {
    const { deps, stub } = await setup();
    deps.setStdin(`${NEW}\n`);
    await runRotate(toRotateOptions({ withToken: true }), deps);
    expect(stub.calls.map(({ url }) => url)).toEqual(["https://api.github.com/user"]);
  });

  it("a new token GitHub refuses is never stored, and the old one is not revoked", async () => {
    const { deps, stub } = await setup();
    deps.setStdin(`${CANARY.fineGrained}\n`);
    expect(await exitOf(runRotate(toRotateOptions({ withToken: true, revokeOld: true }), deps))).toBe(4);
    expect(keychain(deps)).toEqual({ "https://alice@github.com": OLD });
    expect(stub.calls.map(({ url }) => url)).toEqual(["https://api.github.com/user"]);
  });

  it("--web: the page prefilled with the old token's scopes, opened before the prompt", async () => {
    const { deps } = await setup();
    // A server's (or a hand-edited file's) scopes that are no scope names stay out of the URL.
    await recordFacts(deps, "alice", { scopes: ["repo", "read:org", "x&description=PWNED", "a b"] });
    const spawned: string[][] = [];
    deps.spawn = async (file, args) => {
      spawned.push([file, ...args]);
      return { code: 0, stdout: "", stderr: "" };
    };
    deps.setStdin(`${NEW}\n`);
    await exitOf(runRotate(toRotateOptions({ withToken: true, web: true, force: true }), deps));
    expect(spawned).toEqual([
      [
        "xdg-open",
        "https://github.com/settings/tokens/new?scopes=repo,read:org&description=git-credential-pat%20on%20laptop%202026-11-22",
      ],
    ]);
    expect(deps.stderr()).toMatch(/^Create the new token for alice on github\.com:\n/);
  });
});

describe("rotate --revoke-old, where", () => {
  it("revokes at the API the old token was checked with, not the one --api-url names for the new token", async () => {
    const { deps, stub } = await setup();
    await recordFacts(deps, "alice", { apiUrl: "https://ghe-a.acme.com/api/v3" });
    deps.setStdin(`${NEW}\n`);
    await exitOf(
      runRotate(
        toRotateOptions({
          withToken: true,
          revokeOld: true,
          force: true,
          apiUrl: "https://ghe-b.acme.com/api/v3",
        }),
        deps,
      ),
    );
    expect(stub.calls.map(({ url }) => url)).toEqual([
      "https://ghe-b.acme.com/api/v3/user",
      "https://ghe-a.acme.com/api/v3/credentials/revoke",
    ]);
  });
});

describe("logout --revoke, what", () => {
  it("sends no password that is not a token (a GHES account's) to be revoked", async () => {
    const stub = githubFetchStub({});
    const deps = makeTestDeps({ fetch: stub.fetch });
    const store = await openStore("keychain", {}, deps);
    await store.store({
      protocol: "https",
      host: "github.com",
      username: "alice",
      password: new Secret("hunter2-pw"),
    });
    expect(await exitOf(runLogout(toLogoutOptions({ user: "alice", revoke: true }), deps))).toBe(0);
    expect(stub.calls).toEqual([]);
    expect(deps.stdout()).toMatch(
      /… \(fp [0-9a-f]{8}\) is not a token \(a password\?\): nothing to revoke\n$/,
    );
  });
});

describe("logout --revoke", () => {
  it.each(CASES)("$name; the token stays removed here", async ({ answer, exit, stderr }) => {
    const { deps, stub } = await setup();
    stub.revoke = answer;
    expect(await exitOf(runLogout(toLogoutOptions({ user: "alice", revoke: true }), deps))).toBe(exit);
    expect(keychain(deps)).toEqual({});
    expect(stub.calls).toEqual([{ url: "https://api.github.com/credentials/revoke", authorized: false }]);
    expect(deps.stdout().includes(`Revoked ${OLD_NAMED} on github.com\n`)).toBe(exit === 0);
    expect(deps.stderr()).toBe(stderr);
  });

  it("without --revoke asks GitHub nothing", async () => {
    const { deps, stub } = await setup();
    await runLogout(toLogoutOptions({ user: "alice" }), deps);
    expect(stub.calls).toEqual([]);
  });

  it("does not revoke a token another login's entry still holds (it would cut bob off too), exit 1", async () => {
    const { deps, stub } = await setup();
    // The same token pasted at bob's prompt too.
    const store = await openStore("keychain", {}, deps);
    await store.store({ protocol: "https", host: "github.com", username: "bob", password: new Secret(OLD) });
    await recordFacts(deps, "bob");
    expect(await exitOf(runLogout(toLogoutOptions({ user: "alice", revoke: true }), deps))).toBe(1);
    expect(Object.keys(keychain(deps))).toEqual(["https://bob@github.com"]);
    expect(stub.calls).toEqual([]);
    expect(deps.stderr()).toBe(
      NOT_REVOKED(
        "other entries here still hold it (another login's, or a remote URL's); log them out first",
      ),
    );
  });
});
