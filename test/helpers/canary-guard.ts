// Suite-wide guard (vitest setupFiles): after every test, no canary token may appear in anything
// the test helpers captured. Nothing is opt-in any more:
// - runCommand/runArtifact and sandbox.git record every stdout and stderr they capture; the one
//   exemption is the secret lines of a credential answer to `get`/`fill` (stripAnswerSecrets);
// - makeTestDeps records its stdout, stderr, debug log, every fake spawn's argv and env, the errors
//   its fakes throw, and every memfs file other than the store (isVolumeStoreFile);
// - createSandbox registers its directory tree: every regular file in it other than the store files
//   (isStoreFile) is read after each test and again by cleanup();
// - expect(...).toThrow()/.rejects record the error they catch, and an error that escapes a test
//   (not an assertion failure) is checked too.
// Tests may still call recordOutput() for text they capture themselves, and exemptFile() for a
// fixture file that holds a token on purpose. takeLeaks()/assertNoLeaks() are the check itself;
// canary-guard.test.ts proves it fails on each kind of leak.
import { lstat, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { inspect } from "node:util";
import { afterEach, chai } from "vitest";
import { ATTRIBUTES } from "../../src/protocol/index.js";
import { findCanaries, maskCanaries } from "./canary.js";

export interface Captured {
  label: string;
  text: string;
}

/** Where canaries were found since the last check (labels only: text is checked as it comes, not kept). */
const leaks: string[] = [];
/**
 * Sources read at the next check, each returning what is new since its last read. A source
 * registers again whenever it is used (a makeTestDeps made in beforeAll is checked in every test
 * that uses it); past LAZY_LIMIT pending sources (a fuzz run makes one per input) they are read
 * at once, so memory stays bounded.
 */
const LAZY_LIMIT = 256;
const lazySources = new Map<object, () => Captured[]>();
/** Directory trees scanned after each test until unwatched (sandboxes). */
const trees = new Map<string, TreeOptions>();
/** Files that hold a canary on purpose, by absolute path, with the reason (see exemptFile). */
const exemptFiles = new Map<string, string>();

/** Registers text a test captured (stderr, logs, error messages) for the leak check. */
export function recordOutput(label: string, text: string): void {
  for (const _ of findCanaries(text)) leaks.push(maskCanaries(label));
}

/** The wire keys of secret attributes (password=, credential=, oauth_refresh_token=), from the attribute table. */
const SECRET_KEYS = ATTRIBUTES.filter((attribute) => attribute.type === "secret").map(
  (attribute) => `${attribute.wire}=`,
);

/**
 * The text with the secret lines of a credential answer removed (`password=`, and git 2.46's
 * `credential=` and `oauth_refresh_token=`) — the one place a token is meant to be printed. Only
 * text that is entirely `key=value` lines counts as an answer, so such a line inside any other
 * output is still checked.
 */
export function stripAnswerSecrets(text: string): string {
  const lines = text.split("\n");
  const isAnswer = lines.every((line) => line === "" || /^[A-Za-z_][\w[\]-]*=/.test(line));
  return isAnswer
    ? lines.filter((line) => !SECRET_KEYS.some((key) => line.startsWith(key))).join("\n")
    : text;
}

/** True when an argv runs a credential `get` (helper) or `fill` (git credential): its stdout answers with a password. */
export function answersWithPassword(argv: readonly string[]): boolean {
  return argv.includes("get") || argv.includes("fill");
}

/** Records a process's stdout; for a `get`/`fill` answer the password line is left out. */
export function recordStdout(label: string, argv: readonly string[], stdout: string): void {
  recordOutput(label, answersWithPassword(argv) ? stripAnswerSecrets(stdout) : stdout);
}

/** Records an argv and an environment handed to a child process: no token may be in either. */
export function recordChild(
  label: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> | undefined,
): void {
  recordOutput(`${label} argv`, argv.join("\0"));
  if (env !== undefined) {
    recordOutput(
      `${label} env`,
      Object.entries(env)
        .map(([name, value]) => `${name}=${value ?? ""}`)
        .join("\0"),
    );
  }
}

/** An error as a person or a log would see it: message, stack, cause chain and own fields. */
export function describeThrown(error: unknown): string {
  return inspect(error, { depth: 8, breakLength: Number.POSITIVE_INFINITY });
}

/** Records a thrown error (message, stack, cause, fields such as hint) for the leak check. */
export function recordThrown(label: string, error: unknown): void {
  recordOutput(label, describeThrown(error));
}

/** Registers `read` to be called at the next check; `key` dedups repeated registrations. */
export function recordLazy(key: object, read: () => Captured[]): void {
  lazySources.set(key, read);
  if (lazySources.size > LAZY_LIMIT) readLazySources();
}

function readLazySources(): void {
  for (const read of lazySources.values()) {
    for (const { label, text } of read()) recordOutput(label, text);
  }
  lazySources.clear();
}

export interface TreeOptions {
  /** True for a path (absolute) that is the store itself, or otherwise allowed to hold a token. */
  isExempt: (path: string) => boolean;
}

/** Scans `root` after every test until unwatchTree(root). */
export function watchTree(root: string, options: TreeOptions): void {
  trees.set(root, options);
}

export function unwatchTree(root: string): void {
  trees.delete(root);
}

/**
 * Allows `path` to hold a canary (a test's own fixture such as a git credential-store file it
 * wrote). Say why: the reason is kept next to the path for whoever reads the guard's state.
 */
export function exemptFile(path: string, reason: string): void {
  exemptFiles.set(path, reason);
}

/** A file named by GIT_CREDENTIAL_PAT_FILE is the file store a test chose: allowed to hold tokens. */
export function noteStoreFile(env: Readonly<Record<string, string | undefined>>): void {
  const file = env.GIT_CREDENTIAL_PAT_FILE;
  if (file !== undefined && file !== "") exemptFile(file, "the file store (GIT_CREDENTIAL_PAT_FILE)");
}

/** Largest file read by the tree scan; larger ones are read up to this size. */
const MAX_SCAN_BYTES = 4 * 1024 * 1024;

/**
 * Every regular file under `root` (symlinks not followed), as `Captured` entries labelled with
 * the path, except exempt ones and git object stores (zlib-compressed, so a raw search would
 * be meaningless there; git's plain files — config, logs, packed-refs — are scanned).
 */
export async function scanTree(root: string, options: TreeOptions): Promise<Captured[]> {
  const found: Captured[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return; // Removed meanwhile, or not ours to read.
    }
    const isGitDir = names.includes("HEAD") && names.includes("objects");
    for (const name of names) {
      const path = join(dir, name);
      if (isGitDir && name === "objects") continue;
      if (options.isExempt(path) || exemptFiles.has(path)) continue;
      const stats = await lstat(path).catch(() => undefined);
      if (stats?.isDirectory()) await walk(path);
      else if (stats?.isFile()) {
        const bytes = await readFile(path).catch(() => undefined);
        if (bytes !== undefined) {
          found.push({
            label: `file ${relative(root, path)} (in ${root})`,
            text: bytes.subarray(0, MAX_SCAN_BYTES).toString("latin1"),
          });
        }
      }
    }
  };
  await walk(root);
  return found;
}

/** The labels of the entries that contain a canary (one per canary found). Pure. */
export function canaryLeaks(entries: readonly Captured[]): string[] {
  return entries.flatMap(({ label, text }) => findCanaries(text).map(() => label));
}

/** Throws when any entry holds a canary; the message names where, never the token. */
export function assertNoCanaries(entries: readonly Captured[]): void {
  assertNoLeaks(canaryLeaks(entries));
}

/** Throws naming the places a canary was found (labels are masked), if any. */
export function assertNoLeaks(found: readonly string[]): void {
  const places = [...new Set(found.map(maskCanaries))];
  if (places.length > 0) throw new Error(`a canary token leaked into: ${places.join("; ")}`);
}

/**
 * Where canaries were found since the last call: recorded output, the pending lazy sources and
 * every watched tree. Clears the record (the afterEach below calls it after every test).
 */
export async function takeLeaks(): Promise<string[]> {
  readLazySources();
  for (const [root, options] of trees) {
    for (const { label, text } of await scanTree(root, options)) recordOutput(label, text);
  }
  return leaks.splice(0, leaks.length);
}

/** An error that escaped a test, unless it is an assertion failure (whose diff may quote an expected canary). */
function escapedErrors(
  errors: ReadonlyArray<{ name?: string; message?: string; stack?: string }>,
): Captured[] {
  return errors
    .filter((error) => error.name !== "AssertionError")
    .map((error) => ({
      label: `error thrown by the test (${error.name ?? "Error"})`,
      text: `${error.message}\n${error.stack}`,
    }));
}

// expect(fn).toThrow() and expect(promise).rejects catch an error before the test sees it:
// record what they caught.
chai.use((chaiApi, utils) => {
  const tapPromise = (value: unknown): unknown =>
    Promise.resolve(value).catch((error: unknown) => {
      recordThrown("error caught by expect().rejects", error);
      throw error;
    });
  utils.overwriteProperty(
    chaiApi.Assertion.prototype,
    "rejects",
    (_super) =>
      function (this: Chai.AssertionStatic) {
        const obj: unknown = utils.flag(this, "object");
        if (typeof obj === "function") {
          utils.flag(this, "object", (...args: unknown[]) =>
            tapPromise((obj as (...a: unknown[]) => unknown)(...args)),
          );
        } else if (typeof (obj as { then?: unknown } | null)?.then === "function") {
          utils.flag(this, "object", tapPromise(obj));
        }
        return _super.call(this);
      },
  );
  for (const name of ["toThrow", "toThrowError"]) {
    utils.overwriteMethod(
      chaiApi.Assertion.prototype,
      name,
      (_super: (...args: unknown[]) => unknown) =>
        function (this: Chai.AssertionStatic, ...args: unknown[]) {
          const obj: unknown = utils.flag(this, "object");
          if (utils.flag(this, "promise") === "rejects")
            recordThrown("error caught by expect().toThrow", obj);
          else if (typeof obj === "function") {
            utils.flag(this, "object", (...callArgs: unknown[]) => {
              try {
                return (obj as (...a: unknown[]) => unknown)(...callArgs);
              } catch (error) {
                recordThrown("error caught by expect().toThrow", error);
                throw error;
              }
            });
          }
          return _super.apply(this, args);
        },
    );
  }
});

afterEach(async (context) => {
  const found = await takeLeaks();
  found.push(...canaryLeaks(escapedErrors(context.task.result?.errors ?? [])));
  assertNoLeaks(found);
});
