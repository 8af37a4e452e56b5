// makeTestDeps(): a Deps made of fakes (gh's iostreams.Test(), httpmock): memfs, a fake clock,
// buffered io, a spawn recorder, an in-memory keyring. Everything a test asserts on is exposed.
import { createFsFromVolume, Volume } from "memfs";
import { BackendUnavailableError } from "../../src/errors.js";
import type { Deps, Fs, Keyring, KeyringItem, SpawnResult } from "../../src/platform/deps.js";
import { recordChild, recordLazy, recordOutput, recordThrown, stripAnswerSecrets } from "./canary-guard.js";

export class FakeClock {
  constructor(public nowMs = Date.UTC(2026, 10, 22, 12, 0, 0)) {}
  now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
  /** Sleeping moves fake time forward at once: no test waits on the real clock. */
  sleep = async (ms: number): Promise<void> => {
    this.nowMs += ms;
  };
}

export class MemoryKeyring implements Keyring {
  readonly services = new Map<string, Map<string, string>>();
  /** Set to make every call fail like a missing Secret Service. */
  unavailable = false;

  private check(): void {
    if (this.unavailable) throw new BackendUnavailableError("no Secret Service is available (test keyring)");
  }

  async findAll(service: string): Promise<KeyringItem[]> {
    this.check();
    return [...(this.services.get(service) ?? new Map<string, string>())].map(([account, password]) => ({
      account,
      password,
    }));
  }

  async set(service: string, account: string, password: string): Promise<void> {
    this.check();
    const items = this.services.get(service) ?? new Map<string, string>();
    items.set(account, password);
    this.services.set(service, items);
  }

  async delete(service: string, account: string): Promise<boolean> {
    this.check();
    return this.services.get(service)?.delete(account) ?? false;
  }
}

export interface TestDeps extends Deps {
  vol: InstanceType<typeof Volume>;
  clock: FakeClock;
  keyringImpl: MemoryKeyring;
  stdout: () => string;
  stderr: () => string;
  setStdin: (text: string | Uint8Array) => void;
  spawnCalls: Array<{ file: string; args: readonly string[] }>;
  /** The env each spawn got, in the order of spawnCalls (undefined: inherited). */
  spawnEnvs: Array<Record<string, string> | undefined>;
  /** The arguments of every learner started (`learn ARGS`), in order. */
  learnerCalls: Array<readonly string[]>;
}

/**
 * Files of a test volume that hold tokens by design: the file store at its default path or
 * at GIT_CREDENTIAL_PAT_FILE, and git credential-store's files (what `import` reads).
 */
export function isVolumeStoreFile(path: string, deps: Pick<Deps, "env" | "paths">): boolean {
  return [
    `${deps.paths.xdgDataHome}/git-credential-pat/credentials`,
    `${deps.paths.home}/.git-credentials`,
    `${deps.paths.xdgConfigHome}/git/credentials`,
    deps.env.GIT_CREDENTIAL_PAT_FILE,
  ].includes(path);
}

/** `fs` whose every call (and its settling) first calls `touch`: the canary guard then rereads the volume. */
function touching(fs: Fs, touch: () => void): Fs {
  return new Proxy(fs, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        touch();
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) result.then(touch, touch);
        return result;
      };
    },
  });
}

export function makeTestDeps(overrides: Partial<Deps> & { spawnResults?: SpawnResult[] } = {}): TestDeps {
  const vol = new Volume();
  vol.mkdirSync("/home/user", { recursive: true, mode: 0o755 });
  const clock = new FakeClock();
  const keyringImpl = new MemoryKeyring();
  let stdin: Uint8Array = new Uint8Array();
  let out = "";
  let err = "";
  const spawnCalls: TestDeps["spawnCalls"] = [];
  const spawnEnvs: TestDeps["spawnEnvs"] = [];
  const learnerCalls: TestDeps["learnerCalls"] = [];
  let touch = (): void => {};
  /** Throws `error` after handing it to the canary guard (these messages quote what they got). */
  const fail = (label: string, error: Error): never => {
    recordThrown(label, error);
    throw error;
  };
  const spawnResults = [...(overrides.spawnResults ?? [])];
  const deps: TestDeps = {
    vol,
    env: {},
    fs: touching(createFsFromVolume(vol).promises as unknown as Fs, () => touch()),
    clock,
    keyringImpl,
    keyring: async () => keyringImpl,
    selfCommand: ["/usr/local/bin/git-credential-pat"],
    // The default self is the standalone binary: no platform package to look for.
    platformBinary: async () => ({ kind: "standalone" }),
    startDaemon: async () => {
      throw new Error("unexpected cache daemon start in a unit test (pass --timeout=0)");
    },
    // No daemon listens in a unit test: every connect finds no socket, as on a fresh machine.
    unixExchange: async () => {
      throw Object.assign(new Error("connect ENOENT"), { code: "ENOENT" });
    },
    createUnixServer: () => {
      throw new Error("unexpected cache daemon in a unit test (cache/daemon.test.ts serves a real socket)");
    },
    probeUnixSocket: async () => {
      throw new Error("unexpected cache daemon in a unit test (cache/daemon.test.ts serves a real socket)");
    },
    spawn: async (file, args, options) => {
      touch();
      spawnCalls.push({ file, args });
      spawnEnvs.push(options?.env);
      // A token must never reach a child through its argv or its environment.
      recordChild(`spawn ${file}`, [file, ...args], options?.env);
      if (options?.input !== undefined) recordOutput(`spawn ${file} stdin`, options.input);
      const result = spawnResults.shift();
      if (!result) return fail("unexpected spawn", new Error(`unexpected spawn: ${file} ${args.join(" ")}`));
      return result;
    },
    // Recorded, never run: a unit test runs the learner itself (runLearn) when it wants to.
    startLearner: (args) => {
      touch();
      learnerCalls.push(args);
      recordChild("learner", ["learn", ...args], undefined);
    },
    spawnCalls,
    spawnEnvs,
    learnerCalls,
    io: {
      readStdin: async ({ maxBytes }) => stdin.slice(0, maxBytes + 1),
      out: {
        write: (text) => {
          out += text;
          touch();
        },
      },
      err: {
        write: (text) => {
          err += text;
          touch();
          recordOutput("stderr", text);
        },
      },
      isStdinTTY: false,
      isStdoutTTY: false,
      isStderrTTY: false,
      promptSecret: async () => {
        throw new Error("unexpected prompt in a test: set deps.io.promptSecret");
      },
    },
    paths: {
      pathStyle: "posix",
      home: "/home/user",
      xdgConfigHome: "/home/user/.config",
      xdgDataHome: "/home/user/.local/share",
      xdgCacheHome: "/home/user/.cache",
      xdgStateHome: "/home/user/.local/state",
      runtimeDir: undefined,
    },
    uid: process.getuid?.() ?? 0,
    platform: "linux",
    ipc: { kind: "unix-socket", maxPathBytes: 107 },
    machineName: () => "laptop",
    // gh's httpmock: a request no test stubbed is an error, never a real network call.
    fetch: async (input: string | URL | Request) =>
      fail(
        "unexpected fetch",
        new Error(`unexpected fetch in a test: ${String(input instanceof Request ? input.url : input)}`),
      ),
    log: { debug: (message) => recordOutput("log", message) },
    deferSignals: (work) => work(),
    stdout: () => out,
    stderr: () => err,
    setStdin: (text) => {
      stdin = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    },
    ...overrides,
  } as TestDeps;
  // The canary guard reads, after the test, what is new since it last looked: stdout (a `get`
  // answer's password line is the one exemption; the helper writes its answer in one piece) and
  // every file of the volume that changed, except the store. Any use of these deps registers
  // them again (touch), so deps made in beforeAll are checked in every test that uses them.
  let checkedOut = 0;
  const checkedFiles = new Map<string, string>();
  touch = () =>
    recordLazy(deps, () => {
      const fresh = out.slice(checkedOut);
      checkedOut = out.length;
      const files = Object.entries(vol.toJSON()).flatMap(([path, text]) => {
        if (text === null || checkedFiles.get(path) === text) return [];
        checkedFiles.set(path, text);
        return isVolumeStoreFile(path, deps) ? [] : [{ label: `memfs file ${path}`, text }];
      });
      return [{ label: "stdout", text: stripAnswerSecrets(fresh) }, ...files];
    });
  touch();
  return deps;
}
