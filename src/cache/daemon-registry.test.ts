// The daemon registry on memfs: records written and removed by the daemon they belong to, read
// back safely, and used to clear every daemon at once (fake daemons: test/helpers/fake-daemons.ts).
import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { installFakeDaemons } from "../../test/helpers/fake-daemons.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { ipcRules } from "../platform/ipc-endpoint.js";
import { Secret } from "../secret.js";
import {
  daemonRegistryDir,
  daemonRegistryDirs,
  eraseFromEveryDaemon,
  hasDaemonRecord,
  readDaemonRecords,
  registerDaemon,
} from "./daemon-registry.js";
import { defaultSocketPath } from "./socket-path.js";

const REGISTRY = "/home/user/.cache/git-credential-pat/daemons";
const DEFAULT = "/home/user/.cache/git-credential-pat/socket";
const CUSTOM = "/home/user/sockets/work/socket";
const OTHER = "/home/user/sockets/other/socket";

const files = (deps: ReturnType<typeof makeTestDeps>) =>
  Object.entries(deps.vol.toJSON(REGISTRY)).flatMap(([path, text]) => (text === null ? [] : [[path, text]]));

describe("the daemon registry", () => {
  it("lives in the runtime directory when there is one, else in the cache directory", () => {
    const { paths } = makeTestDeps();
    expect(daemonRegistryDir(paths)).toBe(REGISTRY);
    expect(daemonRegistryDir({ ...paths, runtimeDir: "/run/user/1000" })).toBe(
      "/run/user/1000/git-credential-pat/daemons",
    );
    expect(defaultSocketPath(paths)).toBe(DEFAULT);
  });

  it("records a daemon's socket path (only the path) in a 0600 file of a 0700 directory", async () => {
    const deps = makeTestDeps();
    await registerDaemon(CUSTOM, deps);
    const [[path, text] = []] = files(deps);
    expect(text).toBe(`${CUSTOM}\n`);
    expect(path).toMatch(new RegExp(`^${REGISTRY}/[0-9a-f]{16}-[0-9a-f]{12}$`));
    expect(deps.vol.statSync(path as string).mode & 0o777).toBe(0o600);
    expect(deps.vol.statSync(REGISTRY).mode & 0o777).toBe(0o700);
    expect(await readDaemonRecords(deps)).toEqual([{ file: path, socketPath: CUSTOM }]);
  });

  it("reads the cache directory's registry too, where daemons started without a runtime directory register", async () => {
    const deps = makeTestDeps();
    await registerDaemon(CUSTOM, deps);
    const withRuntime = { ...deps, paths: { ...deps.paths, runtimeDir: "/run/user/1000" } };
    await registerDaemon(OTHER, withRuntime);
    expect(daemonRegistryDirs(withRuntime.paths)).toEqual([
      "/run/user/1000/git-credential-pat/daemons",
      REGISTRY,
    ]);
    expect((await readDaemonRecords(withRuntime)).map((record) => record.socketPath)).toEqual([
      OTHER,
      CUSTOM,
    ]);
    // Without a runtime directory there is only the one.
    expect((await readDaemonRecords(deps)).map((record) => record.socketPath)).toEqual([CUSTOM]);
  });

  it("lets a daemon remove only its own record, so one that took over the socket stays registered", async () => {
    const deps = makeTestDeps();
    const unregisterOld = await registerDaemon(CUSTOM, deps);
    await registerDaemon(CUSTOM, deps);
    await unregisterOld();
    await unregisterOld(); // a second stop finds nothing to remove, and says nothing
    expect((await readDaemonRecords(deps)).map((record) => record.socketPath)).toEqual([CUSTOM]);
  });

  it.each([
    { name: "no registry at all", hasDir: false, prepare: () => {}, want: [] },
    {
      name: "a record being written (a temp file)",
      hasDir: true,
      prepare: (deps: ReturnType<typeof makeTestDeps>) =>
        deps.vol.writeFileSync(`${REGISTRY}/.abc.tmp`, `${CUSTOM}\n`, { mode: 0o600 }),
      want: [],
    },
    {
      name: "a record that is not one absolute path on one line",
      hasDir: true,
      prepare: (deps: ReturnType<typeof makeTestDeps>) =>
        deps.vol.writeFileSync(`${REGISTRY}/abc`, "relative/socket\n", { mode: 0o600 }),
      want: [{ file: `${REGISTRY}/abc`, socketPath: undefined }],
    },
    {
      name: "a record other users could read",
      hasDir: true,
      prepare: (deps: ReturnType<typeof makeTestDeps>) =>
        deps.vol.writeFileSync(`${REGISTRY}/abc`, `${CUSTOM}\n`, { mode: 0o644 }),
      want: [{ file: `${REGISTRY}/abc`, socketPath: undefined }],
    },
  ])("reads $name", async ({ hasDir, prepare, want }) => {
    const deps = makeTestDeps();
    if (hasDir) deps.vol.mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
    prepare(deps);
    expect(await readDaemonRecords(deps)).toEqual(want);
  });

  it.each([
    { platform: "win32", want: "C:\\Users\\user\\work\\socket" },
    // A drive path is relative on POSIX: the daemon runs in "/", so it is not a record there.
    { platform: "linux", want: undefined },
  ])("reads a record of a Windows drive path on $platform as $want", async ({ platform, want }) => {
    const deps = makeTestDeps({ ipc: ipcRules(platform) });
    deps.vol.mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(`${REGISTRY}/abc`, "C:\\Users\\user\\work\\socket\n", { mode: 0o600 });
    expect(await readDaemonRecords(deps)).toEqual([{ file: `${REGISTRY}/abc`, socketPath: want }]);
  });

  it("tells whether a record names a socket path, and says no when the registry cannot be read", async () => {
    const deps = makeTestDeps();
    expect(await hasDaemonRecord(CUSTOM, deps)).toBe(false);
    await registerDaemon(CUSTOM, deps);
    expect(await hasDaemonRecord(CUSTOM, deps)).toBe(true);
    expect(await hasDaemonRecord(OTHER, deps)).toBe(false);
    deps.vol.chmodSync(REGISTRY, 0o777);
    expect(await hasDaemonRecord(CUSTOM, deps)).toBe(false);
  });

  it("on Windows, vouches for a socket only from a registry inside the user's profile", async () => {
    // No owner can be checked there, and any user may create a directory outside the profile.
    const deps = makeTestDeps({ ipc: ipcRules("win32"), uid: undefined });
    deps.paths = { ...deps.paths, runtimeDir: "/shared/run" };
    const planted = "/shared/run/git-credential-pat/daemons";
    deps.vol.mkdirSync(planted, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(`${planted}/abc`, `${CUSTOM}\n`, { mode: 0o600 });
    expect(await hasDaemonRecord(CUSTOM, deps)).toBe(false);
    deps.vol.mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(`${REGISTRY}/def`, `${CUSTOM}\n`, { mode: 0o600 });
    expect(await hasDaemonRecord(CUSTOM, deps)).toBe(true);
    // On Linux the owner and mode checks decide, wherever the directory is.
    const linux = makeTestDeps();
    linux.paths = { ...linux.paths, runtimeDir: "/shared/run" };
    linux.vol.mkdirSync(planted, { recursive: true, mode: 0o700 });
    linux.vol.writeFileSync(`${planted}/abc`, `${CUSTOM}\n`, { mode: 0o600 });
    expect(await hasDaemonRecord(CUSTOM, linux)).toBe(true);
  });

  it("refuses a registry directory other users can write to", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(REGISTRY, { recursive: true, mode: 0o777 });
    deps.vol.chmodSync(REGISTRY, 0o777);
    await expect(readDaemonRecords(deps)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining(`run "chmod 0700 ${REGISTRY}"`),
    });
  });
});

describe("eraseFromEveryDaemon", () => {
  const alice = { protocol: "https", host: "github.com", username: "alice" };
  const cached = { ...alice, password: new Secret(CANARY.classic) };
  const erase = (deps: ReturnType<typeof makeTestDeps>) =>
    eraseFromEveryDaemon([DEFAULT], [alice], { timeoutMs: 1000 }, deps);

  it("clears the default socket's daemon and every registered one, and leaves the registry as it was", async () => {
    const deps = makeTestDeps();
    const daemons = installFakeDaemons(deps, { [DEFAULT]: "serving", [CUSTOM]: "serving" });
    await registerDaemon(DEFAULT, deps);
    await registerDaemon(CUSTOM, deps);
    daemons.seed(DEFAULT, cached);
    daemons.seed(CUSTOM, { ...cached, path: "acme/app.git" });
    const before = files(deps);

    const result = await erase(deps);
    expect(result).toEqual({ cleared: [DEFAULT, CUSTOM], uncleared: [], registryProblem: undefined });
    expect(daemons.tables.get(DEFAULT)?.size).toBe(0);
    expect(daemons.tables.get(CUSTOM)?.size).toBe(0);
    expect(files(deps)).toEqual(before);
  });

  it("clears the default socket's daemon even when nothing is registered (one started by an older version)", async () => {
    const deps = makeTestDeps();
    const daemons = installFakeDaemons(deps, { [DEFAULT]: "serving" });
    daemons.seed(DEFAULT, cached);
    expect((await erase(deps)).cleared).toEqual([DEFAULT]);
    expect(daemons.tables.get(DEFAULT)?.size).toBe(0);
  });

  it.each([
    { name: "whose socket is gone", state: undefined },
    { name: "whose socket nobody listens on (a killed daemon's)", state: "gone" as const },
  ])("prunes the record of a daemon $name", async ({ state }) => {
    const deps = makeTestDeps();
    installFakeDaemons(deps, state ? { [CUSTOM]: state } : {});
    await registerDaemon(CUSTOM, deps);
    expect(await erase(deps)).toEqual({ cleared: [], uncleared: [], registryProblem: undefined });
    expect(files(deps)).toEqual([]);
  });

  it("prunes a record that holds no socket path", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(`${REGISTRY}/abc`, "not a path", { mode: 0o600 });
    await erase(deps);
    expect(files(deps)).toEqual([]);
  });

  it("reports a daemon that does not answer and one on an unsafe socket path, keeps their records, and clears the others", async () => {
    const deps = makeTestDeps();
    const daemons = installFakeDaemons(deps, { [DEFAULT]: "serving", [CUSTOM]: "hung", [OTHER]: "serving" });
    deps.vol.chmodSync("/home/user/sockets/other", 0o755);
    for (const socket of [CUSTOM, OTHER]) await registerDaemon(socket, deps);
    daemons.seed(DEFAULT, cached);
    const before = files(deps);

    const result = await erase(deps);
    expect(result.cleared).toEqual([DEFAULT]);
    expect(result.uncleared).toEqual([
      { socketPath: CUSTOM, reason: expect.stringContaining("no answer within 1000 ms") },
      {
        socketPath: OTHER,
        reason: expect.stringContaining('run "chmod 0700 /home/user/sockets/other"'),
      },
    ]);
    expect(daemons.requests.get(OTHER)).toEqual([]);
    expect(files(deps)).toEqual(before);
  });

  it("still clears the default socket's daemon when the registry cannot be trusted", async () => {
    const deps = makeTestDeps();
    const daemons = installFakeDaemons(deps, { [DEFAULT]: "serving" });
    deps.vol.mkdirSync(REGISTRY, { recursive: true, mode: 0o777 });
    deps.vol.chmodSync(REGISTRY, 0o777);
    daemons.seed(DEFAULT, cached);
    const result = await erase(deps);
    expect(result.cleared).toEqual([DEFAULT]);
    expect(result.registryProblem).toContain("accessible by other users");
  });

  it("sends each pattern to each daemon once, the token only where the pattern names it", async () => {
    const deps = makeTestDeps();
    const daemons = installFakeDaemons(deps, { [DEFAULT]: "serving", [CUSTOM]: "serving" });
    await registerDaemon(CUSTOM, deps);
    await registerDaemon(CUSTOM, deps); // two records of one socket: still one daemon
    const bot = { protocol: "https", host: "github.com", username: "x-access-token" };
    daemons.seed(CUSTOM, { ...bot, password: new Secret(CANARY.classic) });
    daemons.seed(CUSTOM, { ...bot, path: "acme/other.git", password: new Secret(CANARY.classic2) });
    await eraseFromEveryDaemon(
      [DEFAULT],
      [alice, { ...bot, password: new Secret(CANARY.classic) }],
      { timeoutMs: 1000 },
      deps,
    );
    for (const socket of [DEFAULT, CUSTOM]) {
      expect(daemons.requests.get(socket)).toEqual([
        "erase https://alice@github.com",
        "erase https://x-access-token@github.com",
      ]);
    }
    // Another token under the same name stays: only the one named goes.
    expect(daemons.tables.get(CUSTOM)?.get(bot, deps.clock.now())?.password?.reveal()).toBe(CANARY.classic2);
  });
});
