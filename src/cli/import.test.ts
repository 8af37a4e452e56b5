import { describe, expect, it } from "vitest";
import { CANARY, findCanaries } from "../../test/helpers/canary.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import { describe as describeToken, Secret } from "../secret.js";
import { KEYCHAIN_SERVICE } from "../stores/keyring-store.js";
import { runImport, toImportOptions } from "./import.js";

const GIT_CREDENTIALS = "/home/user/.git-credentials";
const STORE_FILE = "/home/user/.local/share/git-credential-pat/credentials";
const SOURCE = [
  `https://alice:${CANARY.classic}@github.com`,
  `http://bob:${CANARY.plain}@insecure.example`,
  "# a comment git would keep",
  `https://carol:${CANARY.fineGrained}@ghe.acme.com/acme/app.git`,
].join("\n");

/** Short names for the canaries: tables say T1, files and the keychain hold the token. */
const T = { T1: CANARY.classic, T2: CANARY.classic2, T3: CANARY.fineGrained } as const;
const withTokens = (text: string) => text.replace(/:(T\d)@/g, (_, name: keyof typeof T) => `:${T[name]}@`);
const label = (token: string) => Object.entries(T).find(([, value]) => value === token)?.[0] ?? "?";
const fp = (name: keyof typeof T) => describeToken(new Secret(T[name]));

function setup(content = `${SOURCE}\n`, mode = 0o600) {
  const deps = makeTestDeps();
  deps.vol.writeFileSync(GIT_CREDENTIALS, content, { mode });
  return deps;
}

const keychainAccounts = (deps: TestDeps) => [
  ...(deps.keyringImpl.services.get(KEYCHAIN_SERVICE)?.keys() ?? []),
];

/** The keychain as "account token-name" lines, sorted (a keychain keeps no order). */
const keychain = (deps: TestDeps) =>
  [...(deps.keyringImpl.services.get(KEYCHAIN_SERVICE) ?? [])]
    .map(([account, secret]) => `${account} ${label(secret)}`)
    .sort();

/** The exit status runImport ends with: 0 when it returns. */
async function exitOf(run: Promise<void>): Promise<number> {
  return run.then(
    () => 0,
    (error: { exitCode?: number }) => error.exitCode ?? -1,
  );
}

describe("toImportOptions", () => {
  it.each([
    {
      name: "defaults",
      argv: {},
      want: { file: undefined, delete: false, force: false, json: false, store: undefined },
    },
    {
      name: "every flag",
      argv: { file: "/x", delete: true, force: true, json: true, store: "file" },
      want: { file: "/x", delete: true, force: true, json: true, store: "file" },
    },
  ])("$name", ({ argv, want }) => {
    expect(toImportOptions(argv)).toEqual(want);
  });
});

describe("runImport into the keychain", () => {
  it.each([
    {
      name: "imports a repository line and the account-wide line below it, and --delete removes both",
      file: ["https://alice:T1@github.com/acme/app.git", "https://alice:T2@github.com"],
      keychain: [],
      opts: { delete: true },
      wantOut: [
        "imported https://github.com/acme/app.git (alice) into keychain",
        "imported https://github.com (alice) into keychain",
        `2 credentials imported from ${GIT_CREDENTIALS}; removed 2 lines from it (lines 1, 2)`,
      ],
      wantKeychain: ["https://alice@github.com T2", "https://alice@github.com/acme/app.git T1"],
      wantFile: [],
      wantExit: 0,
    },
    {
      name: "imports the first of two lines for one credential and keeps the later token, which git never served, in the file behind the first",
      file: ["https://alice:T1@github.com", "https://alice:T2@github.com", "https://alice:T1@github.com"],
      keychain: [],
      opts: { delete: true },
      wantOut: [
        "imported https://github.com (alice) into keychain",
        `skipped  https://github.com (alice), line 2: git never served this token (${fp("T2")}): line 1 comes first for the same credential`,
        "skipped  https://github.com (alice), line 3: the same token as line 1",
        `1 credential imported from ${GIT_CREDENTIALS}; removed 1 line from it (line 3)`,
        "kept line 1 in it although keychain holds its token: a later line for the same credential holds a token git never served, which git's credential-store would serve without it; once you know that token is stale, delete its line and run again",
        `${GIT_CREDENTIALS} still holds 1 token that keychain does not (line 2); see above`,
      ],
      wantKeychain: ["https://alice@github.com T1"],
      wantFile: ["https://alice:T1@github.com", "https://alice:T2@github.com"],
      wantExit: 1,
    },
    {
      name: "keeps a different token the keychain already holds, says so, and leaves the line",
      file: ["https://alice:T1@github.com", "https://bob:T3@github.com"],
      keychain: ["https://alice@github.com T2"],
      opts: { delete: true },
      wantOut: [
        `kept     the token already stored for https://github.com (alice), ${fp("T2")}; the file's is different (${fp("T1")}, line 1); --force replaces it`,
        "imported https://github.com (bob) into keychain",
        `1 credential imported from ${GIT_CREDENTIALS}; removed 1 line from it (line 2)`,
        `${GIT_CREDENTIALS} still holds 1 token that keychain does not (line 1); see above`,
      ],
      wantKeychain: ["https://alice@github.com T2", "https://bob@github.com T3"],
      wantFile: ["https://alice:T1@github.com"],
      wantExit: 1,
    },
    {
      name: "replaces a different stored token with --force",
      file: ["https://alice:T1@github.com"],
      keychain: ["https://alice@github.com T2"],
      opts: { delete: true, force: true },
      wantOut: [
        `replaced https://github.com (alice) in keychain: ${fp("T2")} with the file's ${fp("T1")} (--force)`,
        `1 credential imported from ${GIT_CREDENTIALS}, 1 of them replacing another token; removed 1 line from it (line 1)`,
      ],
      wantKeychain: ["https://alice@github.com T1"],
      wantFile: [],
      wantExit: 0,
    },
    {
      name: "counts a token the keychain already holds as there, and --delete removes its line",
      file: ["https://alice:T1@github.com"],
      keychain: ["https://alice@github.com T1"],
      opts: { delete: true },
      wantOut: [
        "present  https://github.com (alice): keychain already holds this token",
        `0 credentials imported from ${GIT_CREDENTIALS}, 1 already in keychain; removed 1 line from it (line 1)`,
      ],
      wantKeychain: ["https://alice@github.com T1"],
      wantFile: [],
      wantExit: 0,
    },
    {
      name: "does not remove a repository token the keychain holds when importing the account-wide line",
      file: ["https://alice:T1@github.com"],
      keychain: ["https://alice@github.com/acme/app.git T2"],
      opts: {},
      wantOut: [
        "imported https://github.com (alice) into keychain",
        `1 credential imported from ${GIT_CREDENTIALS}; to remove them from it run again with --delete`,
      ],
      wantKeychain: ["https://alice@github.com T1", "https://alice@github.com/acme/app.git T2"],
      wantFile: ["https://alice:T1@github.com"],
      wantExit: 0,
    },
    {
      name: "has nothing to act on in a file without an https credential (exit 3)",
      file: ["# only a comment", "http://bob:T1@insecure.example"],
      keychain: [],
      opts: { delete: true },
      wantOut: [
        "skipped  http://insecure.example (bob): not https",
        `nothing to import: ${GIT_CREDENTIALS} holds no https credential`,
      ],
      wantKeychain: [],
      wantFile: ["# only a comment", "http://bob:T1@insecure.example"],
      wantExit: 3,
    },
  ])("$name", async ({ file, keychain: before, opts, wantOut, wantKeychain, wantFile, wantExit }) => {
    const deps = setup(withTokens(file.map((line) => `${line}\n`).join("")));
    for (const item of before) {
      const [account, token] = item.split(" ") as [string, keyof typeof T];
      await deps.keyringImpl.set(KEYCHAIN_SERVICE, account, T[token]);
    }
    expect(await exitOf(runImport(toImportOptions(opts), deps))).toBe(wantExit);
    expect(deps.stdout()).toBe(wantOut.map((line) => `${line}\n`).join(""));
    expect(keychain(deps)).toEqual(wantKeychain);
    expect(deps.vol.readFileSync(GIT_CREDENTIALS, "utf8")).toBe(
      withTokens(wantFile.map((line) => `${line}\n`).join("")),
    );
    expect(deps.stderr()).toBe("");
  });

  it("moves https credentials from ~/.git-credentials into the keychain and reports them without tokens", async () => {
    const deps = setup();
    await runImport(toImportOptions({}), deps);
    expect(keychainAccounts(deps).sort()).toEqual([
      "https://alice@github.com",
      "https://carol@ghe.acme.com/acme/app.git",
    ]);
    expect(deps.stdout()).toBe(
      [
        "imported https://github.com (alice) into keychain",
        "skipped  http://insecure.example (bob): not https",
        "imported https://ghe.acme.com/acme/app.git (carol) into keychain",
        `2 credentials imported from ${GIT_CREDENTIALS}; to remove them from it run again with --delete`,
        "",
      ].join("\n"),
    );
    expect(deps.vol.readFileSync(GIT_CREDENTIALS, "utf8")).toBe(`${SOURCE}\n`);
  });

  it("describes a token git keeps as the username (https://TOKEN@host), in text and JSON, never shows it", async () => {
    for (const json of [false, true]) {
      const deps = setup(withTokens(`https://${T.T2}:x-oauth-basic@github.com\n`));
      await runImport(toImportOptions({ json }), deps);
      expect(findCanaries(deps.stdout())).toEqual([]);
      expect(deps.stdout()).toContain(
        json ? `"username": "ghp_… (fp ` : "imported https://github.com (ghp_… (fp ",
      );
    }
  });

  it("--delete removes exactly the moved lines and keeps the rest", async () => {
    const deps = setup();
    await runImport(toImportOptions({ delete: true }), deps);
    expect(deps.vol.readFileSync(GIT_CREDENTIALS, "utf8")).toBe(
      `http://bob:${CANARY.plain}@insecure.example\n# a comment git would keep\n`,
    );
    expect(deps.vol.statSync(GIT_CREDENTIALS).mode & 0o777).toBe(0o600);
  });

  it("--delete rewrites the file a symbolic link points to and keeps the link", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/dotfiles", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(
      "/home/user/.git-credentials-real",
      `https://alice:${CANARY.classic}@github.com\n# kept\n`,
      { mode: 0o600 },
    );
    deps.vol.symlinkSync("/home/user/.git-credentials-real", GIT_CREDENTIALS);
    await runImport(toImportOptions({ delete: true }), deps);
    expect(deps.vol.lstatSync(GIT_CREDENTIALS).isSymbolicLink()).toBe(true);
    expect(deps.vol.readFileSync("/home/user/.git-credentials-real", "utf8")).toBe("# kept\n");
  });

  it("--file takes ~/ as the home directory and refuses a relative path (exit 2) before touching anything", async () => {
    const deps = setup();
    await runImport(toImportOptions({ file: "~/.git-credentials", delete: true }), deps);
    expect(deps.vol.readFileSync(GIT_CREDENTIALS, "utf8")).not.toContain("alice");

    const fresh = setup();
    const before = fresh.vol.toJSON();
    await expect(
      runImport(toImportOptions({ file: ".git-credentials", delete: true }), fresh),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: '--file is a relative path (".git-credentials"); use an absolute path or one starting with ~/',
    });
    expect(fresh.vol.toJSON()).toEqual(before);
  });

  it("prints JSON with --json: every line's outcome, the token only as kind and fingerprint", async () => {
    const deps = setup(
      withTokens(
        "https://alice:T1@github.com\nhttps://alice:T2@github.com\nhttp://bob:T1@insecure.example\n",
      ),
    );
    await deps.keyringImpl.set(KEYCHAIN_SERVICE, "https://carol@github.com", CANARY.fineGrained);
    expect(await exitOf(runImport(toImportOptions({ json: true, delete: true }), deps))).toBe(1);
    expect(JSON.parse(deps.stdout())).toEqual({
      source: GIT_CREDENTIALS,
      store: "keychain",
      deleted: false,
      removedLines: [],
      shieldingLines: [1],
      leftInFile: [2],
      credentials: [
        {
          line: 1,
          protocol: "https",
          host: "github.com",
          username: "alice",
          result: "imported",
          token: fp("T1"),
          removed: false,
        },
        {
          line: 2,
          protocol: "https",
          host: "github.com",
          username: "alice",
          result: "never-served",
          token: fp("T2"),
          firstLine: 1,
          removed: false,
        },
        {
          line: 3,
          protocol: "http",
          host: "insecure.example",
          username: "bob",
          result: "skipped",
          reason: "not https",
          token: fp("T1"),
          removed: false,
        },
      ],
    });
  });

  it.each([
    { name: "no credentials file", prepare: makeTestDeps, opts: {}, want: { exitCode: 3 } },
    { name: "the memory store", prepare: () => setup(), opts: { store: "memory" }, want: { exitCode: 2 } },
    { name: "a world-readable file", prepare: () => setup(SOURCE, 0o644), opts: {}, want: { exitCode: 5 } },
    {
      name: "a file that is not text, leaving it as it is",
      prepare: () => setup(`https://alice:${CANARY.classic}@github.com\n\0\n`),
      opts: { delete: true },
      want: { exitCode: 1 },
    },
  ])("refuses $name", async ({ prepare, opts, want }) => {
    const deps = prepare();
    const before = deps.vol.toJSON();
    await expect(runImport(toImportOptions(opts), deps)).rejects.toMatchObject(want);
    expect(deps.vol.toJSON()).toEqual(before);
  });
});

describe("runImport into the file store", () => {
  function fileStoreSetup() {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.local/share/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(STORE_FILE, `https://alice:${CANARY.classic}@github.com\n`, { mode: 0o600 });
    return deps;
  }

  it("keeps the file's order in an empty file store, so it answers as git's credential-store did", async () => {
    const deps = setup(withTokens("https://bob:T2@github.com\nhttps://alice:T1@github.com/acme/app.git\n"));
    await runImport(toImportOptions({ store: "file" }), deps);
    expect(deps.vol.readFileSync(STORE_FILE, "utf8")).toBe(
      withTokens("https://bob:T2@github.com\nhttps://alice:T1@github.com/acme/app.git\n"),
    );
  });

  it("falls back to $XDG_CONFIG_HOME/git/credentials like git", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.config/git", { recursive: true });
    deps.vol.writeFileSync(
      "/home/user/.config/git/credentials",
      `https://alice:${CANARY.classic}@github.com\n`,
      {
        mode: 0o600,
      },
    );
    await runImport(toImportOptions({ store: "file" }), deps);
    expect(deps.vol.readFileSync(STORE_FILE, "utf8")).toBe(`https://alice:${CANARY.classic}@github.com\n`);
  });

  it.each([
    { name: "its own path", file: STORE_FILE, prepare: () => {} },
    {
      name: "its path with //",
      file: "/home/user/.local//share/git-credential-pat//credentials",
      prepare: () => {},
    },
    {
      name: "its path with /./ and ..",
      file: "/home/user/./.local/share/x/../git-credential-pat/credentials",
      prepare: () => {},
    },
    {
      name: "its path spelled with ~/",
      file: "~/.local/share/git-credential-pat/credentials",
      prepare: () => {},
    },
    {
      name: "a symbolic link to it",
      file: GIT_CREDENTIALS,
      prepare: (deps: TestDeps) => deps.vol.symlinkSync(STORE_FILE, GIT_CREDENTIALS),
    },
    {
      name: "a relative symbolic link to it",
      file: GIT_CREDENTIALS,
      prepare: (deps: TestDeps) =>
        deps.vol.symlinkSync(".local/share/git-credential-pat/credentials", GIT_CREDENTIALS),
    },
    {
      name: "a path through a symbolic link to its directory",
      file: "/home/user/data/credentials",
      prepare: (deps: TestDeps) =>
        deps.vol.symlinkSync("/home/user/.local/share/git-credential-pat", "/home/user/data"),
    },
    {
      name: "a hard link to it",
      file: GIT_CREDENTIALS,
      prepare: (deps: TestDeps) => deps.vol.linkSync(STORE_FILE, GIT_CREDENTIALS),
    },
  ])(
    "refuses to import the file store's own file under $name (exit 2), changing nothing",
    async ({ file, prepare }) => {
      const deps = fileStoreSetup();
      prepare(deps);
      const before = deps.vol.toJSON();
      await expect(
        runImport(toImportOptions({ file, delete: true, store: "file" }), deps),
      ).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringContaining("is the file store itself; nothing to import"),
      });
      expect(deps.vol.toJSON()).toEqual(before);
      expect(deps.stdout()).toBe("");
    },
  );

  it("imports the file store's file into the keychain: another store", async () => {
    const deps = fileStoreSetup();
    await runImport(toImportOptions({ file: STORE_FILE, delete: true, store: "keychain" }), deps);
    expect(keychain(deps)).toEqual(["https://alice@github.com T1"]);
    expect(deps.vol.readFileSync(STORE_FILE, "utf8")).toBe("");
  });
});
