// POSIX path joining, as node:path does it. git's fast path only ever joins and splits a few
// paths, and under bun loading node:path (with node:os) costs ~1 ms of start-up (perf stat);
// these are checked against node:path by property tests (posix-path.test.ts).
// On Windows our paths are spelled with forward slashes after their root ("C:/Users/me/.config"):
// Windows' file APIs and Git for Windows take them, and the same arithmetic then serves both.

/** path.posix.normalize: resolves "." and "..", squeezes slashes, keeps one trailing slash. */
export function normalizePath(path: string): string {
  if (path === "") return ".";
  const isAbsolute = path.startsWith("/");
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") segments.push(segment);
    else if (segments.length > 0 && segments[segments.length - 1] !== "..") segments.pop();
    else if (!isAbsolute) segments.push("..");
  }
  const body = segments.join("/");
  const trailing = path.endsWith("/") && body !== "" ? "/" : "";
  if (isAbsolute) return `/${body}${trailing}`;
  return body === "" ? (path.endsWith("/") ? "./" : ".") : `${body}${trailing}`;
}

/** path.posix.join. */
export function joinPath(...parts: string[]): string {
  // Plain loops and string tests: on bun's interpreter each array builtin run for the first
  // time (filter, split, iterators) costs more than the joining itself.
  let joined = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part !== "") joined = joined === "" ? part : `${joined}/${part}`;
  }
  if (joined === "") return ".";
  return isNormalized(joined) ? joined : normalizePath(joined);
}

/** True when normalizePath would return `path` as it is: no empty, "." or ".." segment. */
function isNormalized(path: string): boolean {
  const inner = `/${path}/`;
  return !inner.includes("//") && !inner.includes("/./") && !inner.includes("/../");
}

/** path.posix.dirname: everything before the last name, trailing slashes of the path ignored. */
export function dirnamePath(path: string): string {
  if (path === "") return ".";
  const hasRoot = path.startsWith("/");
  let end = -1;
  let inName = false;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] !== "/") inName = true;
    else if (inName) {
      end = i;
      break;
    }
  }
  if (end === -1) return hasRoot ? "/" : ".";
  return hasRoot && end === 1 ? "//" : path.slice(0, end);
}

/** path.posix.resolve(cwd, path) for an absolute cwd: absolute, normalized, no trailing slash. */
export function resolvePath(path: string, cwd: string): string {
  const resolved = normalizePath(path.startsWith("/") ? path : `${cwd}/${path}`);
  return resolved.length > 1 && resolved.endsWith("/") ? resolved.slice(0, -1) : resolved;
}

/**
 * How absolute paths are spelled where we run: "posix" ("/…"), or "win32": a drive ("C:\…" or
 * "C:/…") or a UNC share ("\\server\share\…"). A drive without a slash ("C:x", relative to
 * that drive's working directory) and a path from the current drive's root ("\x", "/x", which
 * MSYS also writes for "X:\") are not absolute on Windows: both depend on where git runs.
 */
export type PathStyle = "posix" | "win32";

/** The path style of a platform (process.platform's values). */
export function pathStyleOf(platform: string): PathStyle {
  return platform === "win32" ? "win32" : "posix";
}

/** The root of `path` if it is absolute in `style` ("/", "C:/", "//server/share/"), with forward slashes. */
function rootOf(path: string, style: PathStyle): string | undefined {
  if (style !== "win32") return path.startsWith("/") ? "/" : undefined;
  const slashed = path.replaceAll("\\", "/");
  const drive = /^[A-Za-z]:\//.exec(slashed);
  if (drive) return `${slashed[0]?.toUpperCase()}:/`;
  const share = /^\/\/[^/]+\/[^/]+(\/|$)/.exec(slashed);
  if (share) return share[0].endsWith("/") ? share[0] : `${share[0]}/`;
  return undefined;
}

/** Whether `path` is absolute in `style` (see PathStyle). */
export function isAbsolutePath(path: string, style: PathStyle): boolean {
  return rootOf(path, style) !== undefined;
}

/**
 * An absolute path normalized (".", ".." and repeated slashes resolved, no trailing slash; on
 * Windows forward slashes and an upper-case drive letter); undefined when it is not absolute.
 * ".." never climbs above the root, as on POSIX.
 */
export function normalizeAbsolutePath(path: string, style: PathStyle): string | undefined {
  const root = rootOf(path, style);
  if (root === undefined) return undefined;
  if (style !== "win32") return resolvePath(path, "/");
  const rest = resolvePath(`/${path.replaceAll("\\", "/").slice(root.length)}`, "/");
  return rest === "/" ? (root.startsWith("//") ? root.slice(0, -1) : root) : `${root}${rest.slice(1)}`;
}

/**
 * A program of Windows' System32 by its full path (%SystemRoot%, by default C:\Windows). Given
 * a bare name, Windows (and libuv's search) looks in the working directory first, and git runs
 * us inside a repository, which could hold an icacls.exe or a rundll32.exe.
 */
export function windowsSystemProgram(name: string, systemRoot: string | undefined): string {
  return `${(systemRoot || "C:\\Windows").replace(/[\\/]+$/, "")}\\System32\\${name}`;
}
