// Faults in the files around the helper, with the built artifacts and the real git: a socket path
// taken by a file or by someone else's directory, a broken config.json or accounts.json, a config
// directory the user cannot write (run as nobody: root ignores permission bits), and a full disk
// (a tiny tmpfs). git is never held up, and nothing stored is lost or rewritten.
import { spawnSync } from "node:child_process";
import { chmod, chown, copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, DIST_DIR, type RunResult, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const NOBODY = 65534;
const HOST = "faults.example";
const REQUEST = `protocol=https\nhost=${HOST}\n\n`;
const approve = (user: string, token: string) =>
  `protocol=https\nhost=${HOST}\nusername=${user}\npassword=${token}\n\n`;
/** git never waits more than this on the helper in any of these faults. */
const BOUND_MS = 3000;

const isRoot = process.getuid?.() === 0;
const canMount =
  isRoot &&
  spawnSync("sh", [
    "-c",
    "d=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs $d && umount $d; s=$?; rmdir $d; exit $s",
  ]).status === 0;
/** Only a machine where this cannot run skips; with CI=true that is a failure instead. */
const itIf = (condition: boolean) => (condition || process.env.CI === "true" ? it : it.skip);

/** Every file under `dir` (recursively) with its bytes, for "nothing changed" checks. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path] = (await readFile(path)).toString("base64");
  }
  return out;
}

const lockFiles = (files: Record<string, string>) =>
  Object.keys(files).filter((path) => /\.lock$/.test(path));

/** The helper's own message lines (git's and dbus's are not ours). */
const ourLines = (stderr: string) =>
  stderr.split("\n").filter((line) => line.startsWith("git-credential-pat:") || line.startsWith("hint:"));

describe.each(artifacts())("faults in files with the $name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;
  let configDir: string;
  /** The artifact as nobody can run it: a clone of the repository may sit in a 0700 directory. */
  let nobodyArgv: string[] | undefined;

  const run = async (
    args: string[],
    input = "",
    options: { env?: Record<string, string>; asNobody?: boolean } = {},
  ) => {
    const argv = options.asNobody
      ? [
          "setpriv",
          `--reuid=${NOBODY}`,
          `--regid=${NOBODY}`,
          "--clear-groups",
          "--",
          ...(nobodyArgv ?? artifact.argv),
          ...args,
        ]
      : [...artifact.argv, ...args];
    const result = await runCommand(argv, {
      input,
      env: { ...sandbox.env, ...options.env },
      timeoutMs: 15_000,
    });
    if (!args.includes("get")) recordOutput(`${args.join(" ")} stdout`, result.stdout.toString());
    recordOutput(`${args.join(" ")} stderr`, result.stderr);
    return result;
  };
  const fileHelper = (args: string[], input: string, options: { asNobody?: boolean } = {}) =>
    run(["--store=file", "--timeout=0", ...args], input, options);
  const gitFill = async (helperOptions: string) => {
    const started = performance.now();
    const result = await sandbox.git(
      [
        "-c",
        "credential.helper=",
        "-c",
        `credential.helper=${artifact.helperCommand} ${helperOptions}`,
        "credential",
        "fill",
      ],
      { input: REQUEST, timeoutMs: 15_000 },
    );
    recordOutput("git fill stderr", result.stderr);
    return { ...result, durationMs: performance.now() - started };
  };
  const expectAnswered = (result: RunResult, token: string) => {
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain(`password=${token}\n`);
    expect(result.durationMs).toBeLessThan(BOUND_MS);
  };

  beforeEach(async () => {
    sandbox = await createSandbox();
    configDir = join(sandbox.home, ".config", "git-credential-pat");
    sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
  });
  afterEach(async () => {
    await run(["exit"]);
    await sandbox.cleanup();
    nobodyArgv = undefined;
  });

  describe("the cache socket path", () => {
    let socketDir: string;
    let socket: string;
    beforeEach(async () => {
      socketDir = join(sandbox.root, "sock");
      socket = join(socketDir, "socket");
      expect((await fileHelper(["store"], approve("alice", CANARY.classic))).code).toBe(0);
    });

    it.each([
      {
        name: "a regular file",
        make: async () => {
          await mkdir(socketDir, { mode: 0o700 });
          await writeFile(socket, "not a socket");
        },
        expected: () => `${socket} is not a socket; remove it or pick another --socket`,
      },
      {
        name: "a directory owned by someone else",
        make: async () => {
          await mkdir(socketDir, { mode: 0o700 });
          await mkdir(socket, { mode: 0o700 });
          await chown(socket, NOBODY, NOBODY);
        },
        expected: () => `${socket} is not a socket; remove it or pick another --socket`,
      },
      {
        name: "in a directory owned by someone else",
        make: async () => {
          await mkdir(socketDir, { mode: 0o700 });
          await chown(socketDir, NOBODY, NOBODY);
        },
        expected: () => `${socketDir} is owned by another user (uid ${NOBODY}); refusing to use it`,
      },
    ])(
      "$name: refused with a clear message, git answered from the store at once",
      async ({ make, expected: expectedOf }) => {
        await make();
        const before = await tree(sandbox.root);
        const expected = expectedOf();

        const memory = await run(
          [`--socket=${socket}`, "--store=memory", "store"],
          approve("bob", CANARY.classic2),
        );
        expect(memory.code).toBe(5);
        expect(ourLines(memory.stderr)[0]).toBe(`git-credential-pat: ${expected}`);

        const fill = await gitFill(`--store=file --socket=${socket}`);
        expect(fill.code).toBe(0);
        expect(fill.stdout).toContain(`password=${CANARY.classic}\n`);
        expect(fill.stderr).toContain(`git-credential-pat: warning: cache skipped: ${expected}`);
        expect(fill.durationMs).toBeLessThan(BOUND_MS);
        expect(sandbox.askpassLog()).toEqual([]);
        // Nothing was removed, replaced or started in its place.
        expect(await tree(sandbox.root)).toEqual(before);
        expect((await stat(socket).catch(() => undefined))?.isSocket() ?? false).toBe(false);
      },
    );
  });

  describe("a broken config.json or accounts.json", () => {
    const BROKEN = [
      { name: "truncated", content: '{\n  "store": "fi' },
      { name: "empty", content: "" },
      { name: "not JSON", content: "store = file\n" },
    ];

    it.each(BROKEN)(
      "config.json $name: one line naming it, never rewritten, git not held up",
      async ({ content }) => {
        await mkdir(configDir, { recursive: true, mode: 0o700 });
        const config = join(configDir, "config.json");
        await writeFile(config, content, { mode: 0o600 });
        const before = await tree(sandbox.home);
        const message = `git-credential-pat: config file ${config} is not valid JSON`;

        const get = await run(["--timeout=0", "get"], REQUEST);
        expect([get.code, get.stdout.toString(), ourLines(get.stderr)[0]]).toEqual([1, "", message]);
        expect(get.durationMs).toBeLessThan(BOUND_MS);
        for (const args of [
          ["login", "--with-token", "--no-verify", "--user", "alice", "--host", HOST],
          ["logout", "--host", HOST],
          ["verify"],
          ["--timeout=0", "store"],
        ]) {
          const result = await run(
            args,
            args.includes("store") ? approve("alice", CANARY.classic) : `${CANARY.classic}\n`,
          );
          expect(result.code, args.join(" ")).not.toBe(0);
          expect(result.stderr, args.join(" ")).not.toContain(CANARY.classic);
          if (!args.includes("logout") && !args.includes("verify"))
            expect(ourLines(result.stderr)[0]).toBe(message);
        }
        expect(await tree(sandbox.home)).toEqual(before);
      },
    );

    it.each(BROKEN)(
      "accounts.json $name: commands refuse it and change nothing; git still gets its token",
      async ({ content }) => {
        expect((await fileHelper(["store"], approve("alice", CANARY.classic))).code).toBe(0);
        const accounts = join(configDir, "accounts.json");
        await mkdir(configDir, { recursive: true, mode: 0o700 });
        await writeFile(accounts, content, { mode: 0o600 });
        const before = await tree(sandbox.home);
        const message = `git-credential-pat: accounts file ${accounts} is not valid JSON`;

        for (const [args, input] of [
          [
            ["login", "--with-token", "--no-verify", "--user", "alice", "--host", HOST, "--store", "file"],
            `${CANARY.classic2}\n`,
          ],
          [["rotate", "--with-token", "--host", HOST], `${CANARY.classic2}\n`],
          [["logout", "--host", HOST], ""],
          [["verify"], ""],
          [["list"], ""],
          [["setup", "--host", HOST], ""],
        ] as const) {
          const result = await run([...args], input);
          expect(result.code, args.join(" ")).toBe(1);
          expect(ourLines(result.stderr)[0], args.join(" ")).toBe(message);
          expect(ourLines(result.stderr)[1], args.join(" ")).toBe(
            `hint: fix it, or move it aside and log in again: mv "${accounts}" "${accounts}.bak"`,
          );
        }
        // The token login was given went nowhere: the store and accounts.json are byte for byte as they were.
        expect(await tree(sandbox.home)).toEqual(before);

        const fill = await gitFill("--store=file --timeout=0");
        expect(fill.code).toBe(0);
        expect(fill.stdout).toContain(`password=${CANARY.classic}\n`);
        expect(fill.stderr).toContain(
          `git-credential-pat: warning: accounts file ${accounts} is not valid JSON; account metadata ignored`,
        );
        expect(fill.durationMs).toBeLessThan(BOUND_MS);
      },
    );
  });

  describe("a read-only config directory (chmod 0500, as user nobody)", () => {
    itIf(isRoot)("get still answers; login fails naming the lock file and stores nothing", async () => {
      expect(isRoot, "needs root to run the helper as nobody").toBe(true);
      await chown(sandbox.root, NOBODY, NOBODY);
      for (const dir of [
        sandbox.home,
        join(sandbox.home, ".config"),
        join(sandbox.home, ".local"),
        join(sandbox.home, ".local/share"),
        join(sandbox.home, ".cache"),
        join(sandbox.root, "run"),
      ]) {
        await chown(dir, NOBODY, NOBODY);
      }
      // dist/ copied where nobody can read it: the sandbox, now nobody's.
      const dist = join(sandbox.root, "dist");
      await mkdir(dist, { mode: 0o755 });
      for (const file of ["git-credential-pat", "cli.cjs", "commands.mjs"]) {
        await copyFile(join(DIST_DIR, file), join(dist, file));
        await chmod(join(dist, file), 0o755);
      }
      nobodyArgv = artifact.argv.map((word) =>
        word.startsWith(DIST_DIR) ? join(dist, basename(word)) : word,
      );
      const asNobody = { asNobody: true };
      const seeded = await run(
        ["login", "--with-token", "--no-verify", "--user", "alice", "--host", HOST, "--store", "file"],
        `${CANARY.classic}\n`,
        asNobody,
      );
      expect([seeded.code, seeded.stderr]).toEqual([0, ""]);
      await chmod(configDir, 0o500);
      const before = await tree(sandbox.home);

      const get = await fileHelper(["get"], REQUEST, asNobody);
      expectAnswered(get, CANARY.classic);

      const login = await run(
        ["login", "--with-token", "--no-verify", "--user", "alice", "--host", HOST, "--store", "file"],
        `${CANARY.classic2}\n`,
        asNobody,
      );
      expect(login.code).toBe(1);
      expect(ourLines(login.stderr)).toEqual([
        `git-credential-pat: cannot create ${join(configDir, "accounts.json.lock")} (EACCES)`,
      ]);
      const logout = await run(["logout", "--host", HOST], "", asNobody);
      expect(logout.code).toBe(1);
      expect(logout.stderr).toContain(`cannot create ${join(configDir, "accounts.json.lock")} (EACCES)`);
      expect(await tree(sandbox.home)).toEqual(before);
      expectAnswered(await fileHelper(["get"], REQUEST, asNobody), CANARY.classic);
    });
  });

  describe("a full disk (a 64 KiB tmpfs holds the store)", () => {
    let mountPoint: string | undefined;
    afterEach(() => {
      if (mountPoint) spawnSync("umount", ["-l", mountPoint]);
      mountPoint = undefined;
    });

    itIf(canMount)(
      "store and login fail with ENOSPC, the old store survives intact, git is not held up",
      async () => {
        expect(canMount, "needs root and mount for a tiny tmpfs").toBe(true);
        const mnt = join(sandbox.root, "full");
        await mkdir(mnt);
        expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mnt]).status).toBe(0);
        mountPoint = mnt;
        const file = join(mnt, "credentials");
        const env = { GIT_CREDENTIAL_PAT_FILE: file };
        expect(
          (await run(["--store=file", "--timeout=0", "store"], approve("alice", CANARY.classic), { env }))
            .code,
        ).toBe(0);
        // Fill what is left: dd stops with ENOSPC.
        spawnSync("dd", ["if=/dev/zero", `of=${join(mnt, "filler")}`, "bs=4096"], { stdio: "ignore" });
        const before = await readFile(file, "utf8");

        const store = await run(["--store=file", "--timeout=0", "store"], approve("bob", CANARY.classic2), {
          env,
        });
        expect(store.code).toBe(1);
        expect(ourLines(store.stderr)[0]).toBe(
          `git-credential-pat: cannot write ${file} (ENOSPC); stored credentials are unchanged`,
        );
        expect(store.durationMs).toBeLessThan(BOUND_MS);

        const approveViaGit = await sandbox.git(
          [
            "-c",
            "credential.helper=",
            "-c",
            `credential.helper=${artifact.helperCommand} --store=file --timeout=0`,
            "credential",
            "approve",
          ],
          { input: approve("carol", CANARY.fineGrained), env, timeoutMs: 15_000 },
        );
        recordOutput("git approve stderr", approveViaGit.stderr);
        expect(approveViaGit.stderr).toContain("(ENOSPC); stored credentials are unchanged");

        const login = await run(
          ["login", "--with-token", "--no-verify", "--user", "alice", "--host", HOST, "--store", "file"],
          `${CANARY.classic2}\n`,
          { env },
        );
        expect(login.code).toBe(1);
        expect(login.stderr).toContain("(ENOSPC)");

        expect(await readFile(file, "utf8")).toBe(before);
        expect((await readdir(mnt)).sort()).toEqual(["credentials", "filler"]);
        expect(lockFiles(await tree(sandbox.home))).toEqual([]);
        // accounts.json was not written either: login stopped before it.
        expect(await stat(join(configDir, "accounts.json")).catch(() => "absent")).toBe("absent");
        const get = await run(["--store=file", "--timeout=0", "get"], REQUEST, { env });
        expectAnswered(get, CANARY.classic);
      },
    );
  });
});
