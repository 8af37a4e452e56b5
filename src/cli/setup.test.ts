// runSetup against memfs and a fake `git config` that keeps each config file in memfs as
// `key=value` lines (so the byte-exact undo is exercised on real files), with gh's runF tables.
import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import type { Account } from "../accounts/account.js";
import { updateAccounts } from "../accounts/accounts-file.js";
import type { PlatformBinary, Spawn, SpawnResult } from "../platform/deps.js";
import { VERSION } from "../version.js";
import { isOnPath, runSetup, type SetupOptions, toSetupOptions } from "./setup.js";
import { setupStatePath } from "./setup-state.js";

const GLOBAL = "/home/user/.gitconfig";
const REPO_CONFIG = "/repo/.git/config";
const SELF = "/usr/local/bin/git-credential-pat";
const GH = "credential.https://github.com.helper";

interface FakeGit {
  calls: string[][];
  /** A `git config` command that fails like git does when it cannot lock the file. */
  failing?: RegExp;
}

/** git's key comparison: section and variable names ignore case, the subsection does not. */
function normalizeKey(key: string): string {
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  return `${key.slice(0, first).toLowerCase()}${key.slice(first, last)}${key.slice(last).toLowerCase()}`;
}

function installFakeGit(deps: TestDeps, options: { repoConfig?: string } = {}): FakeGit {
  const fake: FakeGit = { calls: [] };
  const ok = (stdout = ""): SpawnResult => ({ code: 0, stdout, stderr: "" });
  const spawn: Spawn = async (file, args) => {
    fake.calls.push([file, ...args]);
    if (file === "sh") return ok("/work\n");
    if (file !== "git") throw new Error(`unexpected spawn ${file}`);
    if (args[0] === "rev-parse") {
      return options.repoConfig
        ? ok(`${options.repoConfig}\n`)
        : {
            code: 128,
            stdout: "",
            stderr: "fatal: not a git repository (or any of the parent directories): .git\n",
          };
    }
    const command = args.join(" ");
    if (fake.failing?.test(command)) {
      return {
        code: 255,
        stdout: "",
        stderr: `error: could not lock config file ${GLOBAL}: Permission denied\n`,
      };
    }
    let rest = args.slice(1);
    let path: string;
    if (rest[0] === "--global") path = (deps.env.GIT_CONFIG_GLOBAL as string | undefined) ?? GLOBAL;
    else if (rest[0] === "--local") path = options.repoConfig as string;
    else if (rest[0] === "--file") {
      const given = rest[1] as string;
      path = given.startsWith("/") ? given : `/work/${given}`;
      rest = rest.slice(1);
    } else throw new Error(`unexpected git ${command}`);
    rest = rest.slice(1);
    const entries = deps.vol.existsSync(path)
      ? String(deps.vol.readFileSync(path, "utf8"))
          .split("\n")
          .filter(Boolean)
          .map(
            (line) =>
              [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as [string, string],
          )
      : [];
    const save = () => {
      deps.vol.mkdirSync(path.slice(0, path.lastIndexOf("/")) || "/", { recursive: true });
      deps.vol.writeFileSync(path, entries.map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o644 });
    };
    const [action, name = "", value = ""] = rest.filter((arg) => arg !== "--null" && arg !== "--show-origin");
    const key = normalizeKey(name);
    const matching = () => entries.filter(([k]) => normalizeKey(k) === key);
    switch (action) {
      case "--get-all": {
        const values = matching().map(([, v]) => v);
        if (values.length === 0) return { code: 1, stdout: "", stderr: "" };
        const origin = rest.includes("--show-origin") ? `file:${path}\0` : "";
        return ok(`${origin}${values.map((v) => `${v}\0`).join("")}`);
      }
      case "--replace-all": {
        const at = entries.findIndex(([k]) => normalizeKey(k) === key);
        const kept = entries.filter(([k]) => normalizeKey(k) !== key);
        kept.splice(at < 0 ? kept.length : at, 0, [name, value]);
        entries.splice(0, entries.length, ...kept);
        save();
        return ok();
      }
      case "--add": {
        const last = entries.findLastIndex(([k]) => normalizeKey(k) === key);
        entries.splice(last < 0 ? entries.length : last + 1, 0, [name, value]);
        save();
        return ok();
      }
      case "--unset-all": {
        if (matching().length === 0) return { code: 5, stdout: "", stderr: "" };
        const kept = entries.filter(([k]) => normalizeKey(k) !== key);
        entries.splice(0, entries.length, ...kept);
        save();
        return ok();
      }
      default:
        throw new Error(`unexpected git ${command}`);
    }
  };
  deps.spawn = spawn;
  return fake;
}

function options(overrides: Partial<SetupOptions> = {}): SetupOptions {
  return { hosts: [], target: { scope: "global" }, undo: false, json: false, ...overrides };
}

function setupDeps(env: Record<string, string> = {}) {
  const deps = makeTestDeps({ env });
  const git = installFakeGit(deps, { repoConfig: REPO_CONFIG });
  return { deps, git };
}

const read = (deps: TestDeps, path = GLOBAL) => String(deps.vol.readFileSync(path, "utf8"));
const withAccounts = (deps: TestDeps, accounts: Account[]) => updateAccounts(() => accounts, deps);

describe("toSetupOptions", () => {
  it.each([
    { name: "defaults to every known host in the global config", argv: {}, want: options() },
    {
      name: "lower-cases hosts",
      argv: { host: ["GHE.Acme.com", "127.0.0.1:4711"] },
      want: options({ hosts: ["ghe.acme.com", "127.0.0.1:4711"] }),
    },
    { name: "takes --local", argv: { local: true }, want: options({ target: { scope: "local" } }) },
    {
      name: "takes --file",
      argv: { file: "ci.gitconfig" },
      want: options({ target: { scope: "file", path: "ci.gitconfig" } }),
    },
    {
      name: "takes --undo and --json",
      argv: { undo: true, json: true },
      want: options({ undo: true, json: true }),
    },
  ])("$name", ({ argv, want }) => {
    expect(toSetupOptions(argv)).toEqual(want);
  });

  it.each([
    {
      name: "--global with --local",
      argv: { global: true, local: true },
      want: "use one of --global, --local and --file",
    },
    { name: "--local with --file", argv: { local: true, file: "x" }, want: "use one of" },
    { name: "an empty --file", argv: { file: " " }, want: "--file needs a path" },
    { name: "a URL as --host", argv: { host: ["https://github.com"] }, want: "--host must be a host name" },
    { name: "--undo with --host", argv: { undo: true, host: ["github.com"] }, want: "it takes no --host" },
  ])("refuses $name (exit 2)", ({ argv, want }) => {
    expect(() => toSetupOptions(argv)).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining(want) }),
    );
  });
});

describe("runSetup", () => {
  it("resets the helper list for github.com and adds this helper, saying what it did", async () => {
    const { deps } = setupDeps();
    await runSetup(options(), deps);
    expect(read(deps)).toBe(`${GH}=\n${GH}=${SELF}\n`);
    expect(deps.stdout()).toBe(
      [
        `Setting up git-credential-pat for github.com in ${GLOBAL}`,
        `set ${GH} = "" (reset the helper list)`,
        `add ${GH} = "${SELF}"`,
        "Undo with: git-credential-pat setup --undo",
        "",
      ].join("\n"),
    );
    expect(deps.stderr()).toBe("");
    expect(deps.vol.statSync(setupStatePath(deps.paths)).mode & 0o777).toBe(0o600);
  });

  it("writes pat when git-credential-pat is an executable on PATH", async () => {
    const { deps } = setupDeps({ PATH: "relative/bin:/usr/bin:/opt/tools/bin/" });
    deps.vol.mkdirSync("/relative/bin", { recursive: true });
    deps.vol.mkdirSync("/usr/bin", { recursive: true });
    deps.vol.writeFileSync("/usr/bin/git-credential-pat", "not executable", { mode: 0o644 });
    deps.vol.mkdirSync("/opt/tools/bin", { recursive: true });
    deps.vol.writeFileSync("/opt/tools/bin/git-credential-pat", "#!", { mode: 0o755 });
    await runSetup(options(), deps);
    expect(read(deps)).toBe(`${GH}=\n${GH}=pat\n`);
  });

  describe("as the Node build, installed by npm", () => {
    const NODE = ["/usr/bin/node", "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs"];
    const BINARY =
      "/usr/lib/node_modules/git-credential-pat/node_modules/@git-credential-pat/linux-x64/bin/git-credential-pat";
    const nodeDeps = (binary: PlatformBinary, env: Record<string, string> = {}) => {
      const { deps } = setupDeps(env);
      deps.selfCommand = NODE;
      deps.platformBinary = async () => binary;
      return deps;
    };
    const found = (path: string, version = VERSION): PlatformBinary => ({
      kind: "found",
      path,
      packageName: "@git-credential-pat/linux-x64",
      version,
    });

    it("writes the platform binary's absolute path, though the Node launcher is on PATH", async () => {
      const deps = nodeDeps(found(BINARY), { PATH: "/usr/bin" });
      deps.vol.mkdirSync("/usr/bin", { recursive: true });
      deps.vol.writeFileSync("/usr/bin/git-credential-pat", "#!", { mode: 0o755 });
      await runSetup(options(), deps);
      expect(read(deps)).toBe(`${GH}=\n${GH}=${BINARY}\n`);
    });

    it("replaces an old version's path on the next setup, and --undo still restores what was there first", async () => {
      const deps = nodeDeps(
        found("/home/u/.nvm/versions/node/v20.19.0/lib/node_modules/x/bin/git-credential-pat"),
      );
      deps.vol.mkdirSync("/home/user", { recursive: true });
      deps.vol.writeFileSync(GLOBAL, "credential.helper=manager\n");
      await runSetup(options(), deps);
      deps.platformBinary = async () => found(BINARY);
      await runSetup(options(), deps);
      expect(read(deps)).toBe(`credential.helper=manager\n${GH}=\n${GH}=${BINARY}\n`);
      expect(deps.stdout()).toContain(`add ${GH} = "${BINARY}"`);
      await runSetup(options({ undo: true }), deps);
      expect(read(deps)).toBe("credential.helper=manager\n");
    });

    it.each([
      {
        name: "no binary is published for this platform",
        binary: { kind: "none", reason: "none for freebsd-x64" },
      },
      { name: "npm did not install the platform package", binary: { kind: "none", reason: "not installed" } },
      { name: "the package found is another version", binary: found(BINARY, "0.0.1") },
    ] as const)("writes the Node build when $name", async ({ binary }) => {
      const deps = nodeDeps(binary);
      await runSetup(options(), deps);
      expect(read(deps)).toBe(`${GH}=\n${GH}=${NODE.join(" ")}\n`);
    });

    it("writes a Windows path with forward slashes, quoted for git's sh", async () => {
      const deps = nodeDeps(
        found(
          "C:\\Users\\Jane Doe\\AppData\\Roaming\\npm\\node_modules\\git-credential-pat\\node_modules\\@git-credential-pat\\win32-x64\\bin\\git-credential-pat.exe",
        ),
      );
      deps.platform = "win32";
      await runSetup(options(), deps);
      expect(read(deps)).toBe(
        `${GH}=\n${GH}=!'C:/Users/Jane Doe/AppData/Roaming/npm/node_modules/git-credential-pat/node_modules/@git-credential-pat/win32-x64/bin/git-credential-pat.exe'\n`,
      );
    });
  });

  it.each([
    { name: "finds git-credential-pat.exe on a Windows PATH", platform: "win32", want: true },
    { name: "does not split a Windows PATH at the drive's colon", platform: "linux", want: false },
  ])("$name", async ({ platform, want }) => {
    const files = new Set(["C:\\Users\\a\\bin/git-credential-pat.exe"]);
    const fs = {
      stat: async (path: string) => {
        if (!files.has(path)) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
        return { isFile: () => true, mode: 0o666 };
      },
    } as never;
    const env = { PATH: "C:\\Windows\\system32;C:\\Users\\a\\bin" };
    await expect(isOnPath("git-credential-pat", { env, fs, platform })).resolves.toBe(want);
  });

  it("sets up account hosts and GH_HOST, with useHttpPath where owners are routed", async () => {
    const { deps } = setupDeps({ GH_HOST: "ghe.env.com", GITHUB_ENTERPRISE_TOKEN: "x" });
    await withAccounts(deps, [
      account("github.com", "alice"),
      account("ghe.acme.com", "bot", { owners: ["acme"] }),
    ]);
    await runSetup(options(), deps);
    expect(read(deps).split("\n")).toEqual([
      `${GH}=`,
      `${GH}=${SELF}`,
      "credential.https://ghe.acme.com.helper=",
      `credential.https://ghe.acme.com.helper=${SELF}`,
      "credential.https://ghe.acme.com.useHttpPath=true",
      "credential.https://ghe.env.com.helper=",
      `credential.https://ghe.env.com.helper=${SELF}`,
      "",
    ]);
  });

  it("changes nothing the second time and says so", async () => {
    const { deps, git } = setupDeps();
    await runSetup(options(), deps);
    const before = read(deps);
    const state = String(deps.vol.readFileSync(setupStatePath(deps.paths)));
    git.calls.length = 0;
    await runSetup(options(), deps);
    expect(read(deps)).toBe(before);
    expect(String(deps.vol.readFileSync(setupStatePath(deps.paths)))).toBe(state);
    expect(
      git.calls.filter((call) => call.some((arg) => /^--(replace-all|add|unset-all)$/.test(arg))),
    ).toEqual([]);
    expect(deps.stdout()).toMatch(
      /git already uses git-credential-pat for github.com in \/home\/user\/.gitconfig; nothing changed\n$/,
    );
  });

  it("reports the changes as JSON", async () => {
    const { deps } = setupDeps();
    await runSetup(options({ json: true, hosts: ["ghe.acme.com"] }), deps);
    expect(JSON.parse(deps.stdout())).toEqual({
      file: GLOBAL,
      scope: "global",
      helper: SELF,
      hosts: ["ghe.acme.com"],
      changes: [{ key: "credential.https://ghe.acme.com.helper", before: [], after: ["", SELF] }],
    });
  });

  it("writes the repository's config with --local and a relative --file against the working directory", async () => {
    const { deps } = setupDeps();
    await runSetup(options({ target: { scope: "local" } }), deps);
    expect(read(deps, REPO_CONFIG)).toBe(`${GH}=\n${GH}=${SELF}\n`);
    await runSetup(options({ target: { scope: "file", path: "ci.gitconfig" } }), deps);
    expect(read(deps, "/work/ci.gitconfig")).toBe(`${GH}=\n${GH}=${SELF}\n`);
    expect(deps.stdout()).toContain("Undo with: git-credential-pat setup --undo --file ci.gitconfig");
    expect(deps.vol.existsSync(GLOBAL)).toBe(false);
  });

  it("fails with git's message for --local outside a repository (exit 1)", async () => {
    const deps = makeTestDeps();
    installFakeGit(deps);
    await expect(runSetup(options({ target: { scope: "local" } }), deps)).rejects.toMatchObject({
      exitCode: 1,
      message:
        "--local needs a git repository: fatal: not a git repository (or any of the parent directories): .git",
    });
  });

  it("fails with git's message when git cannot write, and --undo takes back what it did write", async () => {
    const { deps, git } = setupDeps();
    deps.vol.writeFileSync(GLOBAL, "user.name=X\n", { mode: 0o644 });
    git.failing = /--add/;
    await expect(runSetup(options(), deps)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining(
        `failed: error: could not lock config file ${GLOBAL}: Permission denied`,
      ),
    });
    expect(read(deps)).toBe(`user.name=X\n${GH}=\n`);
    expect(deps.stdout()).toContain(`set ${GH} = "" (reset the helper list)`);
    git.failing = undefined;
    await runSetup(options({ undo: true }), deps);
    expect(read(deps)).toBe("user.name=X\n");
  });
});

describe("runSetup --undo", () => {
  it("removes a config file setup created", async () => {
    const { deps } = setupDeps();
    await runSetup(options(), deps);
    await runSetup(options({ undo: true }), deps);
    expect(deps.vol.existsSync(GLOBAL)).toBe(false);
    expect(deps.stdout()).toContain(
      [
        `Undoing setup in ${GLOBAL}`,
        `unset ${GH} (it was not set before setup)`,
        `${GLOBAL} is back to exactly what it was before setup`,
      ].join("\n"),
    );
    expect(JSON.parse(String(deps.vol.readFileSync(setupStatePath(deps.paths))))).toEqual({
      version: 1,
      targets: [],
    });
  });

  it("gives back the exact bytes and mode after several setups", async () => {
    const { deps } = setupDeps();
    const original = `user.name=X\n${GH}=manager\ncredential.helper=store`;
    deps.vol.writeFileSync(GLOBAL, original, { mode: 0o640 });
    await runSetup(options(), deps);
    await runSetup(options({ hosts: ["ghe.acme.com"] }), deps);
    await runSetup(options({ undo: true }), deps);
    expect(read(deps)).toBe(original);
    expect(deps.vol.statSync(GLOBAL).mode & 0o777).toBe(0o640);
    expect(deps.stdout()).toContain(`restored ${GH} = "manager"`);
    expect(deps.stderr()).toBe("");
  });

  it("restores key by key, keeping unrelated edits made since", async () => {
    const { deps } = setupDeps();
    deps.vol.writeFileSync(GLOBAL, "user.name=X\n", { mode: 0o644 });
    await runSetup(options({ hosts: ["github.com", "ghe.acme.com"] }), deps);
    deps.vol.appendFileSync(GLOBAL, "alias.co=checkout\n");
    await runSetup(options({ undo: true }), deps);
    expect(read(deps)).toBe("user.name=X\nalias.co=checkout\n");
    expect(deps.stdout()).not.toContain("back to exactly");
  });

  it("does not clobber a key edited after setup: says so and exits 1", async () => {
    const { deps } = setupDeps();
    await runSetup(options({ hosts: ["github.com", "ghe.acme.com"] }), deps);
    deps.vol.appendFileSync(GLOBAL, `${GH}=cache\n`);
    await expect(runSetup(options({ undo: true }), deps)).rejects.toMatchObject({ exitCode: 1, message: "" });
    expect(read(deps)).toBe(`${GH}=\n${GH}=${SELF}\n${GH}=cache\n`);
    expect(deps.stdout()).toContain(
      "unset credential.https://ghe.acme.com.helper (it was not set before setup)",
    );
    expect(deps.stderr()).toBe(
      `git-credential-pat: could not restore ${GH}: it was changed after setup (now "", "${SELF}", "cache"; setup set "", "${SELF}"; before setup: unset); left as it is\n`,
    );
  });

  it("has nothing to undo twice", async () => {
    const { deps } = setupDeps();
    await runSetup(options(), deps);
    await runSetup(options({ undo: true }), deps);
    await runSetup(options({ undo: true }), deps);
    expect(deps.stdout()).toMatch(/Nothing to undo: setup has not changed \/home\/user\/.gitconfig\n$/);
  });

  it("undoes only the config it is pointed at", async () => {
    const { deps } = setupDeps();
    await runSetup(options(), deps);
    await runSetup(options({ target: { scope: "local" } }), deps);
    await runSetup(options({ undo: true, target: { scope: "local" } }), deps);
    expect(deps.vol.existsSync(REPO_CONFIG)).toBe(false);
    expect(read(deps)).toBe(`${GH}=\n${GH}=${SELF}\n`);
  });

  it("refuses a broken state file and names it", async () => {
    const { deps } = setupDeps();
    deps.vol.mkdirSync("/home/user/.local/state/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(setupStatePath(deps.paths), '{"version":1,"targets":[{"file":1}]}', {
      mode: 0o600,
    });
    await expect(runSetup(options({ undo: true }), deps)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('setup.json targets[0] must have a "file" and "edits"'),
    });
  });
});
