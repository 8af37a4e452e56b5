// What `npm run release` wrote (scripts/test.sh runs it before vitest): a binary per platform in
// the right format for its OS and CPU, with its own keychain addon inside, SHA256SUMS that check,
// npm packages npm can pick from, and the same bytes when built again.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyringAddonFile } from "../../scripts/keyring-addons.mjs";
import {
  binaryFileName,
  npmBinaryPath,
  npmPackageName,
  RELEASE_TARGETS,
} from "../../scripts/release-targets.mjs";

const TARGETS = RELEASE_TARGETS;
const root = join(import.meta.dirname, "..", "..");
const release = join(root, "release");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

function head(file: string, bytes = 4096): Buffer {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, bytes, 0);
  } finally {
    closeSync(fd);
  }
  return buffer;
}

/** OS and CPU as the file's own header says (ELF, Mach-O 64, PE32+), and the interpreter on Linux. */
function describeExecutable(file: string): { os: string; cpu: string; detail: string } {
  const b = head(file);
  if (b.readUInt32BE(0) === 0x7f454c46) {
    const machine = b.readUInt16LE(18);
    const text = b.toString("latin1");
    const interpreter = /\/lib(?:64)?\/ld-[\w.-]+/.exec(text)?.[0] ?? "";
    return {
      os: "linux",
      cpu: machine === 0x3e ? "x64" : machine === 0xb7 ? "arm64" : `?${machine}`,
      detail: interpreter,
    };
  }
  if (b.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = b.readUInt32LE(4);
    // Load commands: an LC_CODE_SIGNATURE (0x1d) is what lets an arm64 Mac run it at all.
    const commands: number[] = [];
    for (let i = 0, offset = 32; i < b.readUInt32LE(16) && offset < b.length - 8; i++) {
      commands.push(b.readUInt32LE(offset));
      offset += b.readUInt32LE(offset + 4);
    }
    return {
      os: "darwin",
      cpu: cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : `?${cpu}`,
      detail: commands.includes(0x1d) ? "signed" : "unsigned",
    };
  }
  if (b.toString("latin1", 0, 2) === "MZ") {
    const pe = b.readUInt32LE(0x3c);
    const machine = b.readUInt16LE(pe + 4);
    const subsystem = b.readUInt16LE(pe + 24 + 68);
    return {
      os: "win32",
      cpu: machine === 0x8664 ? "x64" : machine === 0xaa64 ? "arm64" : `?${machine}`,
      detail: subsystem === 3 ? "console" : `subsystem ${subsystem}`,
    };
  }
  return { os: "unknown", cpu: "unknown", detail: "" };
}

function manifestInTarball(tarball: string): Record<string, unknown> {
  return JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
}

function filesInTarball(tarball: string): string[] {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");
}

describe("npm run release", () => {
  it("wrote a binary per target and SHA256SUMS that checks them", () => {
    const sums = readFileSync(join(release, "SHA256SUMS"), "utf8");
    expect(
      sums
        .trim()
        .split("\n")
        .map((line) => line.split("  ")[1]),
    ).toEqual(TARGETS.map(binaryFileName).sort());
    // sha256sum -c is how a user checks a download (docs: README Install).
    const check = execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: release, encoding: "utf8" });
    expect(check.trim().split("\n")).toHaveLength(TARGETS.length);
    expect(check).not.toMatch(/FAILED/);
  });

  it.each(TARGETS.map((t) => [t.id, t] as const))(
    "%s is an executable for that OS and CPU",
    (_id, target) => {
      const seen = describeExecutable(join(release, binaryFileName(target)));
      expect({ os: seen.os, cpu: seen.cpu }).toEqual({ os: target.os, cpu: target.cpu });
      if (target.os === "linux") {
        const loader =
          target.libc === "musl" ? "ld-musl" : target.cpu === "x64" ? "ld-linux-x86-64" : "ld-linux-aarch64";
        expect(seen.detail).toContain(loader);
      }
      if (target.os === "darwin") expect(seen.detail).toBe("signed");
      if (target.os === "win32") expect(seen.detail).toBe("console");
    },
  );

  it.each(TARGETS.map((t) => [t.id, t] as const))(
    "%s carries its own keychain addon and no other",
    (_id, target) => {
      const binary = readFileSync(join(release, binaryFileName(target)));
      for (const other of TARGETS) {
        const addon = readFileSync(keyringAddonFile(other));
        expect(binary.includes(addon), `${other.keyring} addon in ${target.id}`).toBe(
          other.keyring === target.keyring,
        );
      }
    },
  );

  it("names its version and platform, and runs git's protocol (linux-x64, this machine)", () => {
    const binary = join(release, "git-credential-pat-linux-x64");
    expect(execFileSync(binary, ["--version"], { encoding: "utf8" }).trim()).toBe(
      `${version} (linux-x64, standalone)`,
    );
    const home = mkdtempSync(join(tmpdir(), "release-home-"));
    try {
      const env = { PATH: process.env.PATH, HOME: home, GIT_CREDENTIAL_PAT_STORE: "file" };
      const run = (action: string, input: string) =>
        execFileSync(binary, ["--timeout=0", action], { env, input, encoding: "utf8" });
      run("store", "protocol=https\nhost=example.com\nusername=alice\npassword=release-test-value\n\n");
      expect(run("get", "protocol=https\nhost=example.com\n\n")).toContain("username=alice\n");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("npm packages from the release", () => {
  const npm = join(release, "npm");

  it.each(TARGETS.map((t) => [t.id, t] as const))(
    "%s: os/cpu/libc for npm to pick it, the binary, no scripts",
    (_id, target) => {
      const tarball = join(
        npm,
        `${npmPackageName(target).replace("@", "").replace("/", "-")}-${version}.tgz`,
      );
      const manifest = manifestInTarball(tarball);
      expect(manifest).toMatchObject({
        name: npmPackageName(target),
        version,
        os: [target.os],
        cpu: [target.cpu],
      });
      expect(manifest.libc).toEqual(target.libc ? [target.libc] : undefined);
      expect(manifest.scripts).toBeUndefined();
      expect(filesInTarball(tarball)).toContain(`package/${npmBinaryPath(target)}`);
    },
  );

  it("the main package lists every platform package at its own version, and has no install script", () => {
    const manifest = manifestInTarball(join(npm, `git-credential-pat-${version}.tgz`));
    expect(manifest.optionalDependencies).toEqual(
      Object.fromEntries(TARGETS.map((t) => [npmPackageName(t), version])),
    );
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.overrides).toBeUndefined();
    // The build output, and otherwise only what is committed: an untracked file in docs/ never ships.
    const committed = execFileSync("git", ["ls-files", "--", "README.md", "LICENSE", "docs"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(filesInTarball(join(npm, `git-credential-pat-${version}.tgz`)).sort()).toEqual(
      ["dist/cli.cjs", "dist/commands.mjs", "package.json", ...committed.trim().split("\n")]
        .map((file) => `package/${file}`)
        .sort(),
    );
  });
});

describe("a second build from the same commit", () => {
  let again: string;
  beforeAll(() => {
    again = mkdtempSync(join(tmpdir(), "release-again-"));
    // One target per binary format; each builds in seconds.
    execFileSync(
      "node",
      [
        "scripts/release.mjs",
        "--no-npm",
        "--out",
        again,
        "--target",
        "linux-x64",
        "--target",
        "darwin-arm64",
        "--target",
        "windows-x64",
      ],
      { cwd: root, stdio: "ignore" },
    );
  }, 120_000);
  afterAll(() => rmSync(again, { recursive: true, force: true }));

  it("gives the same bytes", () => {
    const first = readFileSync(join(release, "SHA256SUMS"), "utf8").split("\n");
    for (const line of readFileSync(join(again, "SHA256SUMS"), "utf8").trim().split("\n")) {
      expect(first).toContain(line);
    }
    expect(existsSync(join(again, "git-credential-pat-windows-x64.exe"))).toBe(true);
  });
});
