// The standalone binary npm installed beside the Node build: the per-platform package
// (@git-credential-pat/<id>, an optional dependency picked by npm from os/cpu/libc, as esbuild's
// and Biome's are) for this machine, and the binary's absolute path inside it. Only people's
// commands (setup, doctor) look; git's path never does.
import type { PlatformBinary } from "./deps.js";

/** One npm platform package: what npm matches it on, as scripts/release-targets.mjs publishes it. */
export interface PlatformPackage {
  /** npm's package name. */
  name: string;
  os: string;
  cpu: string;
  libc?: "glibc" | "musl";
  /** The binary's path inside the package. */
  binary: string;
}

const SCOPE = "@git-credential-pat";

function platformPackage(id: string, os: string, cpu: string, libc?: "glibc" | "musl"): PlatformPackage {
  const binary = os === "win32" ? "bin/git-credential-pat.exe" : "bin/git-credential-pat";
  return { name: `${SCOPE}/${id}`, os, cpu, ...(libc ? { libc } : {}), binary };
}

/** Every platform with a published binary (a unit test holds this to scripts/release-targets.mjs). */
export const PLATFORM_PACKAGES: readonly PlatformPackage[] = [
  platformPackage("linux-x64", "linux", "x64", "glibc"),
  platformPackage("linux-arm64", "linux", "arm64", "glibc"),
  platformPackage("linux-x64-musl", "linux", "x64", "musl"),
  platformPackage("linux-arm64-musl", "linux", "arm64", "musl"),
  platformPackage("darwin-x64", "darwin", "x64"),
  platformPackage("darwin-arm64", "darwin", "arm64"),
  platformPackage("win32-x64", "win32", "x64"),
];

/** The package for process.platform/process.arch (and, on Linux, the C library); undefined: none. */
export function platformPackageFor(
  os: string,
  cpu: string,
  libc: "glibc" | "musl" | undefined,
): PlatformPackage | undefined {
  return PLATFORM_PACKAGES.find((pkg) => pkg.os === os && pkg.cpu === cpu && pkg.libc === libc);
}

/**
 * Whether this Linux runs on musl (Alpine): its ldd is musl's. Reading the file takes ~0.3 ms;
 * process.report.getReport() (glibcVersionRuntime), what Biome asks, ~6 ms (measured, Node 20),
 * so the report is only the fallback for a system without /usr/bin/ldd.
 */
function linuxLibc(): "glibc" | "musl" {
  const fs = process.getBuiltinModule("node:fs");
  try {
    return fs.readFileSync("/usr/bin/ldd", "latin1").includes("musl") ? "musl" : "glibc";
  } catch {
    const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
    return header?.glibcVersionRuntime ? "glibc" : "musl";
  }
}

/**
 * The platform binary installed next to the script `fromFile` (dist/cli.cjs of the npm package):
 * resolved as Node resolves `<package>/package.json` from there, so a global install (nested
 * under the main package) and a project install (hoisted) are both found.
 */
export function findPlatformBinary(fromFile: string): PlatformBinary {
  const fs = process.getBuiltinModule("node:fs");
  const { createRequire } = process.getBuiltinModule("node:module");
  const path = process.getBuiltinModule("node:path");
  const libc = process.platform === "linux" ? linuxLibc() : undefined;
  const pkg = platformPackageFor(process.platform, process.arch, libc);
  const platform = `${process.platform}-${process.arch}${libc === "musl" ? "-musl" : ""}`;
  if (pkg === undefined) return { kind: "none", reason: `no prebuilt binary is published for ${platform}` };
  let manifest: string;
  try {
    // npm's global bin is a symlink to dist/cli.cjs: resolve from where the file really is.
    manifest = createRequire(fs.realpathSync(fromFile)).resolve(`${pkg.name}/package.json`);
  } catch {
    return { kind: "none", reason: `${pkg.name} is not installed`, packageName: pkg.name };
  }
  const binary = path.join(path.dirname(manifest), ...pkg.binary.split("/"));
  let version: string;
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(manifest, "utf8"));
    const value = (parsed as { version?: unknown } | null)?.version;
    version = typeof value === "string" ? value : "";
  } catch {
    version = "";
  }
  try {
    const stats = fs.statSync(binary);
    // NTFS has no execute bit: there a file is enough.
    const isExecutable = process.platform === "win32" || (stats.mode & 0o111) !== 0;
    if (!stats.isFile() || !isExecutable) {
      return { kind: "none", reason: `${binary} is not an executable file`, packageName: pkg.name };
    }
  } catch {
    return { kind: "none", reason: `${pkg.name} has no ${pkg.binary}`, packageName: pkg.name };
  }
  return { kind: "found", path: binary, packageName: pkg.name, version };
}
