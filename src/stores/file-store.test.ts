import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { Secret, sha256Hex } from "../secret.js";
import { FileTokenStore } from "./file-store.js";

const DIR = "/home/user/.local/share/git-credential-pat";
const FILE = `${DIR}/credentials`;

function setup(options: { lockTimeoutMs?: number } = {}) {
  const deps = makeTestDeps();
  const store = new FileTokenStore(
    { path: FILE, dirPolicy: "private", lockTimeoutMs: options.lockTimeoutMs ?? 1000 },
    deps,
  );
  const seed = (content: string | Buffer, mode = 0o600) => {
    deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(FILE, content, { mode });
  };
  const read = () => deps.vol.readFileSync(FILE, "utf8");
  return { deps, store, seed, read };
}

const alice = { protocol: "https", host: "github.com", username: "alice", password: new Secret("tok-alice") };

describe("FileTokenStore", () => {
  it("creates the directory 0700 and the file 0600 on first store", async () => {
    const { deps, store } = setup();
    await store.store(alice);
    expect(deps.vol.statSync(DIR).mode & 0o777).toBe(0o700);
    expect(deps.vol.statSync(FILE).mode & 0o777).toBe(0o600);
  });

  it("writes git-credential-store lines, percent-encoding user and password", async () => {
    const { store, read } = setup();
    await store.store({ ...alice, username: "a@b", password: new Secret("p:w/%"), path: "acme/my app.git" });
    expect(read()).toBe("https://a%40b:p%3Aw%2F%25@github.com/acme/my%20app.git\n");
  });

  it("puts the new line first and keeps other lines, like git's credential-store", async () => {
    const { store, seed, read } = setup();
    seed("https://bob:tok-bob@github.com\nnot a url line\nhttps://alice:old@github.com\n");
    await store.store(alice);
    expect(read()).toBe(
      "https://alice:tok-alice@github.com\nhttps://bob:tok-bob@github.com\nnot a url line\n",
    );
  });

  it("keeps password_expiry_utc in FILE.attributes and leaves the credential line git's own", async () => {
    const { deps, store, read } = setup();
    await store.store({ ...alice, passwordExpiresAtMs: 1_700_000_000_000 });
    expect(read()).toBe("https://alice:tok-alice@github.com\n");
    const attributes = deps.vol.readFileSync(`${FILE}.attributes`, "utf8") as string;
    expect(attributes).toMatch(/^# git-credential-pat: /);
    expect(attributes).toContain(
      `${sha256Hex("https://alice:tok-alice@github.com")} password_expiry_utc=1700000000\n`,
    );
    expect(attributes).not.toContain("tok-alice");
    expect(deps.vol.statSync(`${FILE}.attributes`).mode & 0o777).toBe(0o600);
    expect((await store.get({ host: "github.com" }))?.passwordExpiresAtMs).toBe(1_700_000_000_000);
  });

  it("forgets a line's attributes once git's credential-store rewrites that line with another token", async () => {
    const { store, seed } = setup();
    await store.store({ ...alice, passwordExpiresAtMs: 1_700_000_000_000 });
    seed("https://alice:tok-alice-2@github.com\n");
    const found = await store.get({ host: "github.com" });
    expect(found?.password.reveal()).toBe("tok-alice-2");
    expect(found?.passwordExpiresAtMs).toBeUndefined();
  });

  it("keeps other lines' attributes across a store and removes the file once nothing is left", async () => {
    const { deps, store } = setup();
    const bob = { ...alice, username: "bob", password: new Secret("tok-bob") };
    await store.store({ ...alice, passwordExpiresAtMs: 1_700_000_000_000 });
    await store.store({ ...bob, passwordExpiresAtMs: 1_800_000_000_000 });
    expect((await store.get({ username: "alice" }))?.passwordExpiresAtMs).toBe(1_700_000_000_000);
    await store.erase({ username: "alice" });
    expect((await store.get({ username: "bob" }))?.passwordExpiresAtMs).toBe(1_800_000_000_000);
    const attributes = String(deps.vol.readFileSync(`${FILE}.attributes`));
    expect(attributes).not.toContain(sha256Hex("https://alice:tok-alice@github.com"));
    await store.store(bob);
    expect((await store.get({ username: "bob" }))?.passwordExpiresAtMs).toBe(1_800_000_000_000);
    await store.store({ ...bob, password: new Secret("tok-bob-2") });
    expect((await store.get({ username: "bob" }))?.passwordExpiresAtMs).toBeUndefined();
    expect(deps.vol.existsSync(`${FILE}.attributes`)).toBe(false);
  });

  it.each([
    { name: "an absolute link", target: "/home/user/dotfiles/credentials" },
    { name: "a relative link", target: "../../../dotfiles/credentials" },
  ])(
    "writes through $name to the file it names, keeping the link (as git's credential-store does)",
    async ({ target }) => {
      const deps = makeTestDeps();
      deps.vol.mkdirSync("/home/user/dotfiles", { recursive: true, mode: 0o700 });
      deps.vol.writeFileSync("/home/user/dotfiles/credentials", "https://alice:tok-old@github.com\n", {
        mode: 0o600,
      });
      deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
      deps.vol.symlinkSync(target, FILE);
      const store = new FileTokenStore({ path: FILE, dirPolicy: "private", lockTimeoutMs: 1000 }, deps);
      await store.store({ ...alice, username: "bob", password: new Secret("tok-bob") });
      await store.erase({ username: "alice" });
      expect(deps.vol.lstatSync(FILE).isSymbolicLink()).toBe(true);
      expect(deps.vol.readFileSync("/home/user/dotfiles/credentials", "utf8")).toBe(
        "https://bob:tok-bob@github.com\n",
      );
    },
  );

  it("refuses a chain of more than 5 links", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 6; i++) deps.vol.symlinkSync(`${DIR}/l${i + 1}`, i === 0 ? FILE : `${DIR}/l${i}`);
    const store = new FileTokenStore({ path: FILE, dirPolicy: "private", lockTimeoutMs: 1000 }, deps);
    await expect(store.store(alice)).rejects.toThrow(/more than 5 symbolic links/);
  });

  it("writes no attributes file for a token without attributes", async () => {
    const { deps, store } = setup();
    await store.store(alice);
    expect(deps.vol.existsSync(`${FILE}.attributes`)).toBe(false);
  });

  it("ignores the damaged lines of an attributes file", async () => {
    const { deps, store, seed } = setup();
    seed("https://alice:tok-alice@github.com\n");
    deps.vol.writeFileSync(
      `${FILE}.attributes`,
      `garbage\n${sha256Hex("https://alice:tok-alice@github.com")} password_expiry_utc=1700000000\nabc password_expiry_utc=1\n`,
      { mode: 0o600 },
    );
    expect((await store.list())[0]?.passwordExpiresAtMs).toBe(1_700_000_000_000);
  });

  it("does not rewrite the file when storing what is already there", async () => {
    const { deps, store, seed } = setup();
    seed("https://alice:tok-alice@github.com\n");
    const before = deps.vol.statSync(FILE).ino;
    await store.store(alice);
    expect(deps.vol.statSync(FILE).ino).toBe(before);
  });

  it("does not create a file for an erase in an empty store", async () => {
    const { deps, store } = setup();
    expect(await store.erase({ protocol: "https", host: "github.com" })).toBe(0);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it.each([
    { name: "readable by group", mode: 0o640, want: /chmod 600/ },
    { name: "readable by others", mode: 0o604, want: /mode 0604/ },
  ])("refuses a store file $name and leaves it untouched", async ({ mode, want }) => {
    const { store, seed, read } = setup();
    seed("https://alice:tok@github.com\n", mode);
    await expect(store.get({ protocol: "https", host: "github.com" })).rejects.toThrow(want);
    await expect(store.store(alice)).rejects.toThrow(want);
    expect(read()).toBe("https://alice:tok@github.com\n");
  });

  it("refuses a store directory that others can enter", async () => {
    const { deps, store } = setup();
    deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o755 });
    await expect(store.store(alice)).rejects.toThrow(`run "chmod 0700 ${DIR}"`);
  });

  it("refuses a file owned by another user", async () => {
    const { deps, store, seed } = setup();
    seed("https://alice:tok@github.com\n");
    deps.vol.chownSync(FILE, 4242, 4242);
    await expect(store.list()).rejects.toThrow("owned by another user (uid 4242)");
  });

  it.each([
    { name: "NUL bytes", content: Buffer.from("https://a:b@h\n\0\0garbage\n"), want: "contains NUL bytes" },
    { name: "invalid UTF-8", content: Buffer.from([0x68, 0xff, 0xfe, 0x0a]), want: "is not valid UTF-8" },
  ])("refuses a corrupt file with $name and never rewrites it", async ({ content, want }) => {
    const { deps, store, seed } = setup();
    seed(content);
    await expect(store.store(alice)).rejects.toThrow(want);
    await expect(store.erase({ protocol: "https", host: "h" })).rejects.toThrow(want);
    expect(deps.vol.readFileSync(FILE)).toEqual(content);
  });

  it("waits for another writer's lock, then gives up with the rm hint and leaves the file alone", async () => {
    const { deps, store, seed, read } = setup({ lockTimeoutMs: 500 });
    seed("https://bob:tok-bob@github.com\n");
    deps.vol.writeFileSync(`${FILE}.lock`, "", { mode: 0o600 });
    const started = deps.clock.now();
    await expect(store.store(alice)).rejects.toThrow(/held by another process[\s\S]*/);
    expect(deps.clock.now() - started).toBeGreaterThanOrEqual(500);
    expect(read()).toBe("https://bob:tok-bob@github.com\n");
    // The other writer's lock is theirs: we must not remove it.
    expect(deps.vol.existsSync(`${FILE}.lock`)).toBe(true);
  });

  it("keeps the old file and removes its lock when the write fails (ENOSPC)", async () => {
    const { deps, store, seed, read } = setup();
    seed("https://bob:tok-bob@github.com\n");
    const realOpen = deps.fs.open.bind(deps.fs);
    deps.fs.open = async (path, flags, mode) => {
      const handle = await realOpen(path, flags, mode);
      return {
        ...handle,
        writeFile: async () => {
          throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    };
    await expect(store.store(alice)).rejects.toThrow("(ENOSPC); stored credentials are unchanged");
    expect(read()).toBe("https://bob:tok-bob@github.com\n");
    expect(deps.vol.existsSync(`${FILE}.lock`)).toBe(false);
  });

  it("skips lines it cannot read when answering, like git", async () => {
    const { store, seed } = setup();
    seed("garbage\nhttps://nouser@github.com\nhttps://alice:tok-alice@github.com\n");
    expect((await store.get({ protocol: "https", host: "github.com" }))?.password.reveal()).toBe("tok-alice");
  });
});
