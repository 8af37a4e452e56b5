// Where a git config target lives on disk, and its bytes: read before and after `setup` edits it
// through git, and written back by `setup --undo` (or edited by `doctor --fix`, where git's CLI would
// need a token on its command line) under git's own lock (`FILE.lock`, O_EXCL, renamed over FILE),
// so a concurrent `git config` never interleaves with us.
import { PatError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { isAbsolutePath, normalizeAbsolutePath, windowsSystemProgram } from "../posix-path.js";
import { errorCode } from "../private-files.js";
import type { ConfigTarget } from "./git-config.js";
import { runGit } from "./run-git.js";

/**
 * The file git edits for `target`, as an absolute path.
 * --global follows git's own choice (builtin/config.c): $GIT_CONFIG_GLOBAL when set, else
 * ~/.gitconfig unless only $XDG_CONFIG_HOME/git/config exists. --local asks git for the
 * repository's (common) config; --file resolves a relative path against the working directory.
 */
export async function configFilePath(
  target: ConfigTarget,
  deps: Pick<Deps, "env" | "fs" | "spawn" | "paths" | "platform">,
): Promise<string> {
  // "/…", or on Windows C:/… too (git's is_absolute_path there).
  const isAbsolute = (path: string) => isAbsolutePath(path, deps.paths.pathStyle);
  if (target.scope === "local") {
    const result = await runGit(["rev-parse", "--path-format=absolute", "--git-path", "config"], deps);
    if (result.code !== 0) {
      const why = result.stderr.trim().split("\n")[0] || `exit ${result.code}`;
      throw new PatError(`--local needs a git repository: ${why}`, {
        hint: "run this inside the repository, or use --global or --file PATH",
      });
    }
    return result.stdout.trim();
  }
  if (target.scope === "file") {
    if (isAbsolute(target.path)) return target.path;
    return `${await workingDirectory(deps)}/${target.path.replace(/^\.\//, "")}`;
  }
  const globalFile = deps.env.GIT_CONFIG_GLOBAL;
  if (globalFile)
    return isAbsolute(globalFile) ? globalFile : `${await workingDirectory(deps)}/${globalFile}`;
  const home = deps.env.HOME || deps.paths.home;
  const userConfig = `${home}/.gitconfig`;
  const xdgConfig = `${deps.env.XDG_CONFIG_HOME || `${home}/.config`}/git/config`;
  return !(await exists(userConfig, deps)) && (await exists(xdgConfig, deps)) ? xdgConfig : userConfig;
}

/**
 * The process's working directory, from a child (only platform/ may ask the process itself):
 * sh's pwd, or on Windows (no sh) cmd's cd, run by its full path.
 */
async function workingDirectory(deps: Pick<Deps, "spawn" | "env" | "paths" | "platform">): Promise<string> {
  const result =
    deps.platform === "win32"
      ? await deps.spawn(windowsSystemProgram("cmd.exe", deps.env.SystemRoot), ["/d", "/c", "cd"], {
          env: {},
          timeoutMs: 5000,
        })
      : await deps.spawn("sh", ["-c", "pwd"], { env: {}, timeoutMs: 5000 });
  const cwd = normalizeAbsolutePath(result.stdout.trim(), deps.paths.pathStyle);
  if (result.code !== 0 || cwd === undefined) {
    throw new PatError("cannot tell the working directory to resolve a relative path", {
      hint: "give an absolute path",
    });
  }
  return cwd;
}

async function exists(path: string, deps: Pick<Deps, "fs">): Promise<boolean> {
  try {
    await deps.fs.stat(path);
    return true;
  } catch {
    return false;
  }
}

export type ConfigFileState =
  | { kind: "absent" }
  | { kind: "file"; bytes: Buffer; mode: number }
  /** A symlink (dotfile managers), a directory…: left to git, never written by us. */
  | { kind: "other" };

export async function readConfigFile(path: string, deps: Pick<Deps, "fs">): Promise<ConfigFileState> {
  let stats: Awaited<ReturnType<Deps["fs"]["lstat"]>>;
  try {
    stats = await deps.fs.lstat(path);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { kind: "absent" };
    throw new PatError(`cannot read ${path} (${errorCode(error) ?? "unknown error"})`, { cause: error });
  }
  if (!stats.isFile()) return { kind: "other" };
  return { kind: "file", bytes: await deps.fs.readFile(path), mode: stats.mode & 0o7777 };
}

/**
 * Replaces the config file with `bytes` (keeping `mode`, as git does), or removes it when
 * `bytes` is undefined; under `path.lock`, which git also takes, so neither side loses a write.
 */
export async function writeConfigFile(
  path: string,
  bytes: Buffer | undefined,
  mode: number,
  deps: Pick<Deps, "fs" | "deferSignals">,
): Promise<void> {
  await underConfigLock(path, mode, async () => ({ bytes: bytes ?? "remove" }), deps);
}

/**
 * Changes a config file in place: reads it once git's lock (`path.lock`) is held, so no
 * concurrent `git config` write is lost in between, and renames `edit`'s bytes over it with the
 * file's own mode. `edit` returning undefined bytes leaves the file as it is. Only a regular file
 * is edited: a symlink (dotfile managers) or a missing file is refused.
 */
export async function editConfigFile<T>(
  path: string,
  edit: (bytes: Buffer) => { bytes: Buffer | undefined; result: T },
  deps: Pick<Deps, "fs" | "deferSignals">,
): Promise<T> {
  const state = await readConfigFile(path, deps);
  if (state.kind !== "file") {
    throw new PatError(
      state.kind === "absent" ? `${path} does not exist` : `${path} is not a regular file (a symlink?)`,
      { hint: `edit the file it points to by hand` },
    );
  }
  let result: T | undefined;
  await underConfigLock(
    path,
    state.mode,
    async () => {
      const edited = edit(await deps.fs.readFile(path));
      result = edited.result;
      return { bytes: edited.bytes ?? "keep" };
    },
    deps,
  );
  return result as T;
}

/**
 * Holds `path.lock` (O_EXCL, as git's lockfile.c) while `produce` decides the new content:
 * bytes to rename over the file with `mode`, "remove" to unlink it, or "keep" to leave it.
 * SIGINT/SIGTERM/SIGHUP wait until the lock is gone (as in rewritePrivateFile): a lock left
 * behind would make every later `git config` write fail ("could not lock config file").
 */
function underConfigLock(
  path: string,
  mode: number,
  produce: () => Promise<{ bytes: Buffer | "remove" | "keep" }>,
  deps: Pick<Deps, "fs" | "deferSignals">,
): Promise<void> {
  return deps.deferSignals(() => holdConfigLock(path, mode, produce, deps));
}

async function holdConfigLock(
  path: string,
  mode: number,
  produce: () => Promise<{ bytes: Buffer | "remove" | "keep" }>,
  deps: Pick<Deps, "fs">,
): Promise<void> {
  const lockPath = `${path}.lock`;
  let lock: Awaited<ReturnType<Deps["fs"]["open"]>>;
  try {
    lock = await deps.fs.open(lockPath, "wx", mode);
  } catch (error) {
    throw new PatError(
      errorCode(error) === "EEXIST"
        ? `${lockPath} exists: another git process is changing the config`
        : `cannot create ${lockPath} (${errorCode(error) ?? "unknown error"})`,
      {
        cause: error,
        hint:
          errorCode(error) === "EEXIST"
            ? `try again; if no git is running, remove it: rm "${lockPath}"`
            : undefined,
      },
    );
  }
  let isClosed = false;
  const close = async () => {
    // Closed exactly once: a second close of a raw fd could close a file someone else opened since.
    if (isClosed) return;
    isClosed = true;
    await lock.close();
  };
  let isRenamed = false;
  try {
    const { bytes } = await produce();
    if (bytes instanceof Buffer) {
      await lock.writeFile(bytes);
      await lock.sync();
    }
    await close();
    if (bytes === "remove") {
      await deps.fs.unlink(path);
    } else if (bytes instanceof Buffer) {
      // open()'s mode is filtered by the umask; git copies the old file's mode exactly.
      await deps.fs.chmod(lockPath, mode);
      await deps.fs.rename(lockPath, path);
      isRenamed = true;
    }
  } catch (error) {
    if (error instanceof PatError) throw error;
    throw new PatError(`cannot write ${path} (${errorCode(error) ?? "unknown error"}); it is unchanged`, {
      cause: error,
    });
  } finally {
    await close().catch(() => {});
    if (!isRenamed) await deps.fs.unlink(lockPath).catch(() => {});
  }
}
