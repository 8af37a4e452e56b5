#!/usr/bin/env node
// Entry: the git fast path (get/store/erase) or the people-facing CLI, loaded lazily.
// The only file that sets the exit status.
import { CLI_WORDS } from "./command-names.js";
import { exitCodeOf, hintOf } from "./errors.js";
import { runCacheDaemon } from "./helper/run-cache-daemon.js";
import { runHelper } from "./helper/run-helper.js";
import type { Deps } from "./platform/deps.js";
import { createNodeDeps } from "./platform/node-deps.js";
import { printable } from "./protocol/printable.js";
import { scrub } from "./secret.js";
import { isDebug, learnTimeoutMs } from "./settings.js";

declare const __PAT_EXTERNAL_CLI__: boolean;

/**
 * The standalone binary embeds the CLI (yargs and friends) as a separate file and imports it
 * only for people's commands: bundled in, it added ~5 ms to every git operation (perf stat).
 * scripts/build.mjs sets the define and the path; the Node bundle code-splits instead.
 */
function loadCli(): Promise<typeof import("./cli/index.js")> {
  // A conditional expression on a bare constant: bundlers fold it and drop the import not taken
  // (bun keeps code after an `if (true) return`).
  return __PAT_EXTERNAL_CLI__
    ? import((globalThis as { __PAT_CLI_PATH__?: string }).__PAT_CLI_PATH__ as string)
    : import("./cli/index.js");
}

/** A run goes to the CLI when its first word is a command or there are no words at all. */
export function isCliInvocation(argv: readonly string[]): boolean {
  const first = argv.find((arg) => !arg.startsWith("--") || arg === "--help" || arg === "--version");
  return argv.length === 0 || (first !== undefined && CLI_WORDS.has(first));
}

async function main(argv: readonly string[]): Promise<void> {
  const deps = createNodeDeps();
  if (argv[0] === "cache-daemon") {
    process.exitCode = await statusOf(
      () =>
        runCacheDaemon(argv.slice(1), deps, (stop) => {
          process.once("SIGTERM", stop).once("SIGINT", stop).once("SIGHUP", stop);
        }),
      deps,
    );
  } else if (argv[0] === "learn") {
    // The learner git's store started in the background (helper/learn-trigger.ts): nothing waits
    // for it and nobody would end it, so it ends at its hard bound whatever it waits on. It stops
    // asking well before (cli/learn.ts), so this only ever cuts a stuck call short.
    setTimeout(() => process.exit(1), learnTimeoutMs(deps.env)).unref();
    process.exitCode = await statusOf(async () => (await loadCli()).runCli(argv, deps), deps);
  } else if (isCliInvocation(argv)) {
    process.exitCode = await statusOf(async () => (await loadCli()).runCli(argv, deps), deps);
  } else {
    const code = await statusOf(() => runHelper(argv, deps), deps);
    // git's path ends as soon as its answer is out: left to end by itself, bun takes ~0.5 ms more
    // to tear down, on every git operation. Nothing else runs by then (a daemon it started is
    // detached; a keychain watcher ends when our end of its pipe closes). An answer git did not
    // get is a failure too.
    const drained = await statusOf(async () => deps.io.drain?.(), deps);
    process.exit(drained !== 0 ? drained : code);
  }
}

/** Runs `work`: 0 when it succeeds; else its error, reported on stderr, decides the status. */
async function statusOf(work: () => Promise<unknown>, deps: Deps): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    reportError(error, deps);
    return exitCodeOf(error);
  }
}

function reportError(error: unknown, deps: Deps): void {
  const message = error instanceof Error ? error.message : String(error);
  // One line each, printable: a message may carry a server's text (an API error's body).
  if (message) deps.io.err.write(`git-credential-pat: ${printable(scrub(message.split("\n")[0] ?? ""))}\n`);
  const hint = hintOf(error);
  if (hint) deps.io.err.write(`hint: ${printable(scrub(hint))}\n`);
  if (isDebug(deps.env) && error instanceof Error) {
    const lines = (text: string) => text.split("\n").map(printable).join("\n");
    deps.io.err.write(`${lines(scrub(error.stack ?? ""))}\n`);
    if (error.cause instanceof Error)
      deps.io.err.write(`cause: ${lines(scrub(error.cause.stack ?? error.cause.message))}\n`);
  }
}

main(process.argv.slice(2));
