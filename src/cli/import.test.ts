import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { runImport, toImportOptions } from "./import.js";

const GIT_CREDENTIALS = "/home/user/.git-credentials";
const SOURCE = [
  `https://alice:${CANARY.classic}@github.com`,
  `http://bob:${CANARY.plain}@insecure.example`,
  "# a comment git would keep",
  `https://carol:${CANARY.fineGrained}@ghe.acme.com/acme/app.git`,
].join("\n");

function setup(content = `${SOURCE}\n`, mode = 0o600) {
  const deps = makeTestDeps();
  deps.vol.writeFileSync(GIT_CREDENTIALS, content, { mode });
  return deps;
}

const keychainAccounts = (deps: ReturnType<typeof makeTestDeps>) => [
  ...(deps.keyringImpl.services.get("git-credential-pat")?.keys() ?? []),
];

describe("toImportOptions", () => {
  it.each([
    { name: "defaults", argv: {}, want: { file: undefined, delete: false, json: false, store: undefined } },
    {
      name: "every flag",
      argv: { file: "/x", delete: true, json: true, store: "file" },
      want: { file: "/x", delete: true, json: true, store: "file" },
    },
  ])("$name", ({ argv, want }) => {
    expect(toImportOptions(argv)).toEqual(want);
  });
});

describe("runImport", () => {
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

  it("--delete removes exactly the moved lines and keeps the rest", async () => {
    const deps = setup();
    await runImport(toImportOptions({ delete: true }), deps);
    expect(deps.vol.readFileSync(GIT_CREDENTIALS, "utf8")).toBe(
      `http://bob:${CANARY.plain}@insecure.example\n# a comment git would keep\n`,
    );
    expect(deps.vol.statSync(GIT_CREDENTIALS).mode & 0o777).toBe(0o600);
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
    expect(deps.vol.readFileSync("/home/user/.local/share/git-credential-pat/credentials", "utf8")).toBe(
      `https://alice:${CANARY.classic}@github.com\n`,
    );
  });

  it("prints JSON with --json", async () => {
    const deps = setup();
    await runImport(toImportOptions({ json: true }), deps);
    const report = JSON.parse(deps.stdout());
    expect(
      report.credentials.map((c: { username: string; result: string }) => `${c.username}:${c.result}`),
    ).toEqual(["alice:imported", "bob:skipped", "carol:imported"]);
    expect(deps.stdout()).not.toContain(CANARY.classic);
  });

  it.each([
    { name: "no credentials file", prepare: makeTestDeps, opts: {}, want: { exitCode: 3 } },
    { name: "the memory store", prepare: () => setup(), opts: { store: "memory" }, want: { exitCode: 2 } },
    { name: "a world-readable file", prepare: () => setup(SOURCE, 0o644), opts: {}, want: { exitCode: 5 } },
  ])("refuses $name", async ({ prepare, opts, want }) => {
    await expect(runImport(toImportOptions(opts), prepare())).rejects.toMatchObject(want);
  });
});
