import { delimiter } from "node:path";
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { gitVersion, MODERN_GIT_BIN_ENV, modernGitFromEnv } from "./test/helpers/modern-git.js";
import { ARM64_ARTIFACT, qemuMissing, TEST_ARTIFACT_ENV } from "./test/helpers/qemu-arm64.js";

// One run, one JSON report, up to five projects, three named after the git they use:
// - the system git: every test;
// - the modern git (scripts/modern-git.sh, first on PATH): the tiers that run git, again;
// - git's t0303 (test/external): its test-lib runs the modern build's own git, whatever PATH says;
// - linux-arm64 (qemu), and its t0303: the arm64 release binary under qemu-user (qemuProjects below).
// Each runs after the one before (sequence.groupOrder) on the shared gnome-keyring and two cores:
// a file running twice at once could race itself (readme-example stores for github.com), and
// t0303, on a project of its own, runs alone: it uses fixed hosts (example.com) and a 1-second
// cache timeout, and the report counts git's suite apart from ours.
const GIT_TIERS = ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"];
const MODERN_ONLY = ["test/modern-git/**", "test/external/**"];

function projects(): TestProjectInlineConfiguration[] {
  return [...gitProjects(), ...qemuProjects()];
}

function gitProjects(): TestProjectInlineConfiguration[] {
  const systemVersion = gitVersion("git") ?? "not found";
  const system: TestProjectInlineConfiguration = {
    extends: true,
    test: {
      name: `git ${systemVersion}`,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      exclude: [...configDefaults.exclude, ...MODERN_ONLY],
    },
  };
  const modern = modernGitFromEnv();
  if (modern === undefined) {
    if (process.env.CI !== "true") {
      warnOnce(
        "modern-git",
        `vitest: no ${MODERN_GIT_BIN_ENV}, so no git ≥ 2.46 project and no t0303 (npm test sets it)`,
      );
      return [system];
    }
    // CI never skips silently: these tests fail and say what is missing.
    return [
      system,
      modernProject(
        "modern git (missing)",
        ["test/modern-git/**/*.test.ts", "test/external/**/*.test.ts"],
        1,
      ),
    ];
  }
  const result = [system];
  // The same version twice would only repeat the tiers (and vitest refuses two projects of one name).
  if (modern.version !== systemVersion) {
    result.push(
      modernProject(`git ${modern.version}`, [...GIT_TIERS, "test/modern-git/**/*.test.ts"], 1, {
        PATH: `${modern.bin}${delimiter}${process.env.PATH ?? ""}`,
      }),
    );
  }
  result.push(modernProject(`t0303 (git ${modern.version})`, ["test/external/**/*.test.ts"], 2));
  return result;
}

/** vitest loads this file more than once per run: say each notice once. */
function warnOnce(key: string, message: string): void {
  const flags = globalThis as unknown as Record<symbol, boolean>;
  const shown = Symbol.for(`git-credential-pat.${key}-notice`);
  if (flags[shown]) return;
  console.warn(message);
  flags[shown] = true;
}

function modernProject(
  name: string,
  include: string[],
  groupOrder: number,
  env: Record<string, string> = {},
): TestProjectInlineConfiguration {
  return { extends: true, test: { name, include, env, sequence: { groupOrder } } };
}

// The linux-arm64 release binary under qemu-user (test/helpers/qemu-arm64.ts), on the system git,
// as the only artifact of the files that cover git's protocol, the file, memory and keychain
// stores, the cache daemon and a real clone; then git's t0303. Last, alone: every helper run
// costs qemu ~0.7 s.
const QEMU_FILES = [
  "test/integration/git-credential.test.ts",
  "test/integration/bad-input.test.ts",
  "test/integration/modern-protocol.test.ts",
  "test/integration/cache-daemon.test.ts",
  "test/e2e/clone-push-fetch.test.ts",
];
function qemuProjects(): TestProjectInlineConfiguration[] {
  const missing = qemuMissing();
  if (missing !== undefined && process.env.CI !== "true") {
    warnOnce("qemu", `vitest: ${missing}, so no linux-arm64 (qemu) project (npm test installs it as root)`);
    return [];
  }
  // With CI=true the projects stay even without qemu or git's source: their files then fail, saying why.
  const result = [qemuProject(`${ARM64_ARTIFACT} (qemu)`, QEMU_FILES, 3)];
  // git's t0303 too (two of its configurations, test/external/t0303.test.ts), alone as on the host.
  const modern = modernGitFromEnv();
  if (modern !== undefined || process.env.CI === "true") {
    const version = modern?.version ?? "missing";
    result.push(
      qemuProject(`t0303 (git ${version}) ${ARM64_ARTIFACT} (qemu)`, ["test/external/**/*.test.ts"], 4),
    );
  }
  return result;
}

function qemuProject(name: string, include: string[], groupOrder: number): TestProjectInlineConfiguration {
  const project = modernProject(name, include, groupOrder, { [TEST_ARTIFACT_ENV]: ARM64_ARTIFACT });
  return { ...project, test: { ...project.test, testTimeout: 120_000, hookTimeout: 120_000 } };
}

export default defineConfig({
  test: {
    projects: projects(),
    setupFiles: ["test/helpers/canary-guard.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // .ci/run reads the JSON report to print "N passed, N failed" (totals over every project).
    reporters: ["default", ["json", { outputFile: ".test-results.json" }]],
    coverage: {
      provider: "v8",
      include: ["src/protocol/**", "src/secret.ts"],
      thresholds: { lines: 100, branches: 100, functions: 100, statements: 100 },
    },
  },
});
