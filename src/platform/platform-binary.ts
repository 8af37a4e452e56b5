// The standalone binary npm installed beside the Node build: the per-platform package
// (@git-credential-pat/<id>, an optional dependency picked by npm from os/cpu/libc, as esbuild's
// and Biome's are) for this machine, and the binary's absolute path inside it. Only people's
// commands (setup, doctor) look; git's path never does.
import type { PlatformBinary } from "./deps.js";
import { isRunnable } from "./path-lookup.js";

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
 * in the package's own node_modules (a global install nests it there) or beside the package in
 * the node_modules it sits in (a project install hoists it; pnpm links it there). Nowhere else:
 * Node's resolution would go on up to every ancestor's node_modules (and NODE_PATH), where
 * anyone who can write there (/tmp/node_modules) would choose the program setup hands git's tokens.
 */
export function findPlatformBinary(fromFile: string): PlatformBinary {
  const fs = process.getBuiltinModule("node:fs");
  const path = process.getBuiltinModule("node:path");
  const libc = process.platform === "linux" ? linuxLibc() : undefined;
  const pkg = platformPackageFor(process.platform, process.arch, libc);
  const platform = `${process.platform}-${process.arch}${libc === "musl" ? "-musl" : ""}`;
  if (pkg === undefined) return { kind: "none", reason: `no prebuilt binary is published for ${platform}` };
  // npm's global bin is a symlink to dist/cli.cjs: look from where the file really is.
  let packageRoot: string;
  try {
    packageRoot = path.dirname(path.dirname(fs.realpathSync(fromFile)));
  } catch {
    return { kind: "none", reason: `${pkg.name} is not installed`, packageName: pkg.name };
  }
  const parent = path.dirname(packageRoot);
  const places = [
    path.join(packageRoot, "node_modules", ...pkg.name.split("/")),
    ...(path.basename(parent) === "node_modules" ? [path.join(parent, ...pkg.name.split("/"))] : []),
  ];
  const found = places.map((place) => readManifest(path.join(place, "package.json"), pkg.name)).find(Boolean);
  if (found === undefined) {
    return { kind: "none", reason: `${pkg.name} is not installed`, packageName: pkg.name };
  }
  const { manifest, version } = found;
  const binary = path.join(path.dirname(manifest), ...pkg.binary.split("/"));
  try {
    if (!isRunnable(fs.statSync(binary), process.platform)) {
      return { kind: "none", reason: `${binary} is not an executable file`, packageName: pkg.name };
    }
  } catch {
    return { kind: "none", reason: `${pkg.name} has no ${pkg.binary}`, packageName: pkg.name };
  }
  return { kind: "found", path: binary, packageName: pkg.name, version };
}

/** `file` (its real path) and the version it names, if it is the manifest of package `name`. */
function readManifest(file: string, name: string): { manifest: string; version: string } | undefined {
  const fs = process.getBuiltinModule("node:fs");
  try {
    const manifest = fs.realpathSync(file);
    const parsed = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
      name?: unknown;
      version?: unknown;
    } | null;
    if (parsed?.name !== name) return undefined;
    return { manifest, version: typeof parsed.version === "string" ? parsed.version : "" };
  } catch {
    return undefined;
  }
}
