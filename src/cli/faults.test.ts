// Faults at the file layer, with an injected fs (memfs plus failures): a full disk (ENOSPC), a
// read-only config directory (EACCES/EROFS), a broken accounts.json. What is stored survives;
// login, rotate and logout change the token store and accounts.json together or not at all.
import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import { CANARY } from "../../test/helpers/canary.js";
import { githubFetchStub } from "../../test/helpers/github-fetch-stub.js";
import { makeTestDeps, type TestDeps } from "../../test/helpers/test-deps.js";
import { updateAccounts } from "../accounts/accounts-file.js";
import type { FileHandle, Fs } from "../platform/deps.js";
import { Secret } from "../secret.js";
import { FileTokenStore } from "../stores/file-store.js";
import { runLogin, toLoginOptions } from "./login.js";
import { runLogout, toLogoutOptions } from "./logout.js";
import { runRotate, toRotateOptions } from "./rotate.js";
import { runVerify, toVerifyOptions } from "./verify.js";

const CONFIG_DIR = "/home/user/.config/git-credential-pat";
const ACCOUNTS = `${CONFIG_DIR}/accounts.json`;
const DATA_DIR = "/home/user/.local/share/git-credential-pat";
const CREDENTIALS = `${DATA_DIR}/credentials`;
const KEYCHAIN = "git-credential-pat";

type Step = "open" | "write" | "sync" | "rename" | "mkdir";

function systemError(code: string, call: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${call} '${path}'`), { code, syscall: call, path });
}

/** memfs with `fail(step, path)` deciding which calls on which paths throw which error code. */
function failingFs(base: Fs, fail: (step: Step, path: string) => string | undefined): Fs {
  const check = (step: Step, path: string) => {
    const code = fail(step, path);
    if (code) throw systemError(code, step, path);
  };
  return {
    ...base,
    mkdir: async (path, options) => {
      check("mkdir", path);
      return base.mkdir(path, options);
    },
    open: async (path, flags, mode) => {
      check("open", path);
      const handle = await base.open(path, flags, mode);
      const wrapped: FileHandle = {
        writeFile: async (data) => {
          check("write", path);
          await handle.writeFile(data);
        },
        sync: async () => {
          check("sync", path);
          await handle.sync();
        },
        close: () => handle.close(),
      };
      return wrapped;
    },
    rename: async (from, to) => {
      check("rename", to);
      return base.rename(from, to);
    },
  };
}

/** Every file (not directory) under the home directory, with its bytes: the state a fault must not change. */
const snapshot = (deps: TestDeps) =>
  Object.fromEntries(Object.entries(deps.vol.toJSON("/home/user")).filter(([, text]) => text !== null));
const locks = (deps: TestDeps) => Object.keys(snapshot(deps)).filter((path) => path.endsWith(".lock"));

describe("a full disk (ENOSPC) while the file store writes", () => {
  const OLD = `https://alice:${CANARY.classic}@github.com\nhttps://bob:${CANARY.plain}@example.com\n`;

  it.each([
    { step: "write" as const, name: "writing the new file" },
    { step: "sync" as const, name: "flushing it" },
    { step: "rename" as const, name: "renaming it over the old one" },
  ])("ENOSPC $name leaves the old file intact and no lock behind", async ({ step }) => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(CREDENTIALS, OLD, { mode: 0o600 });
    const fs = failingFs(deps.fs, (at, path) =>
      at === step && path.startsWith(DATA_DIR) ? "ENOSPC" : undefined,
    );
    const store = new FileTokenStore(
      { path: CREDENTIALS, dirPolicy: "private", lockTimeoutMs: 1000 },
      { ...deps, fs },
    );
    const error = await store
      .store({
        protocol: "https",
        host: "github.com",
        username: "alice",
        password: new Secret(CANARY.classic2),
      })
      .then(
        () => expect.unreachable("store() resolved on a full disk"),
        (e: Error) => e,
      );
    expect(error.message).toContain(CREDENTIALS);
    expect(error.message).toContain("ENOSPC");
    expect(error.message).not.toContain(CANARY.classic2);
    expect(deps.vol.readFileSync(CREDENTIALS, "utf8")).toBe(OLD);
    expect(locks(deps)).toEqual([]);
  });

  it("an erase on a full disk removes nothing", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(CREDENTIALS, OLD, { mode: 0o600 });
    const fs = failingFs(deps.fs, (at) => (at === "write" ? "ENOSPC" : undefined));
    const store = new FileTokenStore(
      { path: CREDENTIALS, dirPolicy: "private", lockTimeoutMs: 1000 },
      { ...deps, fs },
    );
    await expect(store.erase({ protocol: "https", host: "github.com" })).rejects.toThrow(/ENOSPC/);
    expect(deps.vol.readFileSync(CREDENTIALS, "utf8")).toBe(OLD);
    expect(locks(deps)).toEqual([]);
  });
});

/** A logged-in alice (keychain) whose accounts.json and keychain item are the "old" state. */
async function loggedIn(fetchTokens = {}) {
  const stub = githubFetchStub(fetchTokens);
  const deps = makeTestDeps({ fetch: stub.fetch });
  await deps.keyringImpl.set(KEYCHAIN, "https://alice@github.com", CANARY.classic);
  await updateAccounts(
    () => [account("github.com", "alice", { isDefault: true, scopes: ["repo"], fingerprint: "aaaa1111" })],
    deps,
  );
  return { deps, stub };
}

const keychain = (deps: TestDeps) => Object.fromEntries(deps.keyringImpl.services.get(KEYCHAIN) ?? new Map());

const COMMANDS = [
  {
    name: "login",
    run: (deps: TestDeps) => {
      deps.setStdin(`${CANARY.classic2}\n`);
      return runLogin(toLoginOptions({ withToken: true }), deps);
    },
  },
  {
    name: "rotate",
    run: (deps: TestDeps) => {
      deps.setStdin(`${CANARY.classic2}\n`);
      return runRotate(toRotateOptions({ withToken: true, force: true }), deps);
    },
  },
  { name: "logout", run: (deps: TestDeps) => runLogout(toLogoutOptions({}), deps) },
];

describe("a broken accounts.json", () => {
  const BROKEN = [
    { name: "truncated", content: '{\n  "version": 1,\n  "accounts": [\n    {\n      "host": "gith' },
    { name: "empty", content: "" },
    { name: "not JSON at all", content: "host=github.com\nlogin=alice\n" },
    { name: "JSON but not an object", content: "[]\n" },
    { name: "binary garbage", content: "\u0000\u00ff\u00fe{" },
  ];

  describe.each(COMMANDS)("$name", ({ run }) => {
    it.each(BROKEN)(
      "refuses a $name file in one line naming it, and changes nothing",
      async ({ content }) => {
        const { deps } = await loggedIn({ [CANARY.classic2]: { login: "alice", scopes: ["repo"] } });
        deps.vol.writeFileSync(ACCOUNTS, content, { mode: 0o600 });
        const before = { files: snapshot(deps), keychain: keychain(deps) };
        const error = await run(deps).then(
          () => expect.unreachable("the command succeeded on a broken accounts.json"),
          (e: Error & { hint?: string }) => e,
        );
        expect(error.message).toMatch(new RegExp(`^accounts file ${ACCOUNTS} (is not valid JSON|must hold)`));
        expect(error.message).not.toContain("\n");
        expect(error.hint).toContain(`mv "${ACCOUNTS}" "${ACCOUNTS}.bak"`);
        expect({ files: snapshot(deps), keychain: keychain(deps) }).toEqual(before);
      },
    );
  });

  it("verify refuses it too and records nothing", async () => {
    const { deps, stub } = await loggedIn();
    deps.vol.writeFileSync(ACCOUNTS, "{", { mode: 0o600 });
    const before = snapshot(deps);
    await expect(runVerify(toVerifyOptions({}), deps)).rejects.toThrow(`accounts file ${ACCOUNTS}`);
    expect(snapshot(deps)).toEqual(before);
    expect(stub.calls).toEqual([]);
  });
});

describe("a config directory that cannot be written", () => {
  describe.each(COMMANDS)("$name", ({ name, run }) => {
    it.each([
      { code: "EACCES", what: "read-only to us (chmod 0500)" },
      { code: "EROFS", what: "on a read-only file system" },
      { code: "ENOSPC", what: "on a full disk" },
    ])("fails naming the file when it is $what, and leaves the keychain as it was", async ({ code }) => {
      const { deps } = await loggedIn({ [CANARY.classic2]: { login: "alice", scopes: ["repo"] } });
      const before = { files: snapshot(deps), keychain: keychain(deps) };
      // The lock file is the first thing written in the directory; a full disk fails the write itself.
      const step = code === "ENOSPC" ? "write" : "open";
      const failing = {
        ...deps,
        fs: failingFs(deps.fs, (at, path) => (at === step && path.startsWith(CONFIG_DIR) ? code : undefined)),
      };
      const error = await run(failing).then(
        () => expect.unreachable(`${name} succeeded with an unwritable config directory`),
        (e: Error) => e,
      );
      expect(error.message).toContain(ACCOUNTS);
      expect(error.message).toContain(code);
      expect(error.message).not.toContain(CANARY.classic2);
      expect({ files: snapshot(deps), keychain: keychain(deps) }).toEqual(before);
    });
  });
});

describe("signals during a command's commit", () => {
  it.each(COMMANDS)("$name changes the store and accounts.json only inside deferSignals", async ({ run }) => {
    const { deps } = await loggedIn({ [CANARY.classic2]: { login: "alice", scopes: ["repo"] } });
    // Nested, as the real one is: the store's own locks hold signals back inside the commit too.
    let depth = 0;
    const outside: string[] = [];
    deps.deferSignals = async (work) => {
      depth++;
      try {
        return await work();
      } finally {
        depth--;
      }
    };
    const keyring = deps.keyringImpl;
    const { set, delete: remove } = keyring;
    keyring.set = async (...args) => {
      if (depth === 0) outside.push("keychain set");
      return set.apply(keyring, args);
    };
    keyring.delete = async (...args) => {
      if (depth === 0) outside.push("keychain delete");
      return remove.apply(keyring, args);
    };
    const rename = deps.fs.rename;
    deps.fs = {
      ...deps.fs,
      rename: async (from, to) => {
        if (depth === 0) outside.push(`rename ${to}`);
        return rename(from, to);
      },
    };
    await run(deps);
    expect(outside).toEqual([]);
  });
});
