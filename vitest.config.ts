import { delimiter } from "node:path";
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { gitVersion, MODERN_GIT_BIN_ENV, modernGitFromEnv } from "./test/helpers/modern-git.js";
import {
  NODE_LINES,
  nodeLineEnv,
  nodeLineFromEnv,
  TEST_NODE_ENV,
  TEST_NODE_LINE_ENV,
} from "./test/helpers/node-lines.js";
import { ARM64_ARTIFACT, qemuMissing, TEST_ARTIFACT_ENV } from "./test/helpers/qemu-arm64.js";

// One run, one JSON report, up to three projects named after the git they use:
// - the system git: every test;
// - the modern git (scripts/modern-git.sh, first on PATH): the tiers that run git, again;
// - git's t0303 (test/external): its test-lib runs the modern build's own git, whatever PATH says.
// Each runs after the one before (sequence.groupOrder) on the shared gnome-keyring and two cores:
// a file running twice at once could race itself (readme-example stores for github.com), and
// t0303, on a project of its own, runs alone: it uses fixed hosts (example.com) and a 1-second
// cache timeout, and the report counts git's suite apart from ours.
// Then "node 22" and "node 24" (scripts/node-lines.sh): the Node build's tiers under those lines.
// Last "linux-arm64 (qemu)" and its t0303: the arm64 release binary under qemu-user (qemuProjects).
const GIT_TIERS = ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"];
const MODERN_ONLY = ["test/modern-git/**", "test/external/**"];
const NOTICE_SHOWN = Symbol.for("git-credential-pat.modern-git-notice");
// Installs the packed package with every Node line itself: once per run is enough.
const RUN_ONCE = ["test/integration/npm-install-node-lines.test.ts"];
// The Node build again under each Node LTS line that is not the system node (20), after the git
// tiers (it shares their keyring and fixed hosts). All of the Node build's integration and e2e
// files take 7.5 minutes a line; these take about 2 and cover git's path (get/store/erase with the
// file and keychain stores, the cache daemon, the learner, a real clone and fetch), the people's
// commands (login, list, rotate, logout, setup, doctor) and what differs between Node lines: the
// children's interpreter (process.execPath) and environment, and the API through a proxy
// (node:http/https, undici's fetch).
const NODE_LINE_TIERS = [
  "test/node-lines/**/*.test.ts",
  ...[
    "git-credential",
    "cache-daemon",
    "cache-daemon-deadline",
    "child-environment",
    "secret-hygiene",
    "setup",
    "doctor",
    "api-proxy",
  ].map((name) => `test/integration/${name}.test.ts`),
  ...["token-lifecycle", "learn-after-store"].map((name) => `test/e2e/${name}.test.ts`),
];
const NODE_LINE_ONLY = ["test/node-lines/**"];
const NODE_NOTICE_SHOWN = Symbol.for("git-credential-pat.node-lines-notice");

function projects(): TestProjectInlineConfiguration[] {
  const systemVersion = gitVersion("git") ?? "not found";
  const system: TestProjectInlineConfiguration = {
    extends: true,
    test: {
      name: `git ${systemVersion}`,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      exclude: [...configDefaults.exclude, ...MODERN_ONLY, ...NODE_LINE_ONLY],
    },
  };
  return [...gitProjects(system, systemVersion), ...nodeLineProjects(), ...qemuProjects()];
}

function gitProjects(
  system: TestProjectInlineConfiguration,
  systemVersion: string,
): TestProjectInlineConfiguration[] {
  const modern = modernGitFromEnv();
  if (modern === undefined) {
    if (process.env.CI !== "true") {
      // vitest loads this file more than once per run: say it once.
      const flags = globalThis as unknown as Record<symbol, boolean>;
      if (!flags[NOTICE_SHOWN]) {
        console.warn(
          `vitest: no ${MODERN_GIT_BIN_ENV}, so no git ≥ 2.46 project and no t0303 (npm test sets it)`,
        );
        flags[NOTICE_SHOWN] = true;
      }
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

/** One project per Node line: "node 22", "node 24"; with CI=true a missing binary fails. */
function nodeLineProjects(): TestProjectInlineConfiguration[] {
  const missing: string[] = [];
  const result = NODE_LINES.flatMap((line, index) => {
    const node = nodeLineFromEnv(line);
    const groupOrder = 3 + index;
    if (node !== undefined) {
      return [
        modernProject(`node ${line}`, NODE_LINE_TIERS, groupOrder, {
          [TEST_NODE_ENV]: node,
          [TEST_NODE_LINE_ENV]: line,
        }),
      ];
    }
    missing.push(nodeLineEnv(line));
    if (process.env.CI !== "true") return [];
    return [
      modernProject(`node ${line} (missing)`, ["test/node-lines/**/*.test.ts"], groupOrder, {
        [TEST_NODE_LINE_ENV]: line,
      }),
    ];
  });
  const flags = globalThis as unknown as Record<symbol, boolean>;
  if (missing.length > 0 && process.env.CI !== "true" && !flags[NODE_NOTICE_SHOWN]) {
    console.warn(`vitest: no ${missing.join(" or ")}, so no project for that Node line (npm test sets it)`);
    flags[NODE_NOTICE_SHOWN] = true;
  }
  return result;
}

function modernProject(
  name: string,
  include: string[],
  groupOrder: number,
  env: Record<string, string> = {},
): TestProjectInlineConfiguration {
  const exclude = [...configDefaults.exclude, ...RUN_ONCE];
  return { extends: true, test: { name, include, exclude, env, sequence: { groupOrder } } };
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
const QEMU_NOTICE_SHOWN = Symbol.for("git-credential-pat.qemu-notice");

function qemuProjects(): TestProjectInlineConfiguration[] {
  const missing = qemuMissing();
  if (missing !== undefined && process.env.CI !== "true") {
    const flags = globalThis as unknown as Record<symbol, boolean>;
    if (!flags[QEMU_NOTICE_SHOWN]) {
      console.warn(`vitest: ${missing}, so no linux-arm64 (qemu) project (npm test installs it as root)`);
      flags[QEMU_NOTICE_SHOWN] = true;
    }
    return [];
  }
  // With CI=true the projects stay even without qemu or git's source: their files then fail, saying why.
  const groupOrder = 3 + NODE_LINES.length;
  const result = [qemuProject(`${ARM64_ARTIFACT} (qemu)`, QEMU_FILES, groupOrder)];
  // git's t0303 too (two of its configurations, test/external/t0303.test.ts), alone as on the host.
  const modern = modernGitFromEnv();
  if (modern !== undefined || process.env.CI === "true") {
    const name = `t0303 (git ${modern?.version ?? "missing"}) ${ARM64_ARTIFACT} (qemu)`;
    result.push(qemuProject(name, ["test/external/**/*.test.ts"], groupOrder + 1));
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
