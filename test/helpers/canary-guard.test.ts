// The canary guard checks itself: each way a leak can be captured is fed a canary here and the
// guard's own check (assertNoCanaries on what takeRecorded drains) must fail, naming where and
// never the token. Draining first keeps the suite-wide afterEach from failing these tests.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CANARY, CANARY_VALUES, maskCanaries } from "./canary.js";
import {
  assertNoCanaries,
  assertNoLeaks,
  canaryLeaks,
  recordOutput,
  recordStdout,
  scanTree,
  stripAnswerSecrets,
  takeLeaks,
} from "./canary-guard.js";
import { createSandbox, isStoreFile } from "./git-sandbox.js";
import { makeTestDeps } from "./test-deps.js";

const REPO = join(fileURLToPath(import.meta.url), "..", "..", "..");

/** Drains the guard and returns where it found canaries (the afterEach then sees nothing). */
async function drainLeaks(): Promise<string[]> {
  return takeLeaks();
}

describe("assertNoCanaries", () => {
  it.each(CANARY_VALUES.map((value) => ({ value })))(
    "fails on a leaked canary and names where, not what",
    ({ value }) => {
      const check = () => assertNoCanaries([{ label: "stderr of something", text: `oops ${value} oops` }]);
      expect(check).toThrow(/leaked into: stderr of something/);
      try {
        check();
      } catch (error) {
        expect((error as Error).message).not.toContain(value);
      }
      // The toThrow above recorded the guard's own error; it names no token, so nothing to drain.
    },
  );

  it("passes clean text, and masks a canary that a label itself quotes", () => {
    expect(() => assertNoCanaries([{ label: "stdout", text: "username=alice\n" }])).not.toThrow();
    expect(maskCanaries(`get ${CANARY.classic}`)).toBe("get <canary>");
  });
});

describe("stripAnswerSecrets", () => {
  it("removes only the password line of a credential answer", () => {
    const answer = `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\npassword_expiry_utc=1\n`;
    expect(stripAnswerSecrets(answer)).toBe(
      "protocol=https\nhost=github.com\nusername=alice\npassword_expiry_utc=1\n",
    );
  });

  it("removes git 2.46's credential and oauth_refresh_token lines of an answer too", () => {
    const answer = `capability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\noauth_refresh_token=${CANARY.plain}\n`;
    expect(stripAnswerSecrets(answer)).toBe("capability[]=authtype\nauthtype=Bearer\n");
  });

  it("keeps a password line that is not part of an answer, so the leak is still found", () => {
    const report = `github.com  alice\npassword=${CANARY.classic}\n`;
    expect(canaryLeaks([{ label: "list", text: stripAnswerSecrets(report) }])).toEqual(["list"]);
  });

  it("exempts the password line only for get and fill", async () => {
    const answer = `username=alice\npassword=${CANARY.plain}\n`;
    recordStdout("helper get", ["git-credential-pat", "get"], answer);
    recordStdout("git credential fill", ["credential", "fill"], answer);
    recordStdout("helper store", ["git-credential-pat", "store"], answer);
    expect(await drainLeaks()).toEqual(["helper store"]);
  });
});

describe("recorded output", () => {
  it("fails the check for anything recorded with a canary in it", async () => {
    recordOutput("stderr", `git-credential-pat: bad token ${CANARY.fineGrained}`);
    const found = await takeLeaks();
    expect(() => assertNoLeaks(found)).toThrow(/leaked into: stderr/);
  });
});

describe("errors caught by expect", () => {
  it("records an error that expect().rejects caught", async () => {
    await expect(Promise.reject(new Error(`no ${CANARY.classic}`))).rejects.toThrow(/no/);
    expect(await drainLeaks()).toContain("error caught by expect().rejects");
  });

  it("records an error that expect(fn).toThrow() caught, including its cause", async () => {
    const thrower = () => {
      throw new Error("outer", { cause: new Error(CANARY.classic2) });
    };
    expect(thrower).toThrow("outer");
    expect(await drainLeaks()).toEqual(["error caught by expect().toThrow"]);
  });
});

describe("makeTestDeps", () => {
  it("checks spawn argv and env, stdout but a get answer's password line, and memfs files but the store", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 0, stdout: "", stderr: "" }] });
    await deps.spawn("git", ["config", "--get", "x"], { env: { GH_TOKEN: CANARY.classic }, timeoutMs: 1000 });
    expect(await drainLeaks()).toEqual(["spawn git env"]);

    deps.io.out.write(`username=alice\npassword=${CANARY.classic}\n`);
    await deps.fs.mkdir("/home/user/.local/share/git-credential-pat", { recursive: true });
    await deps.fs.writeFile(
      "/home/user/.local/share/git-credential-pat/credentials",
      `https://a:${CANARY.classic}@h\n`,
    );
    expect(await drainLeaks()).toEqual([]);

    await deps.fs.writeFile("/home/user/.local/share/git-credential-pat/credentials.tmp", CANARY.classic);
    deps.io.err.write(`warning: ${CANARY.plain}\n`);
    deps.log.debug(CANARY.plain);
    expect(await drainLeaks()).toEqual([
      "stderr",
      "log",
      "memfs file /home/user/.local/share/git-credential-pat/credentials.tmp",
    ]);
  });

  it("records the argv of an unexpected spawn before throwing it", async () => {
    const deps = makeTestDeps();
    await expect(deps.spawn("git", ["clone", CANARY.plain], { env: {}, timeoutMs: 1000 })).rejects.toThrow(
      /unexpected spawn/,
    );
    expect(new Set(await drainLeaks())).toEqual(
      new Set([
        "spawn git argv",
        "unexpected spawn",
        "error caught by expect().rejects",
        "error caught by expect().toThrow",
      ]),
    );
  });
});

describe("sandbox files", () => {
  it("finds a canary in any sandbox file but the store files, and skips git's object store", async () => {
    const root = await mkdtemp(join(tmpdir(), "gcp-canary-scan-"));
    try {
      const env = { HOME: join(root, "home") };
      const store = join(root, "home/.local/share/git-credential-pat/credentials");
      await mkdir(join(store, ".."), { recursive: true });
      await writeFile(store, `https://a:${CANARY.classic}@h\n`);
      await mkdir(join(root, "repo/.git/objects/ab"), { recursive: true });
      await writeFile(join(root, "repo/.git/HEAD"), "ref: refs/heads/main\n");
      await writeFile(join(root, "repo/.git/objects/ab/cdef"), CANARY.classic); // compressed in real life
      await writeFile(
        join(root, "repo/.git/config"),
        `[remote "origin"]\n\turl = https://a:${CANARY.classic}@h/r.git\n`,
      );
      await writeFile(join(root, "home/.local/share/git-credential-pat/credentials.lock"), CANARY.classic);
      const files = await scanTree(root, { isExempt: (path) => isStoreFile(path, root, env) });
      expect(canaryLeaks(files).map((label) => label.replace(/ \(in .*\)$/, ""))).toEqual([
        "file home/.local/share/git-credential-pat/credentials.lock",
        "file repo/.git/config",
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("makes sandbox.cleanup() fail when a file in the sandbox holds a canary", async () => {
    const sandbox = await createSandbox();
    await writeFile(join(sandbox.home, "notes.txt"), CANARY.plain);
    await expect(sandbox.cleanup()).rejects.toThrow(/leaked into: file home\/notes.txt/);
    await takeLeaks(); // cleanup's own error, caught above, names no token.
  });

  it("records sandbox.git's stdout and stderr", async () => {
    const sandbox = await createSandbox();
    try {
      await sandbox.git(["config", "--global", "user.name", CANARY.plain]);
      await sandbox.git(["config", "--global", "user.name"]);
      await rm(join(sandbox.root, "gitconfig"));
      expect(await drainLeaks()).toEqual(["git config --global user.name: stdout"]);
    } finally {
      await sandbox.cleanup();
    }
  });
});

describe("snapshots", () => {
  it("no snapshot file or inline snapshot holds a canary", async () => {
    // Inline snapshots are literals in test sources, which otherwise name canaries only as CANARY.*.
    const files = [...(await listFiles(join(REPO, "src"))), ...(await listFiles(join(REPO, "test")))].filter(
      (path) => path.endsWith(".snap") || (path.endsWith(".ts") && !path.endsWith("/canary.ts")),
    );
    const entries = await Promise.all(
      files.map(async (path) => ({ label: path, text: await readFile(path, "utf8") })),
    );
    expect(canaryLeaks(entries)).toEqual([]);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}
