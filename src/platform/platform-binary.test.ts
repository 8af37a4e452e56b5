import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findPlatformBinary, PLATFORM_PACKAGES, platformPackageFor } from "./platform-binary.js";

interface ReleaseTarget {
  id: string;
  os: string;
  cpu: string;
  libc?: "glibc" | "musl";
}
interface ReleaseTargets {
  RELEASE_TARGETS: ReleaseTarget[];
  npmPackageName(target: ReleaseTarget): string;
  npmBinaryPath(target: ReleaseTarget): string;
}

// The release script's table publishes the packages; this module finds them. A path, not a
// literal specifier: the .mjs has no types, and the test reads it as data.
const releaseTargets = pathToFileURL(resolve(import.meta.dirname, "../../scripts/release-targets.mjs")).href;
const { RELEASE_TARGETS, npmPackageName, npmBinaryPath } = (await import(releaseTargets)) as ReleaseTargets;

describe("platformPackageFor agrees with scripts/release-targets.mjs", () => {
  it.each(RELEASE_TARGETS)("finds the package the release publishes for $id", (target) => {
    const found = platformPackageFor(target.os, target.cpu, target.libc);
    expect(found?.name).toBe(npmPackageName(target));
    expect(found?.binary).toBe(npmBinaryPath(target));
  });

  it("knows no package the release does not publish", () => {
    expect(PLATFORM_PACKAGES.map((pkg) => pkg.name).sort()).toEqual(
      RELEASE_TARGETS.map(npmPackageName).sort(),
    );
  });

  it.each([
    {
      name: "a glibc Linux does not get the musl build",
      os: "linux",
      cpu: "x64",
      libc: "glibc",
      want: "linux-x64",
    },
    {
      name: "a musl Linux gets the musl build",
      os: "linux",
      cpu: "arm64",
      libc: "musl",
      want: "linux-arm64-musl",
    },
    { name: "Windows is npm's win32", os: "win32", cpu: "x64", libc: undefined, want: "win32-x64" },
    {
      name: "a platform with no binary gets none",
      os: "freebsd",
      cpu: "x64",
      libc: undefined,
      want: undefined,
    },
    {
      name: "an architecture with no binary gets none",
      os: "linux",
      cpu: "ia32",
      libc: "glibc",
      want: undefined,
    },
  ] as const)("$name", ({ os, cpu, libc, want }) => {
    expect(platformPackageFor(os, cpu, libc)?.name).toBe(want && `@git-credential-pat/${want}`);
  });
});

// The machines these tests run on (linux x64 and arm64, glibc) all have a package.
describe("findPlatformBinary on this machine", () => {
  const here = PLATFORM_PACKAGES.find(
    (pkg) => pkg.os === process.platform && pkg.cpu === process.arch && pkg.libc !== "musl",
  );
  let root: string;
  let script: string;
  let binary: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "gcp-platform-binary-"));
    // npm's global layout: lib/node_modules/git-credential-pat/{dist,node_modules/@git-credential-pat/ID}.
    const main = join(root, "lib", "node_modules", "git-credential-pat");
    mkdirSync(join(main, "dist"), { recursive: true });
    script = join(main, "dist", "cli.cjs");
    writeFileSync(script, "");
    const pkg = join(main, "node_modules", here?.name ?? "@git-credential-pat/none");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: here?.name, version: "9.8.7" }));
    binary = join(pkg, ...(here?.binary ?? "bin/x").split("/"));
    writeFileSync(binary, "#!/bin/sh\n", { mode: 0o755 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("finds the binary of the installed package, through npm's bin symlink", () => {
    mkdirSync(join(root, "bin"));
    const link = join(root, "bin", "git-credential-pat");
    symlinkSync(join("..", "lib", "node_modules", "git-credential-pat", "dist", "cli.cjs"), link);
    expect(findPlatformBinary(link)).toEqual({
      kind: "found",
      path: binary,
      packageName: here?.name,
      version: "9.8.7",
    });
  });

  it("does not offer a binary that is not executable", () => {
    chmodSync(binary, 0o644);
    expect(findPlatformBinary(script)).toMatchObject({
      kind: "none",
      reason: `${binary} is not an executable file`,
    });
  });

  it("says so when the package has no binary", () => {
    rmSync(binary);
    expect(findPlatformBinary(script)).toMatchObject({ kind: "none", packageName: here?.name });
  });

  it("says the package is not installed when npm skipped it", () => {
    rmSync(join(root, "lib", "node_modules", "git-credential-pat", "node_modules"), { recursive: true });
    expect(findPlatformBinary(script)).toEqual({
      kind: "none",
      reason: `${here?.name} is not installed`,
      packageName: here?.name,
    });
  });
});

// setup writes what this finds into credential.helper, and git then hands that program every
// token: only a package npm installed for this install of ours counts, never one found by
// climbing further up the directory tree (Node's module resolution goes on to every ancestor's
// node_modules, up to /, /tmp/node_modules included, which any user can create).
describe("findPlatformBinary never takes a package from outside this install", () => {
  const here = PLATFORM_PACKAGES.find(
    (pkg) => pkg.os === process.platform && pkg.cpu === process.arch && pkg.libc !== "musl",
  );
  let root: string;
  let script: string;

  /** A platform package of the version we are (what installedBinary accepts) at `dir`. */
  function plantPackage(dir: string): string {
    const pkg = join(dir, here?.name ?? "@git-credential-pat/none");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: here?.name, version: "0.1.0" }));
    const binary = join(pkg, ...(here?.binary ?? "bin/x").split("/"));
    writeFileSync(binary, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    return binary;
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "gcp-platform-binary-up-"));
    // A project install whose platform package npm did not install (--omit=optional, or a
    // lockfile written on another OS: npm/cli#4828), under a directory another user could write to.
    const main = join(root, "project", "node_modules", "git-credential-pat");
    mkdirSync(join(main, "dist"), { recursive: true });
    writeFileSync(
      join(main, "package.json"),
      JSON.stringify({ name: "git-credential-pat", version: "0.1.0" }),
    );
    script = join(main, "dist", "cli.cjs");
    writeFileSync(script, "");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("ignores a package in an ancestor directory's node_modules", () => {
    plantPackage(join(root, "node_modules"));
    expect(findPlatformBinary(script)).toMatchObject({ kind: "none", packageName: here?.name });
  });

  it("still finds the package hoisted beside ours (a project install)", () => {
    const binary = plantPackage(join(root, "project", "node_modules"));
    expect(findPlatformBinary(script)).toMatchObject({ kind: "found", path: binary });
  });
});
