// `npm install -g` from the release's npm pack tarballs, the way a user gets it: the main package
// from its tarball, its platform packages (optional dependencies) from a fake registry on loopback
// that serves only the @git-credential-pat scope and only what was built (linux-x64; 404 for the
// others), everything else from the real registry, into a throwaway prefix with a private cache.
// Then setup writes the platform binary's absolute path, git runs that binary (not Node) and gets
// the token from the file store, and one `get` is timed through each. scripts/test.sh builds the
// tarballs (node scripts/release.mjs, after the build); `node scripts/release.mjs --target
// linux-x64` is enough for this test.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { mkdtemp, open, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIST_DIR, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { type FakeNpmRegistry, startFakeNpmRegistry } from "../helpers/fake-npm-registry.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

interface ReleaseTarget {
  id: string;
}
// The release's table, read as data (the .mjs has no types).
const { RELEASE_TARGETS, npmPackageName } = (await import(
  pathToFileURL(join(import.meta.dirname, "../../scripts/release-targets.mjs")).href
)) as { RELEASE_TARGETS: ReleaseTarget[]; npmPackageName(target: ReleaseTarget): string };

const ROOT = join(DIST_DIR, "..");
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
const RELEASE_NPM = join(ROOT, "release", "npm");
const MAIN_TARBALL = join(RELEASE_NPM, `git-credential-pat-${version}.tgz`);
const PLATFORM_TARBALL = join(RELEASE_NPM, `git-credential-pat-linux-x64-${version}.tgz`);
const SCOPE = "@git-credential-pat";
const INSTALL_TIMEOUT_MS = 300_000;
const TIMED_RUNS = 15;

/** The machine's own npm config files (registry, CA file): a throwaway prefix must not lose them. */
function npmConfigFile(name: "userconfig" | "globalconfig"): string {
  return execFileSync("npm", ["config", "get", name], { encoding: "utf8" }).trim();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

describe("npm install -g from the release tarballs", () => {
  let registry: FakeNpmRegistry;
  let work: string;
  let prefix: string;
  let sandbox: Sandbox;
  let install: { code: number; stderr: string };
  /** Where npm put the main package, and the binary it should run. */
  let packageDir: string;
  let binary: string;
  let launcher: string;

  beforeAll(async () => {
    for (const tarball of [MAIN_TARBALL, PLATFORM_TARBALL]) {
      if (!existsSync(tarball)) {
        throw new Error(
          `missing ${tarball}: run npm run build, then node scripts/release.mjs --target linux-x64`,
        );
      }
    }
    // Every platform package the release built (all of them after `npm run release`).
    const platformTarballs = RELEASE_TARGETS.map((target) =>
      join(
        RELEASE_NPM,
        `git-credential-pat-${npmPackageName(target).slice(`${SCOPE}/`.length)}-${version}.tgz`,
      ),
    ).filter((file) => existsSync(file));
    registry = await startFakeNpmRegistry(platformTarballs);
    work = await mkdtemp(join(tmpdir(), "gcp-npm-install-"));
    prefix = join(realpathSync(work), "prefix");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: join(work, "npm-home"),
      LANG: "C",
      // The fake registry is on loopback: never through a proxy the machine may set.
      NO_PROXY: ["127.0.0.1", process.env.NO_PROXY].filter(Boolean).join(","),
    };
    for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"]) {
      const value = process.env[name];
      if (value) env[name] = value;
    }
    const result = await runCommand(
      [
        "npm",
        "install",
        "--global",
        "--prefix",
        prefix,
        MAIN_TARBALL,
        `--${SCOPE}:registry=${registry.url}`,
        "--cache",
        join(work, "npm-cache"),
        "--userconfig",
        npmConfigFile("userconfig"),
        "--globalconfig",
        npmConfigFile("globalconfig"),
        "--no-audit",
        "--no-fund",
        "--loglevel=warn",
      ],
      { env, timeoutMs: INSTALL_TIMEOUT_MS },
    );
    install = { code: result.code, stderr: result.stderr };
    packageDir = join(prefix, "lib", "node_modules", "git-credential-pat");
    binary = join(packageDir, "node_modules", SCOPE, "linux-x64", "bin", "git-credential-pat");
    launcher = join(prefix, "bin", "git-credential-pat");

    sandbox = await createSandbox();
    // As a user's shell has it: npm's global bin first on PATH.
    sandbox.env.PATH = `${join(prefix, "bin")}:${sandbox.env.PATH ?? ""}`;
    sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
  }, INSTALL_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    if (sandbox) {
      await runCommand([launcher, "exit"], { env: sandbox.env });
      await sandbox.cleanup();
    }
    await registry?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("installs the linux-x64 package from the scoped registry and skips the platforms not built", async () => {
    expect(install.stderr).not.toMatch(/npm error/);
    expect(install.code).toBe(0);
    expect(await readdir(join(packageDir, "node_modules", SCOPE))).toEqual(["linux-x64"]);
    expect(registry.requests).toContain(`/${SCOPE}/linux-x64`);
    expect(registry.requests).toContain(`/${SCOPE}/linux-x64/-/git-credential-pat-linux-x64-${version}.tgz`);
    // npm asked for the others too (their os/cpu/libc are in the packument; one not built is a
    // 404) and fetched no other platform's tarball.
    expect(registry.requests).toContain(`/${SCOPE}/darwin-arm64`);
    expect(registry.requests.filter((path) => path.includes("/-/"))).toEqual([
      `/${SCOPE}/linux-x64/-/git-credential-pat-linux-x64-${version}.tgz`,
    ]);
    expect((await stat(binary)).mode & 0o111).not.toBe(0);
  });

  it("setup, run through npm's bin (the Node build), writes the platform binary's absolute path", async () => {
    const setup = await runCommand([launcher, "setup"], { env: sandbox.env });
    expect(setup.stderr).toBe("");
    expect(setup.code).toBe(0);
    const helpers = await sandbox.git([
      "config",
      "--global",
      "--get-all",
      "credential.https://github.com.helper",
    ]);
    expect(helpers.stdout).toBe(`\n${binary}\n`);
    // Re-running changes nothing: the same path.
    const again = await runCommand([launcher, "setup"], { env: sandbox.env });
    expect(again.stdout.toString()).toContain("nothing changed");
  });

  it("git runs the binary, not Node, and gets the token from the file store", async () => {
    const approve = await sandbox.git(["credential", "approve"], {
      input: `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n\n`,
    });
    expect(approve.code).toBe(0);
    const fill = await sandbox.git(["credential", "fill"], {
      input: "protocol=https\nhost=github.com\n\n",
      env: { GIT_TRACE: "1" },
    });
    expect(fill.code).toBe(0);
    expect(fill.stdout).toContain(`password=${CANARY.classic}\n`);
    // git's trace names the command it started for the helper: the binary, with the action.
    const started = fill.stderr.split("\n").filter((line) => line.includes("run_command:"));
    expect(started).toEqual([expect.stringContaining(`${binary} get`)]);
    // The binary is a native executable (ELF), not a script for node.
    const handle = await open(binary, "r");
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0);
    await handle.close();
    expect(magic).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    // And it says so itself; npm's bin is the Node build.
    const versionOf = async (argv: string[]) =>
      (await runCommand([...argv, "--version"], { env: sandbox.env })).stdout.toString();
    expect(await versionOf([binary])).toBe(`${version} (linux-x64, standalone)\n`);
    expect(await versionOf([launcher])).toMatch(new RegExp(`^${version} \\(linux-x64, node v`));
  });

  it("doctor, run through npm's bin, is content with the binary and warns when git runs the Node launcher", async () => {
    const doctor = async (env: Record<string, string> = {}) =>
      (
        await runCommand([launcher, "doctor"], { env: { ...sandbox.env, ...env }, timeoutMs: 30_000 })
      ).stdout.toString();
    const content = await doctor();
    expect(content).toContain("git asks only git-credential-pat for https://github.com");
    expect(content).not.toContain("not the platform binary");

    const byName = join(sandbox.root, "pat-by-name.gitconfig");
    await writeFile(byName, '[credential "https://github.com"]\n\thelper =\n\thelper = pat\n');
    expect(await doctor({ GIT_CONFIG_GLOBAL: byName })).toContain(
      `runs the git-credential-pat on PATH (npm's Node launcher) for https://github.com, not the platform binary npm installed (${binary})`,
    );
  });

  it("times one get through the binary and through the Node launcher", async () => {
    const input = "protocol=https\nhost=github.com\n\n";
    const timeGet = async (argv: string[]) => {
      const times: number[] = [];
      for (let run = 0; run <= TIMED_RUNS; run++) {
        const result = await runCommand([...argv, "get"], { env: sandbox.env, input });
        expect(result.stdout.toString()).toContain(`password=${CANARY.classic}\n`);
        // The first run warms the page cache; it is not counted.
        if (run > 0) times.push(result.durationMs);
      }
      return median(times);
    };
    const binaryMs = await timeGet([binary]);
    const nodeMs = await timeGet([launcher]);
    console.log(
      `one get (median of ${TIMED_RUNS}): platform binary ${binaryMs.toFixed(1)} ms, Node launcher ${nodeMs.toFixed(1)} ms`,
    );
  });
});
