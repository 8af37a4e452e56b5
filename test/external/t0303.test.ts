// git's own measure of an external credential helper, t/t0303-credential-external.sh, run from
// the git source that scripts/modern-git.sh fetched and built (its test-lib runs that build's
// git), against both artifacts in every store and cache configuration; then git's
// helper_test_authtype (t-authtype.sh) where the cache or the memory store keeps authtype.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Artifact, artifacts, describeKeyring, runArtifact, shellQuote } from "../helpers/artifacts.js";
import { GIT_SOURCE_ENV, type ModernGit, modernGitFromEnv } from "../helpers/modern-git.js";
import { runGitTestScript, type ScriptRun } from "./git-test-script.js";

/**
 * git runs `git credential-pattest`. The name holds no space because lib-credential.sh
 * word-splits the helper string (`check fill $HELPER`), so each configuration's options live in
 * a wrapper script of that name.
 */
const HELPER = "pattest";
const TIMEOUT_HELPER = `${HELPER}-timeout`;

/** Tests t0303 runs in git 2.47: helper_test 16, password_expiry_utc 3, oauth_refresh_token 2. */
const T0303_TESTS = 21;
/** helper_test_timeout, run when GIT_TEST_CREDENTIAL_HELPER_TIMEOUT is set. */
const TIMEOUT_TESTS = 1;
/** helper_test_authtype in git 2.47. */
const AUTHTYPE_TESTS = 7;
const RUN_TIMEOUT_MS = 170_000;

interface Configuration {
  name: string;
  store: "file" | "keychain" | "memory";
  /** The cache's --timeout; 0 turns it off. */
  timeout: number;
  /** t0303 tests expected to fail: only what git's own counterpart fails too. */
  expectedFailures: string[];
}

const CACHE_ON = 900;
// Memory with --timeout=0 is absent: it could store nothing.
const CONFIGURATIONS: Configuration[] = [
  { name: "file store, cache on", store: "file", timeout: CACHE_ON, expectedFailures: [] },
  {
    name: "file store, --timeout=0",
    store: "file",
    timeout: 0,
    // git-credential-store's format has no place for it: git's own `store` fails this test too.
    expectedFailures: [`helper (${HELPER}) gets oauth_refresh_token`],
  },
  { name: "keychain, cache on", store: "keychain", timeout: CACHE_ON, expectedFailures: [] },
  { name: "keychain, --timeout=0", store: "keychain", timeout: 0, expectedFailures: [] },
  { name: "memory store", store: "memory", timeout: CACHE_ON, expectedFailures: [] },
];

/**
 * Under qemu (the arm64 binary, ~0.7 s a helper run) the five take ~5 minutes of CPU: there, the
 * cache daemon (memory store) and the keychain alone; git-credential.test.ts covers the file store.
 */
const EMULATED_CONFIGURATIONS = ["memory store", "keychain, --timeout=0"];
const configurationsFor = (artifact: Artifact) =>
  artifact.slackMs > 0
    ? CONFIGURATIONS.filter((config) => EMULATED_CONFIGURATIONS.includes(config.name))
    : CONFIGURATIONS;

/**
 * Only the memory store forgets when the cache does. With a persistent store the token
 * outlives the cache, so helper_test_timeout (store, sleep 2, expect nothing) does not apply.
 */
const runsTimeoutTest = (config: Configuration) => config.store === "memory";
/** authtype credentials live in the cache and the memory store (SPEC): not with the cache off. */
const runsAuthtype = (config: Configuration) => config.timeout > 0;

const AUTHTYPE_SCRIPT = join(import.meta.dirname, "t-authtype.sh");

describeWithGitSource("git's credential-helper tests", (git) => {
  // One configuration at a time (vitest runs a file's tests in order): they share the one
  // gnome-keyring, and t0303 uses fixed host names.
  for (const artifact of artifacts()) {
    for (const config of configurationsFor(artifact)) {
      const describeFor = config.store === "keychain" ? describeKeyring : describe;
      describeFor(`${artifact.name} artifact, ${config.name}`, () => {
        it("passes t0303-credential-external.sh", { timeout: RUN_TIMEOUT_MS + 10_000 }, async () => {
          const run = await runWithHelper(git, artifact, config, "t0303-credential-external.sh");
          const count = T0303_TESTS + (runsTimeoutTest(config) ? TIMEOUT_TESTS : 0);
          expect(summary(run), run.report).toEqual({
            failed: config.expectedFailures,
            ran: count,
            planned: count,
          });
        });
        if (runsAuthtype(config)) {
          it("passes helper_test_authtype", { timeout: RUN_TIMEOUT_MS + 10_000 }, async () => {
            const run = await runWithHelper(git, artifact, config, AUTHTYPE_SCRIPT);
            expect(summary(run), run.report).toEqual({
              failed: [],
              ran: AUTHTYPE_TESTS,
              planned: AUTHTYPE_TESTS,
            });
          });
        }
      });
    }
  }
});

function summary(run: ScriptRun) {
  return {
    failed: run.tests.filter((test) => !test.ok).map((test) => test.name),
    ran: run.tests.length,
    planned: run.planned,
  };
}

/** Runs `script` with this configuration's wrappers first on PATH, then stops its cache daemon. */
async function runWithHelper(
  git: ModernGit,
  artifact: Artifact,
  config: Configuration,
  script: string,
): Promise<ScriptRun> {
  // A short directory (Unix socket paths are capped at 108 bytes), 0700 as the socket needs.
  const dir = await mkdtemp(join(tmpdir(), "gcp-t0303-"));
  const bin = join(dir, "bin");
  const socket = join(dir, "s");
  try {
    await mkdir(bin);
    await writeFile(join(bin, `git-credential-${HELPER}`), wrapper(artifact, config, dir, config.timeout), {
      mode: 0o755,
    });
    await writeFile(join(bin, `git-credential-${TIMEOUT_HELPER}`), wrapper(artifact, config, dir, 1), {
      mode: 0o755,
    });
    // test-lib.sh resets HOME and unsets XDG_* and GIT_*: the wrappers carry what the helper needs.
    const env: Record<string, string> = {
      PATH: [bin, git.bin, process.env.PATH ?? ""].join(delimiter),
      GIT_TEST_CREDENTIAL_HELPER: HELPER,
    };
    if (runsTimeoutTest(config)) env.GIT_TEST_CREDENTIAL_HELPER_TIMEOUT = TIMEOUT_HELPER;
    return await runGitTestScript({
      script,
      source: git.source,
      outputDir: join(dir, "out"),
      env,
      timeoutMs: RUN_TIMEOUT_MS,
    });
  } finally {
    await runArtifact(artifact, [`--socket=${socket}`, "exit"], { env: { PATH: process.env.PATH ?? "" } });
    await rm(dir, { recursive: true, force: true });
  }
}

/** `git-credential-pattest`: the artifact with this configuration's options, store and socket. */
function wrapper(artifact: Artifact, config: Configuration, dir: string, timeout: number): string {
  const exports = {
    // t0303 stores and reads protocol=http credentials (SPEC: opt-in for plain http).
    GIT_CREDENTIAL_PAT_ALLOW_HTTP: "1",
    GIT_CREDENTIAL_PAT_CONFIG_DIR: join(dir, "config"),
    GIT_CREDENTIAL_PAT_FILE: join(dir, "credentials"),
  };
  const bus = config.store === "keychain" ? process.env.DBUS_SESSION_BUS_ADDRESS : undefined;
  const argv = [
    ...artifact.argv,
    `--store=${config.store}`,
    `--timeout=${timeout}`,
    `--socket=${join(dir, "s")}`,
  ];
  return [
    "#!/bin/sh",
    ...Object.entries(exports).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    // Only keychain runs may reach the Secret Service.
    bus === undefined
      ? "unset DBUS_SESSION_BUS_ADDRESS"
      : `export DBUS_SESSION_BUS_ADDRESS=${shellQuote(bus)}`,
    `exec ${argv.map(shellQuote).join(" ")} "$@"`,
    "",
  ].join("\n");
}

/** `describe` with the modern git; without one, a failing test when CI=true, else a skip. */
function describeWithGitSource(name: string, factory: (git: ModernGit) => void): void {
  const git = modernGitFromEnv();
  if (git !== undefined) describe(name, () => factory(git));
  else if (process.env.CI === "true") {
    describe(name, () => {
      it("has git's source to test with", () => {
        throw new Error(`CI=true but no ${GIT_SOURCE_ENV}: run the tests with npm test`);
      });
    });
  } else describe.skip(name, () => it("has git's source to test with", () => {}));
}
