// makeTestDeps(): a Deps made of fakes (gh's iostreams.Test(), httpmock): memfs, a fake clock,
// buffered io, a spawn recorder, an in-memory keyring. Everything a test asserts on is exposed.
import { createFsFromVolume, Volume } from "memfs";
import { BackendUnavailableError } from "../../src/errors.js";
import type { Deps, Fs, Keyring, KeyringItem, SpawnResult } from "../../src/platform/deps.js";
import { recordOutput } from "./canary-guard.js";

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
  const spawnResults = [...(overrides.spawnResults ?? [])];
  const deps: TestDeps = {
    vol,
    env: {},
    fs: createFsFromVolume(vol).promises as unknown as Fs,
    clock,
    keyringImpl,
    keyring: async () => keyringImpl,
    selfCommand: ["/usr/local/bin/git-credential-pat"],
    startDaemon: async () => {
      throw new Error("unexpected cache daemon start in a unit test (pass --timeout=0)");
    },
    spawn: async (file, args) => {
      spawnCalls.push({ file, args });
      const result = spawnResults.shift();
      if (!result) throw new Error(`unexpected spawn: ${file} ${args.join(" ")}`);
      return result;
    },
    spawnCalls,
    io: {
      readStdin: async ({ maxBytes }) => stdin.slice(0, maxBytes + 1),
      out: {
        write: (text) => {
          out += text;
        },
      },
      err: {
        write: (text) => {
          err += text;
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
      home: "/home/user",
      xdgConfigHome: "/home/user/.config",
      xdgDataHome: "/home/user/.local/share",
      xdgCacheHome: "/home/user/.cache",
      xdgStateHome: "/home/user/.local/state",
      runtimeDir: undefined,
    },
    uid: process.getuid?.() ?? 0,
    // gh's httpmock: a request no test stubbed is an error, never a real network call.
    fetch: async (input: string | URL | Request) => {
      throw new Error(`unexpected fetch in a test: ${String(input instanceof Request ? input.url : input)}`);
    },
    log: { debug: (message) => recordOutput("log", message) },
    deferSignals: (work) => work(),
    stdout: () => out,
    stderr: () => err,
    setStdin: (text) => {
      stdin = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    },
    ...overrides,
  } as TestDeps;
  return deps;
}
