// The linux-arm64 binary under qemu-user: where it is, how to run it, and whether this machine
// can. vitest.config.ts reads this to add the "linux-arm64 (qemu)" project, and
// test/helpers/artifacts.ts to hand that project's test files the qemu'd binary as their only
// artifact. No vitest import here, since the config loads this file.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Set by the qemu project: artifacts() gives the test files the arm64 binary instead of the host's two. */
export const TEST_ARTIFACT_ENV = "GIT_CREDENTIAL_PAT_TEST_ARTIFACT";
export const ARM64_ARTIFACT = "linux-arm64";

/** Another linux-arm64 binary to test instead of release/'s (an absolute path). */
export const ARM64_BINARY_ENV = "GIT_CREDENTIAL_PAT_ARM64_BINARY";

/** Runs an arm64 program under qemu, and arm64 programs it starts too (see the script). */
export const QEMU_WRAPPER = join(ROOT, "test", "helpers", "qemu-arm64.sh");

/** Debian's qemu-user-static and the arm64 libraries the binary and its keychain addon load. */
export const QEMU_BIN = "qemu-aarch64-static";
export const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";
const SYSROOT_LIBS = ["lib/ld-linux-aarch64.so.1", "lib/libc.so.6", "lib/libgcc_s.so.1"];

/** The binary under test: $GIT_CREDENTIAL_PAT_ARM64_BINARY, else what `npm run release` writes (npm test runs it). */
export function arm64BinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[ARM64_BINARY_ENV] || join(ROOT, "release", "git-credential-pat-linux-arm64");
}

/** What stops qemu from running arm64 programs here, or undefined when nothing does. */
export function qemuMissing(): string | undefined {
  try {
    execFileSync(QEMU_BIN, ["--version"], { stdio: "ignore" });
  } catch {
    return `no ${QEMU_BIN} (apt-get install qemu-user-static)`;
  }
  const missing = SYSROOT_LIBS.filter((lib) => !existsSync(join(ARM64_SYSROOT, lib)));
  if (missing.length > 0) {
    return `no ${missing.map((lib) => join(ARM64_SYSROOT, lib)).join(", ")} (apt-get install libc6-arm64-cross libgcc-s1-arm64-cross)`;
  }
  return undefined;
}
