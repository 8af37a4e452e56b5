// Guided token creation: the pages' URLs (host, scopes, a note; never the API URL, never a token),
// --scopes, when guidance prints, and what it says and opens.
import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { UsageError } from "../errors.js";
import {
  classicTokenUrl,
  fineGrainedTokenUrl,
  guideTokenCreation,
  parseScopes,
  shouldGuide,
  tokenDescription,
  tokenSettingsUrl,
} from "./new-token-guide.js";

describe("token pages", () => {
  it.each([
    {
      name: "github.com's classic page takes scopes and an encoded note",
      host: "github.com",
      scopes: ["repo"],
      want: "https://github.com/settings/tokens/new?scopes=repo&description=git-credential-pat%20on%20laptop%202026-11-22",
    },
    {
      name: "a GHES host's page is on the host itself, port kept, never the API",
      host: "ghe.acme.com:8443",
      scopes: ["repo", "workflow"],
      want: "https://ghe.acme.com:8443/settings/tokens/new?scopes=repo,workflow&description=git-credential-pat%20on%20laptop%202026-11-22",
    },
  ])("$name", ({ host, scopes, want }) => {
    expect(classicTokenUrl(host, scopes, tokenDescription("laptop", Date.UTC(2026, 10, 22)))).toBe(want);
  });

  it("encodes a machine name that would break the URL", () => {
    expect(classicTokenUrl("github.com", ["repo"], tokenDescription("a&b=c#d", 0))).toBe(
      "https://github.com/settings/tokens/new?scopes=repo&description=git-credential-pat%20on%20a%26b%3Dc%23d%201970-01-01",
    );
  });

  it("links the fine-grained page and the settings pages", () => {
    expect(fineGrainedTokenUrl("github.com")).toBe("https://github.com/settings/personal-access-tokens/new");
    expect(tokenSettingsUrl("ghe.acme.com", false)).toBe("https://ghe.acme.com/settings/tokens");
    expect(tokenSettingsUrl("ghe.acme.com", true)).toBe(
      "https://ghe.acme.com/settings/personal-access-tokens",
    );
  });

  it.each(["github.com@evil.io", "ghe.acme.com/x", "a b", ""])("refuses the host %j", (host) => {
    expect(() => fineGrainedTokenUrl(host)).toThrow(UsageError);
  });
});

describe("parseScopes", () => {
  it.each([
    { name: "absent is undefined", value: undefined, want: undefined },
    { name: "splits, trims and drops repeats", value: " repo, workflow,repo ", want: ["repo", "workflow"] },
    { name: "keeps scopes with a colon", value: "repo,read:org", want: ["repo", "read:org"] },
  ])("$name", ({ value, want }) => {
    expect(parseScopes(value)).toEqual(want);
  });

  it.each([
    { name: "an empty list", value: " , ", want: /scope names separated by commas/ },
    { name: "a scope with a URL's characters", value: "repo&x=1", want: /got "repo&x=1"/ },
    { name: "a token, which would go into the URL", value: CANARY.classic, want: /looks like a token/ },
  ])("refuses $name", ({ value, want }) => {
    expect(() => parseScopes(value)).toThrow(want);
  });
});

describe("shouldGuide", () => {
  it.each([
    { name: "a person at a terminal", isWeb: false, withToken: false, isTTY: true, want: true },
    { name: "a pipe (a script) without --web", isWeb: false, withToken: false, isTTY: false, want: false },
    { name: "--with-token at a terminal", isWeb: false, withToken: true, isTTY: true, want: false },
    { name: "--web, even with the token piped", isWeb: true, withToken: true, isTTY: false, want: true },
  ])("$name: $want", ({ isWeb, withToken, isTTY, want }) => {
    expect(shouldGuide({ isWeb, withToken }, { isStdinTTY: isTTY })).toBe(want);
  });
});

describe("guideTokenCreation", () => {
  const CLASSIC =
    "https://github.com/settings/tokens/new?scopes=repo&description=git-credential-pat%20on%20laptop%202026-11-22";
  const GUIDE = [
    "Create a token for git on github.com:",
    `  classic:      ${CLASSIC}`,
    "                scopes repo (to push .github/workflows files too: --scopes repo,workflow)",
    "  fine-grained: https://github.com/settings/personal-access-tokens/new",
    "                pick the resource owner, the repositories, Contents: read and write (Workflows too, to push workflow files), an expiry",
    "  expiry: GitHub's default is 30 days; git-credential-pat warns 7 days ahead (GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS)",
  ];
  const opts = {
    host: "github.com",
    scopes: ["repo"],
    what: "a token for git",
    isWeb: false,
    isFineGrained: false,
  };

  it("prints the pages and the advice on stderr, opening nothing without --web", async () => {
    const deps = makeTestDeps();
    await guideTokenCreation(opts, deps);
    expect(deps.stderr()).toBe(`${GUIDE.join("\n")}\n`);
    expect(deps.stdout()).toBe("");
    expect(deps.spawnCalls).toEqual([]);
  });

  it("says nothing of workflow when the scopes have it", async () => {
    const deps = makeTestDeps();
    await guideTokenCreation({ ...opts, scopes: ["repo", "workflow"] }, deps);
    expect(deps.stderr().split("\n")[2]).toBe("                scopes repo, workflow");
  });

  it("says the expiry warning is off when it is", async () => {
    const deps = makeTestDeps();
    Object.assign(deps, { env: { GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS: "0" } });
    await guideTokenCreation(opts, deps);
    expect(deps.stderr()).toContain(
      "GitHub's default is 30 days; git-credential-pat's expiry warning is off (GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS=0)",
    );
  });

  it("--web opens the classic page and says with what", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 0, stdout: "", stderr: "" }] });
    await guideTokenCreation({ ...opts, isWeb: true }, deps);
    expect(deps.spawnCalls).toEqual([{ file: "xdg-open", args: [CLASSIC] }]);
    expect(deps.stderr()).toBe(`${[...GUIDE, "Opened the classic page with xdg-open."].join("\n")}\n`);
  });

  it("--web without an opener leaves the printed URL, failing nothing", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 127, stdout: "", stderr: "spawn xdg-open ENOENT" }] });
    await guideTokenCreation({ ...opts, isWeb: true }, deps);
    expect(deps.stderr()).toContain(
      "git-credential-pat: could not open a browser (xdg-open: not found); open the page above yourself\n",
    );
  });

  it("a fine-grained old token: its page first, and that one opened", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 0, stdout: "", stderr: "" }] });
    await guideTokenCreation({ ...opts, isWeb: true, isFineGrained: true }, deps);
    expect(deps.spawnCalls).toEqual([
      { file: "xdg-open", args: ["https://github.com/settings/personal-access-tokens/new"] },
    ]);
    expect(deps.stderr().split("\n")[1]).toBe(
      "  fine-grained: https://github.com/settings/personal-access-tokens/new",
    );
  });
});
