// Where a program is found through PATH, as git finds `git-credential-pat` for
// `credential.helper = pat`. POSIX: ":"-separated entries, an executable file (any x bit).
// Windows, as Git for Windows' lookup_prog (compat/mingw.c): ";"-separated entries, NAME.exe
// first, then NAME itself (a script git runs through its #! line, such as npm's shim); no x bit
// exists there, and PATHEXT (.cmd, .bat…) is cmd.exe's rule, not git's. Pure: the caller stats.
import { isAbsolutePath, pathStyleOf } from "../posix-path.js";

/**
 * The files to try for `name`, in order. Empty and relative entries are skipped: they depend on
 * the directory git runs in (a repository), so they are never counted on.
 */
export function pathCandidates(name: string, pathValue: string | undefined, platform: string): string[] {
  const isWindows = platform === "win32";
  const style = pathStyleOf(platform);
  return (pathValue ?? "").split(isWindows ? ";" : ":").flatMap((entry) => {
    // Windows allows an entry in quotes ("C:\Program Files\x").
    const dir = isWindows ? entry.replace(/^"(.*)"$/, "$1") : entry;
    if (!isAbsolutePath(dir, style)) return [];
    const base = `${dir.replace(isWindows ? /[\\/]+$/ : /\/+$/, "")}/${name}`;
    return isWindows ? [`${base}.exe`, base] : [base];
  });
}

/** Whether a file found there runs: a regular file, with an x bit where there are mode bits. */
export function isRunnable(stats: { isFile(): boolean; mode: number }, platform: string): boolean {
  return stats.isFile() && (platform === "win32" || (stats.mode & 0o111) !== 0);
}

/**
 * What to start for `file` on Windows: a bare name is looked up in the child's PATH (NAME.exe),
 * never in the working directory, which Windows (and libuv, for Node and bun) search first: git
 * runs us inside a repository, which could hold a git.exe. undefined when PATH has none.
 * A path ("C:/…", "dir\\x") and every name elsewhere are left as they are (execvp looks only
 * in PATH).
 */
export function programPath(
  file: string,
  pathValue: string | undefined,
  platform: string,
  isFile: (path: string) => boolean,
): string | undefined {
  if (platform !== "win32" || /[\\/]/.test(file)) return file;
  const name = /\.exe$/i.test(file) ? file.slice(0, -4) : file;
  return pathCandidates(name, pathValue, platform).find((path) => path.endsWith(".exe") && isFile(path));
}
