// Every side effect the program has, as one injectable object (gh's Factory, GCM's
// ICommandContext). Only node-deps.ts builds the real one; tests use makeTestDeps().
//
// Platform differences (outside the cache daemon), each chosen from Deps.platform / Paths.pathStyle:
// - Paths (posix-path.ts, settings.ts, node-deps.ts pathsFrom): the SPEC's XDG layout on all three;
//   Windows: home is HOME, else USERPROFILE; absolute means C:\… / C:/… / \\server\share, kept with "/".
// - File protection (private-files.ts, platform/windows-fs.ts): Linux, macOS: 0600/0700 modes,
//   checked. Windows: no uid, no mode checks; our directories get an owner-only ACL (icacls) once,
//   when created; doctor (cli/doctor/files.ts) says so instead of failing on 0666/0777.
// - Atomic rename over a file (windows-fs.ts): Windows retries while another program holds it open.
// - Keychain watchdog (keyring-watchdog.ts): the sh watcher for blocking calls on Linux only (D-Bus);
//   macOS and Windows entries do no IPC, the timer guard covers the calls; no sh on Windows.
// - Keychain messages (node-keyring.ts keychainWords): Secret Service, Keychain, Credential Manager.
// - PATH lookup (platform/path-lookup.ts; setup's isOnPath): ":" and the x bit; Windows ";",
//   NAME.exe then NAME (Git for Windows' lookup_prog).
// - Starting programs (node-deps.ts nodeSpawnFor): Windows finds a bare name in PATH itself, never
//   in the working directory; System32 programs (icacls, rundll32, cmd) by full path.
// - Terminals (fd-io.ts isTerminal): fstat against /dev/null; Windows: the console (node:tty).
// - Working directory for a relative --file (git/git-config-file.ts): sh's pwd; Windows: cmd's cd.
// - Browser (cli/open-url.ts): xdg-open, open, rundll32 url.dll.
// - Learner (node-deps.ts startDetachedLearner): under nice -n 19 where it exists; never on
//   Windows, where it starts with no console window.
// - CRLF from Git for Windows (protocol/parse-request.ts): the same on all: a CR before LF ends the line.
import type { Stats } from "node:fs";
import type { Paths } from "../settings.js";

/** The slice of node:fs/promises we use; memfs's `vol.promises` satisfies it in tests. */
export interface Fs {
  readFile(path: string): Promise<Buffer>;
  writeFile(
    path: string,
    data: string | Uint8Array,
    options?: { mode?: number; flag?: string },
  ): Promise<void>;
  open(path: string, flags: string, mode?: number): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive?: boolean; mode?: number }): Promise<string | undefined>;
  stat(path: string): Promise<Stats>;
  lstat(path: string): Promise<Stats>;
  /** The target a symbolic link names, as written in the link. */
  readlink(path: string): Promise<string>;
  chmod(path: string, mode: number): Promise<void>;
  /** The names in a directory (no "." or ".."), in no particular order. */
  readdir(path: string): Promise<string[]>;
}

export interface FileHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface SpawnResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a child. `env` is its whole environment, never merged with ours: build it with
 * settings.ts pickEnv from an allow-list, so no token variable (GH_TOKEN…) reaches a child.
 * A child that does not exit within `timeoutMs` is killed, unless `isDetached`: then it runs in
 * its own session with no stdio (nothing it starts holds our pipes), is never killed (a browser
 * started directly keeps running) and the result comes at its exit or at `timeoutMs`, whichever
 * is first (code 0 then: it is still running). A file that cannot be run gives code 127.
 */
export type Spawn = (
  file: string,
  args: readonly string[],
  options: {
    input?: string;
    env: Record<string, string>;
    timeoutMs: number;
    cwd?: string;
    isDetached?: boolean;
  },
) => Promise<SpawnResult>;

export interface Writer {
  write(text: string): void;
}

export interface Io {
  /** Reads stdin up to `maxBytes + 1` bytes (so the caller can tell "too large"), or rejects after `timeoutMs`. */
  readStdin(options: { maxBytes: number; timeoutMs: number }): Promise<Uint8Array>;
  out: Writer;
  err: Writer;
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /**
   * Asks on the terminal (prompt on stderr) and reads one line without echoing it, for tokens.
   * Rejects with CancelledError on Ctrl-C, UsageError when there is no terminal.
   */
  promptSecret(prompt: string): Promise<string>;
  /** Resolves once everything written has reached the OS; absent where writes are synchronous. */
  drain?(): Promise<void>;
}

/** One secret in the OS keychain, addressed by service and account. */
export interface KeyringItem {
  account: string;
  password: string;
}

/**
 * The OS keychain, bounded: every call settles within the keyring timeout or rejects with
 * BackendUnavailableError (no Secret Service, locked, timed out).
 */
export interface Keyring {
  findAll(service: string): Promise<KeyringItem[]>;
  set(service: string, account: string, password: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
}

/**
 * One request and its answer over a Unix socket: connect, send `payload`, half-close, read to
 * EOF. Rejects after `timeoutMs`, or with an Error whose `code` is the errno name on a failed
 * connect (ENOENT: no socket; ECONNREFUSED: nobody listening).
 */
export type UnixExchange = (socketPath: string, payload: string, timeoutMs: number) => Promise<Buffer>;

/**
 * How the cache daemon is reached on this platform (platform/ipc-endpoint.ts ipcRules).
 * "unix-socket": a socket file at the socket path, whose directory must be private (0700), and
 * a path of at most `maxPathBytes` bytes (sun_path). "named-pipe" (Windows): a pipe named from
 * the user and the socket path; nothing is created at the path, and no directory protects it.
 */
export type IpcRules = { kind: "unix-socket"; maxPathBytes: number } | { kind: "named-pipe" };

/** How the cache daemon's socket serves: one request per connection, answered, then closed. */
export interface UnixServerOptions {
  /** A connection lasts at most this long from accept, however it trickles (slowloris guard). */
  requestTimeoutMs: number;
  /** A connection that sends more than this is dropped unanswered. */
  maxRequestBytes: number;
  /** The reply to one whole request (read to the client's half-close). */
  answer(request: Buffer): string;
}

/** The daemon's side of UnixExchange. */
export interface UnixServer {
  /** Rejects with `code` EADDRINUSE when the path is taken. */
  listen(socketPath: string): Promise<void>;
  /** Unlinks the socket path, then stops listening; resolves once closed. */
  close(): Promise<void>;
  /** Connections accepted and not closed yet. */
  readonly openConnections: number;
}

/**
 * The standalone binary of the npm platform package (@git-credential-pat/<platform>) installed
 * with the Node build. "standalone": this process is that binary (or another standalone build).
 */
export type PlatformBinary =
  | { kind: "standalone" }
  | { kind: "found"; path: string; packageName: string; version: string }
  | { kind: "none"; reason: string; packageName?: string };

export interface Logger {
  debug(message: string): void;
}

export interface Deps {
  env: Readonly<Record<string, string | undefined>>;
  fs: Fs;
  clock: Clock;
  spawn: Spawn;
  io: Io;
  paths: Paths;
  /**
   * This process's uid, to refuse files owned by someone else; undefined on Windows, where no
   * owner or mode is checked at all (NTFS has none; an ACL protects our files: private-files.ts).
   */
  uid: number | undefined;
  /** process.platform ("linux" | "darwin" | "win32"…), injected: every platform difference above. */
  platform: string;
  /** This machine's name (os.hostname()), read on use: it names the tokens people create. */
  machineName: () => string;
  /**
   * How to run this program again: [binary] for the standalone build, [node, script] under Node.
   * `setup` writes it into git's config when git-credential-pat is not on PATH.
   */
  selfCommand: readonly string[];
  /**
   * The platform binary to hand git instead of the Node build (setup, doctor); looked up on
   * first use, never on git's path.
   */
  platformBinary: () => Promise<PlatformBinary>;
  /** Starts this program's cache daemon detached on `socketPath`; resolves once it listens. */
  startDaemon: (socketPath: string) => Promise<void>;
  /**
   * Starts `<self> learn ARGS` in its own session and returns at once, waiting for nothing: stdio
   * on /dev/null (nothing reaches git, and git's pipes are not held open), cwd "/", and the
   * environment of an allow-list (no token variable). ARGS never hold a token: the learner reads
   * it from the store. Throws only if the process cannot be created at all.
   */
  startLearner: (args: readonly string[]) => void;
  /** The cache transport's rules here: a Unix socket (Linux, macOS) or a named pipe (Windows). */
  ipc: IpcRules;
  /** Talks to the cache daemon. */
  unixExchange: UnixExchange;
  /** The cache daemon's listening socket. */
  createUnixServer: (options: UnixServerOptions) => UnixServer;
  /** Whether something accepts a connection on the socket within `timeoutMs` (one too busy to: yes). */
  probeUnixSocket: (socketPath: string, timeoutMs: number) => Promise<boolean>;
  /** Lazy, like gh's Config func(): the native addon loads on first use, never on paths that don't need it. */
  keyring: () => Promise<Keyring>;
  /** For the GitHub API (handed to Octokit as request.fetch); tests stub it. */
  fetch: typeof globalThis.fetch;
  log: Logger;
  /**
   * Runs `work` to its end with SIGINT/SIGTERM/SIGHUP held back; one that arrives meanwhile
   * takes effect when the outermost such work ends. For the commit of a command (the store
   * and accounts.json changed together) and every write under a file lock (rewritePrivateFile),
   * so Ctrl-C never leaves one half-swapped or a lock behind.
   */
  deferSignals<T>(work: () => Promise<T>): Promise<T>;
}
