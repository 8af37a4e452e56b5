// POSIX path joining, as node:path does it. git's fast path only ever joins and splits a few
// paths, and under bun loading node:path (with node:os) costs ~1 ms of start-up (perf stat);
// these are checked against node:path by property tests (posix-path.test.ts).

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
