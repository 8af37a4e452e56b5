#!/usr/bin/env node
// Start-up benchmark for the git fast path: `npm run bench [-- --rounds N --warmup N --json --check]`.
//
// git runs the helper on every HTTPS operation, so what matters is process start-up, measured against
// the floor of each runtime: the standalone binary against a bun-compiled hello-world, and the Node
// bundle against `node -e 0`. Runs are interleaved (round-robin over the contenders, with the starting
// contender rotating each round) so that CPU frequency drift or a noisy neighbour hits every contender
// alike instead of skewing whichever one happened to run during it.
//
// To add a contender append one entry to CONTENDERS below; a target is one entry in RATIOS or
// RSS_TARGET_IDS. `--check` exits 1 when any target is missed; a target whose contender was skipped
// (no gh, no Secret Service) is shown as SKIP and does not fail the run.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { machine as arch, availableParallelism, cpus, type as osType, release, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { BINARY_FLAGS } from "./binary-flags.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(root, "dist", "git-credential-pat");
const CLI_JS = join(root, "dist", "cli.cjs");
const BUN = join(root, "node_modules", ".bin", "bun");
const TIME = "/usr/bin/time";

/** What git sends for `get`; every contender reads the same bytes. */
const GET_REQUEST = "protocol=https\nhost=example.com\n\n";
/** A fake token: the benchmark never touches a real credential, and never prints this one either. */
const FAKE_TOKEN = `ghp_${"0".repeat(36)}`;
const SEED_CREDENTIAL = `protocol=https\nhost=example.com\nusername=bench\npassword=${FAKE_TOKEN}\n\n`;
// The exact fake token, not any password= line: a contender answering from somewhere other than the
// state seeded here (a real config, a real keyring) fails the run instead of being timed.
const ANSWER = new RegExp(`^password=${FAKE_TOKEN}$`, "m");
// gh answers only for GitHub hosts, so its request names github.com; the same user and fake token.
const GH_REQUEST = "protocol=https\nhost=github.com\n\n";
const GH_HOSTS_YML = `github.com:\n    oauth_token: ${FAKE_TOKEN}\n    user: bench\n    git_protocol: https\n`;
/** The file store's place under $XDG_DATA_HOME (README, "Stores"). */
const STORE_FILE = join("git-credential-pat", "credentials");

// The learning contenders: a `store` of a token new to its slot on a host that counts as GitHub's
// (accounts.json holds facts about another token there, with an API URL), so it starts the learner.
// That API is a loopback port nobody listens on: the learner's request is refused at once, nothing
// is recorded, and the fake token never leaves the machine.
const LEARN_HOST = "ghe.bench.example";
const LEARN_API_URL = "http://127.0.0.1:1";
const LEARN_CREDENTIAL = `protocol=https\nhost=${LEARN_HOST}\nusername=bench\npassword=${FAKE_TOKEN}\n\n`;
/** The token the slot holds before each run: the store replaces it, so every run stores a new token. */
const OLD_TOKEN = `ghp_${"1".repeat(36)}`;

// --timeout=0 keeps the file-store contenders measuring the file store: with the cache on, the seeding
// `store` would fill the cache and every `get` would become a cache hit (a separate contender).
const HELPER_GET_ARGS = ["--store=file", "--timeout=0", "get"];
const MISS_REQUEST = "protocol=https\nhost=no-token-here.example\n\n";

/**
 * Each contender: `prepare(ctx)` seeds whatever state it needs and returns the command to time
 * (`{ command, args, env?, before?, after? }`), or `{ skip: reason }` when it cannot run on this
 * machine. `env` replaces the sandbox environment for this contender; `before()`/`after()` run around
 * every run (warm-up, timed and RSS) outside the timed window. `expect` is checked on every run's stdout.
 */
const CONTENDERS = [
  {
    id: "binary",
    label: "dist/git-credential-pat get (file hit)",
    expect: ANSWER,
    prepare: (ctx) => {
      seedHelperFileStore(ctx);
      return { command: BIN, args: HELPER_GET_ARGS };
    },
  },
  {
    id: "node-cli",
    label: "node dist/cli.cjs get",
    expect: ANSWER,
    prepare: (ctx) => {
      seedHelperFileStore(ctx);
      return { command: process.execPath, args: [CLI_JS, ...HELPER_GET_ARGS] };
    },
  },
  {
    id: "binary-cache",
    label: "dist/git-credential-pat get (cache hit)",
    expect: ANSWER,
    prepare: (ctx) => {
      // --store=memory: the daemon is the only place the token is, so every get is a cache hit.
      run(ctx, BIN, ["--store=memory", "store"], SEED_CREDENTIAL);
      ctx.cleanups.push(() => run(ctx, BIN, ["exit"]));
      return { command: BIN, args: ["--store=memory", "get"] };
    },
  },
  {
    id: "binary-keychain",
    label: "dist/git-credential-pat get (keychain hit)",
    expect: ANSWER,
    prepare: (ctx) => {
      if (!ctx.env.DBUS_SESSION_BUS_ADDRESS) return { skip: "no Secret Service (npm run bench starts one)" };
      run(ctx, BIN, ["--store=keychain", "--timeout=0", "store"], SEED_CREDENTIAL);
      return { command: BIN, args: ["--store=keychain", "--timeout=0", "get"] };
    },
  },
  {
    id: "binary-miss",
    label: "dist/git-credential-pat get (no match)",
    expect: /^$/,
    input: MISS_REQUEST,
    prepare: (ctx) => {
      seedHelperFileStore(ctx);
      return { command: BIN, args: HELPER_GET_ARGS };
    },
  },
  {
    id: "binary-store",
    label: "dist/git-credential-pat store (file, unchanged)",
    expect: /^$/,
    input: SEED_CREDENTIAL,
    prepare: (ctx) => {
      seedHelperFileStore(ctx);
      return { command: BIN, args: ["--store=file", "--timeout=0", "store"] };
    },
  },
  {
    id: "binary-store-learn",
    label: "dist/git-credential-pat store (file, new token, learning)",
    expect: /^$/,
    input: LEARN_CREDENTIAL,
    prepare: (ctx) => prepareNewTokenStore(ctx, { learn: true }),
  },
  {
    id: "binary-store-nolearn",
    label: "dist/git-credential-pat store (file, new token, learning off)",
    expect: /^$/,
    input: LEARN_CREDENTIAL,
    prepare: (ctx) => prepareNewTokenStore(ctx, { learn: false }),
  },
  {
    id: "binary-erase",
    label: "dist/git-credential-pat erase (file, re-seeded)",
    expect: /^$/,
    // What git sends after the server rejected a token: the whole credential, password included
    // (the helper erases only the token git tried, never a newer one).
    input: SEED_CREDENTIAL,
    prepare: (ctx) => {
      // A store of its own (its own XDG_DATA_HOME, so the default path and directory checks): erasing
      // from the shared store would turn the other contenders' hits into misses.
      const env = { ...ctx.env, XDG_DATA_HOME: join(ctx.tmp, "erase-data") };
      mkdirSync(env.XDG_DATA_HOME, { mode: 0o700 });
      run({ ...ctx, env }, BIN, ["--store=file", "--timeout=0", "store"], SEED_CREDENTIAL);
      const file = join(env.XDG_DATA_HOME, STORE_FILE);
      if (!existsSync(file)) throw new Error(`erase: seeding did not create ${file}; has the store moved?`);
      const seeded = readFileSync(file);
      return {
        command: BIN,
        args: ["--store=file", "--timeout=0", "erase"],
        env,
        // Every run must find the token to erase: put the seeded bytes back, untimed, before each
        // one (a plain write: the store's directory and lock are the helper's, left as it left them)...
        before: () => writeFileSync(file, seeded, { mode: 0o600 }),
        // ...and check afterwards that it really erased, so an erase that silently matches nothing
        // (and is therefore faster) cannot pass as one.
        after: () => {
          if (existsSync(file) && readFileSync(file).equals(seeded))
            throw new Error("dist/git-credential-pat erase: the seeded credential is still in the store");
        },
      };
    },
  },
  {
    id: "gh",
    label: "gh auth git-credential get (github.com)",
    expect: ANSWER,
    input: GH_REQUEST,
    prepare: (ctx) => {
      const probe = spawnSync("gh", ["--version"], { env: ctx.env, encoding: "utf8" });
      if (probe.error || probe.status !== 0)
        return { skip: "gh is not installed (npm run bench installs it when run as root)" };
      // gh's own config directory holding only the fake token: gh 2.23 keeps tokens in hosts.yml.
      const configDir = join(ctx.tmp, "gh-config");
      mkdirSync(configDir, { mode: 0o700 });
      writeFileSync(join(configDir, "hosts.yml"), GH_HOSTS_YML, { mode: 0o600 });
      // No update check: it would be a network call, and not what git waits for.
      const env = {
        ...ctx.env,
        GH_CONFIG_DIR: configDir,
        GH_NO_UPDATE_NOTIFIER: "1",
        GH_PROMPT_DISABLED: "1",
      };
      return { command: "gh", args: ["auth", "git-credential", "get"], env };
    },
  },
  {
    id: "git-credential-cache",
    label: "git credential-cache get",
    expect: ANSWER,
    prepare: (ctx) => {
      const socket = join(ctx.env.XDG_RUNTIME_DIR, "git-cache", "socket");
      run(ctx, "git", ["credential-cache", `--socket=${socket}`, "store"], SEED_CREDENTIAL);
      ctx.cleanups.push(() => run(ctx, "git", ["credential-cache", `--socket=${socket}`, "exit"]));
      return { command: "git", args: ["credential-cache", `--socket=${socket}`, "get"] };
    },
  },
  {
    id: "git-credential-store",
    label: "git credential-store get",
    expect: ANSWER,
    prepare: (ctx) => {
      const file = join(ctx.tmp, "git-credentials");
      run(ctx, "git", ["credential-store", "--file", file, "store"], SEED_CREDENTIAL);
      return { command: "git", args: ["credential-store", "--file", file, "get"] };
    },
  },
  {
    id: "hello",
    label: "bun --compile hello-world",
    expect: /^hello$/m,
    // It reads no stdin: a request written after it exited failed the run with EPIPE.
    input: "",
    prepare: () => ({ command: buildHelloWorld(), args: [] }),
  },
  {
    // Not a target: the I/O a file-hit get cannot avoid, compiled the same way, to show how
    // much of the binary's time over hello-world is bun's event loop and file I/O.
    id: "io-floor",
    label: "bun --compile I/O floor (file-hit get's I/O)",
    expect: /^username=bench$/m,
    prepare: (ctx) => {
      seedHelperFileStore(ctx);
      return { command: buildIoFloor(), args: [ctx.env.XDG_CONFIG_HOME, ctx.env.XDG_DATA_HOME] };
    },
  },
  {
    // Not a target: libsecret's own C client fetching one item from the same gnome-keyring, the
    // least a keychain hit costs in any language (D-Bus connection, session, search, secret).
    id: "secret-tool",
    label: "secret-tool lookup (Secret Service floor)",
    expect: new RegExp(`^${FAKE_TOKEN}$`),
    input: "",
    prepare: (ctx) => {
      if (!ctx.env.DBUS_SESSION_BUS_ADDRESS) return { skip: "no Secret Service (npm run bench starts one)" };
      const probe = spawnSync("secret-tool", ["--version"], { env: ctx.env });
      if (probe.error) return { skip: "secret-tool is missing (apt-get install libsecret-tools)" };
      const attributes = ["service", "git-credential-pat-bench", "account", "bench"];
      run(ctx, "secret-tool", ["store", "--label=git-credential-pat bench", ...attributes], FAKE_TOKEN);
      ctx.cleanups.push(() => run(ctx, "secret-tool", ["clear", ...attributes]));
      return { command: "secret-tool", args: ["lookup", ...attributes] };
    },
  },
  {
    id: "node-e0",
    label: "node -e 0",
    expect: null,
    input: "",
    prepare: () => ({ command: process.execPath, args: ["-e", "0"] }),
  },
];

/** Ratios of medians with their targets; a ratio with a skipped side is reported, not failed. */
const BINARY_GETS = [
  { id: "binary", name: "file" },
  { id: "binary-cache", name: "cache" },
  { id: "binary-keychain", name: "keychain" },
  { id: "binary-miss", name: "no match" },
];
const RATIOS = [
  { id: "binary/hello", label: "binary get (file) / hello-world", num: "binary", den: "hello", target: 1.3 },
  {
    id: "binary-cache/hello",
    label: "binary get (cache) / hello-world",
    num: "binary-cache",
    den: "hello",
    target: 1.3,
  },
  {
    id: "binary-keychain/hello",
    label: "binary get (keychain) / hello-world",
    num: "binary-keychain",
    den: "hello",
    target: 1.3,
  },
  {
    id: "binary-miss/hello",
    label: "binary get (no match) / hello-world",
    num: "binary-miss",
    den: "hello",
    target: 1.3,
  },
  // gh is the helper people would otherwise use for github.com: every get at most half its time.
  ...BINARY_GETS.map(({ id, name }) => ({
    id: `${id}/gh`,
    label: `binary get (${name}) / gh get`,
    num: id,
    den: "gh",
    target: 0.5,
  })),
  // git's store must not wait for the learning it starts: a store that starts a learner costs what
  // one with learning off costs (the spawn is all it adds; the learner runs detached).
  {
    id: "binary-store-learn/binary-store-nolearn",
    label: "store (new token): learning / learning off",
    num: "binary-store-learn",
    den: "binary-store-nolearn",
    target: 1.1,
  },
  {
    id: "node-cli/node-e0",
    label: "node dist/cli.cjs / node -e 0",
    num: "node-cli",
    den: "node-e0",
    target: 1.3,
  },
];

/** Not targets: how far above hello-world the least a get must do already is. */
const FLOORS = [
  { id: "io-floor/hello", label: "I/O floor / hello-world", num: "io-floor", den: "hello" },
  { id: "secret-tool/hello", label: "Secret Service floor / hello-world", num: "secret-tool", den: "hello" },
];

/** Peak RSS target for every contender that runs the binary (max over the RSS rounds). */
const RSS_TARGET_MB = 40;
const RSS_TARGET_IDS = [
  "binary",
  "binary-cache",
  "binary-keychain",
  "binary-miss",
  "binary-store",
  "binary-store-learn",
  "binary-store-nolearn",
  "binary-erase",
];

function parseOptions() {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "60" },
      warmup: { type: "string", default: "10" },
      "rss-rounds": { type: "string", default: "5" },
      json: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: node scripts/bench.mjs [--rounds N] [--warmup N] [--rss-rounds N] [--json] [--check]",
    );
    process.exit(0);
  }
  const count = (name) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number (got "${values[name]}")`);
    return n;
  };
  const rounds = count("rounds");
  if (rounds === 0) fail("--rounds must be at least 1");
  return {
    rounds,
    warmup: count("warmup"),
    rssRounds: count("rss-rounds"),
    json: values.json,
    check: values.check,
  };
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

/** A sandbox HOME so no contender reads the user's config, keyring or credentials. */
function createContext() {
  const tmp = mkdtempSync(join(tmpdir(), "git-credential-pat-bench-"));
  const dirs = { HOME: "home", XDG_CONFIG_HOME: "config", XDG_DATA_HOME: "data", XDG_CACHE_HOME: "cache" };
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  // The keychain contender talks to the Secret Service that scripts/bench.sh started, if any.
  if (process.env.DBUS_SESSION_BUS_ADDRESS)
    env.DBUS_SESSION_BUS_ADDRESS = process.env.DBUS_SESSION_BUS_ADDRESS;
  for (const [name, dir] of Object.entries({ ...dirs, XDG_STATE_HOME: "state", XDG_RUNTIME_DIR: "run" })) {
    env[name] = join(tmp, dir);
    // 0700 because the helper refuses a socket directory others can enter.
    mkdirSync(env[name], { recursive: true, mode: 0o700 });
  }
  // Deliberately no GIT_*, GH_* or GITHUB_* variables: an inherited token or config would change the path.
  return { tmp, env, seeded: new Set(), cleanups: [] };
}

/** Runs a setup command in the sandbox and throws with its stderr if it fails. */
function run(ctx, command, args, input = "") {
  const result = spawnSync(command, args, {
    input,
    env: ctx.env,
    cwd: ctx.tmp,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error || result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new Error(`${command} ${args.join(" ")} failed (${why})\n${result.stderr ?? ""}`);
  }
  return result.stdout;
}

/** Both helper contenders read the same file store, seeded once through the binary. */
function seedHelperFileStore(ctx) {
  if (ctx.seeded.has("helper-file")) return;
  for (const file of [BIN, CLI_JS])
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  run(ctx, BIN, ["--store=file", "--timeout=0", "store"], SEED_CREDENTIAL);
  ctx.seeded.add("helper-file");
}

/**
 * A `store` of a new token on a GitHub host, with learning on or off (config.json "learn"; both
 * read a config.json, so the only difference is the learning). Each gets its own directories: the
 * store is put back before every run (outside the timed window) to hold another token in the
 * slot, so every run stores a token new to it. After every run, untimed: the store holds the new
 * token; with learning on, the learner started (its lock directory appeared) and has ended — so no
 * learner runs beside the next timed run, on any contender; with learning off, none started.
 */
function prepareNewTokenStore(ctx, { learn }) {
  if (!existsSync("/proc/self/cmdline")) return { skip: "needs /proc to tell when the learner has ended" };
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`);
  const name = learn ? "learn-on" : "learn-off";
  const env = { ...ctx.env };
  for (const [variable, dir] of [
    ["XDG_CONFIG_HOME", "config"],
    ["XDG_DATA_HOME", "data"],
    ["XDG_RUNTIME_DIR", "run"],
  ]) {
    env[variable] = join(ctx.tmp, name, dir);
    mkdirSync(env[variable], { recursive: true, mode: 0o700 });
  }
  const configDir = join(env.XDG_CONFIG_HOME, "git-credential-pat");
  mkdirSync(configDir, { mode: 0o700 });
  writeFileSync(join(configDir, "config.json"), `${JSON.stringify({ learn })}\n`, { mode: 0o600 });
  const otherToken = {
    host: LEARN_HOST,
    fingerprint: "0000aaaa",
    login: "someone",
    kind: "classic",
    checkedAtMs: 0,
    check: "valid",
    apiUrl: LEARN_API_URL,
  };
  const accounts = `${JSON.stringify({ version: 1, accounts: [], tokens: [otherToken] })}\n`;
  const accountsFile = join(configDir, "accounts.json");
  const storeFile = join(env.XDG_DATA_HOME, STORE_FILE);
  mkdirSync(dirname(storeFile), { mode: 0o700 });
  const seeded = `https://bench:${OLD_TOKEN}@${LEARN_HOST}\n`;
  const lockDir = join(env.XDG_RUNTIME_DIR, "git-credential-pat");
  return {
    command: BIN,
    args: ["--store=file", "--timeout=0", "store"],
    env,
    before: () => {
      writeFileSync(storeFile, seeded, { mode: 0o600 });
      writeFileSync(accountsFile, accounts, { mode: 0o600 });
      rmSync(lockDir, { recursive: true, force: true });
    },
    after: () => {
      if (!readFileSync(storeFile, "utf8").includes(FAKE_TOKEN))
        throw new Error(`store (learning ${learn ? "on" : "off"}): the new token is not in the store`);
      if (learn) {
        const done = waitFor(() => existsSync(lockDir) && learnerPids(LEARN_HOST).length === 0, 10_000);
        if (!done) throw new Error("store (learning on): no learner ran, or it did not end within 10 s");
      } else if (existsSync(lockDir) || learnerPids(LEARN_HOST).length > 0) {
        throw new Error("store (learning off): a learner was started");
      }
    },
  };
}

/** Pids of running learners for `host` (a learner's argv names its host). */
function learnerPids(host) {
  return readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return argv.includes("learn") && argv.includes(`--host=${host}`);
    } catch {
      return false; // Gone meanwhile.
    }
  });
}

/** Polls `check` (every 5 ms, sleeping synchronously: the bench has nothing else to do) until it holds. */
function waitFor(check, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (check()) return true;
    if (performance.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 5);
  }
}

/** The runtime floor for the binary: the same bun, the same flags (scripts/build.mjs), no code. */
function buildHelloWorld() {
  const dir = join(root, ".bench");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "hello.ts"), 'console.log("hello");\n');
  const out = join(dir, "hello");
  execFileSync(BUN, ["build", ...BINARY_FLAGS, join(dir, "hello.ts"), "--outfile", out], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return out;
}

/**
 * What a file-hit get does at the least, the way the binary does it: read stdin as a stream under
 * a deadline, look for config.json and accounts.json (absent), stat and read the credentials
 * file, write the answer, exit once it is out. No parsing.
 */
function buildIoFloor() {
  const dir = join(root, ".bench");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "io-floor.ts"),
    `const [configHome, dataHome] = process.argv.slice(2);
const reader = Bun.stdin.stream().getReader();
const deadline = setTimeout(() => process.exit(1), 10_000);
for (;;) {
  const { done, value } = await reader.read();
  if (done || value.includes(10)) break;
}
clearTimeout(deadline);
reader.cancel();
// Absent, as in a get: told synchronously (src/platform/bun-fs.ts).
for (const name of ["config.json", "accounts.json"]) {
  const path = \`\${configHome}/git-credential-pat/\${name}\`;
  if (Bun.file(path).lastModified === 2 ** 52 - 1) try { Bun.mmap(path); } catch {}
}
const credentials = \`\${dataHome}/git-credential-pat/credentials\`;
await Bun.file(credentials).stat();
const line = new TextDecoder().decode(await Bun.file(credentials).bytes()).split("\\n")[0] ?? "";
const url = new URL(line);
const out = Bun.stdout.writer();
out.write(\`username=\${url.username}\\npassword=\${url.password}\\n\`);
await out.flush();
process.exit(0);
`,
  );
  const out = join(dir, "io-floor");
  execFileSync(BUN, ["build", ...BINARY_FLAGS, join(dir, "io-floor.ts"), "--outfile", out], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return out;
}

/** One timed run; throws loudly if the contender errs or does not print what it should. */
function timeOnce(ctx, contender) {
  const { command, args, env, before } = contender.spec;
  before?.();
  const start = performance.now();
  const result = spawnSync(command, args, {
    input: contender.input ?? GET_REQUEST,
    env: env ?? ctx.env,
    cwd: ctx.tmp,
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  checkResult(contender, result);
  return ms;
}

/** Throws unless the run succeeded and printed what it should; then runs the contender's `after` check. */
function checkResult(contender, result) {
  const ok =
    !result.error && result.status === 0 && (!contender.expect || contender.expect.test(result.stdout));
  if (ok) {
    contender.spec.after?.();
    return;
  }
  // Even a fake token stays out of the output: a real one could only get here by mistake.
  const stdout = (result.stdout ?? "").replace(/^password=.*$/gm, "password=<redacted>");
  const why = result.error?.message ?? `exit ${result.status}, stdout ${JSON.stringify(stdout)}`;
  throw new Error(`${contender.label}: unexpected result (${why})\n${result.stderr ?? ""}`);
}

/** Peak RSS in KiB via GNU time, which gets the child's rusage that spawnSync does not expose. */
function rssOnce(ctx, contender, outFile) {
  const { command, args, env, before } = contender.spec;
  before?.();
  const result = spawnSync(TIME, ["-f", "%M", "-o", outFile, command, ...args], {
    input: contender.input ?? GET_REQUEST,
    env: env ?? ctx.env,
    cwd: ctx.tmp,
    encoding: "utf8",
  });
  checkResult(contender, result);
  return Number(readFileSync(outFile, "utf8").trim().split("\n").pop());
}

function hasGnuTime(ctx) {
  if (!existsSync(TIME)) return false;
  const probe = spawnSync(TIME, ["-f", "%M", "-o", join(ctx.tmp, "probe"), "true"], { env: ctx.env });
  return probe.status === 0;
}

/** Calls `fn(contender)` for `rounds` rounds, rotating who goes first so no one always follows a cold run. */
function interleave(active, rounds, fn) {
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < active.length; i++) fn(active[(round + i) % active.length]);
  }
}

function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function machineInfo() {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    // /proc/cpuinfo names the model even where os.cpus() reports a generic string (some ARM/VMs).
    const line = readFileSync("/proc/cpuinfo", "utf8").match(/^(model name|Hardware|cpu model)\s*:\s*(.+)$/m);
    if (line) cpu = line[2].trim();
  } catch {}
  const version = (command, args) => {
    const r = spawnSync(command, args, { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : "unavailable";
  };
  return {
    // The local date (YYYY-MM-DD), as docs/performance.md dates its runs.
    date: localDate(new Date()),
    cpu,
    cores: availableParallelism(),
    kernel: `${osType()} ${release()} ${arch()}`,
    node: process.version,
    bun: version(BUN, ["--version"]),
    git: version("git", ["--version"]).replace(/^git version /, ""),
    // "gh version 2.23.0 (2023-02-27 Debian ...)\nhttps://..." → "2.23.0"
    gh: version("gh", ["--version"]).match(/^gh version (\S+)/)?.[1] ?? "unavailable",
  };
}

function localDate(d) {
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

function benchmark(ctx, options) {
  const active = [];
  const results = [];
  for (const contender of CONTENDERS) {
    const spec = contender.prepare(ctx);
    const entry = { id: contender.id, label: contender.label, samples: [], rssKb: [] };
    results.push(entry);
    if (spec.skip) entry.skipped = spec.skip;
    else active.push({ ...contender, spec, entry });
  }

  interleave(active, options.warmup, (c) => timeOnce(ctx, c));
  interleave(active, options.rounds, (c) => c.entry.samples.push(timeOnce(ctx, c)));
  // RSS in its own rounds: wrapping the timed runs in /usr/bin/time would add its fork+exec to every
  // sample and pull the ratios towards 1.
  const rss = hasGnuTime(ctx);
  if (rss)
    interleave(active, options.rssRounds, (c) => c.entry.rssKb.push(rssOnce(ctx, c, join(ctx.tmp, "rss"))));

  const summary = results.map((r) => summarize(r, active));
  const byId = new Map(summary.map((s) => [s.id, s]));
  const ratioOf = (num, den) => {
    const a = byId.get(num);
    const b = byId.get(den);
    return a?.medianMs && b?.medianMs ? a.medianMs / b.medianMs : null;
  };
  const ratios = RATIOS.map(({ id, label, num, den, target }) => {
    const value = ratioOf(num, den);
    return { id, label, value, target, pass: value === null ? null : value <= target };
  });
  const floors = FLOORS.map(({ id, label, num, den }) => ({ id, label, value: ratioOf(num, den) }));
  const memory = RSS_TARGET_IDS.map((id) => {
    const s = byId.get(id);
    const label = s.label;
    if (!s.peakRssMb) return { id, label, valueMb: null, targetMb: RSS_TARGET_MB, pass: null };
    return { id, label, valueMb: s.peakRssMb, targetMb: RSS_TARGET_MB, pass: s.peakRssMb <= RSS_TARGET_MB };
  });
  return { rss, summary, ratios, floors, memory };
}

function summarize(entry, active) {
  const contender = active.find((c) => c.id === entry.id);
  if (!contender) return { id: entry.id, label: entry.label, skipped: entry.skipped };
  const sorted = [...entry.samples].sort((a, b) => a - b);
  return {
    id: entry.id,
    label: entry.label,
    command: [contender.spec.command, ...contender.spec.args].join(" "),
    runs: sorted.length,
    medianMs: median(sorted),
    p95Ms: percentile(sorted, 95),
    minMs: sorted[0],
    peakRssMb: entry.rssKb.length ? Math.max(...entry.rssKb) / 1024 : null,
  };
}

function printTable(machine, options, { rss, summary, ratios, floors, memory }) {
  const coreWord = machine.cores === 1 ? "core" : "cores";
  // One line in the shape of docs/performance.md's "Latest run" header, so a run pastes in as is.
  console.log(
    `${machine.date}, ${machine.cpu} (${machine.cores} ${coreWord}), ${machine.kernel}, node ${machine.node}, ` +
      `bun ${machine.bun}, git ${machine.git}, gh ${machine.gh}; ${options.warmup} warm-up + ${options.rounds} rounds` +
      `${rss ? ` (peak RSS: max of ${options.rssRounds} more)` : ""}:\n`,
  );

  const fmt = (n, digits = 1) => (n === null || n === undefined ? "-" : n.toFixed(digits));
  const rows = [["contender", "median ms", "p95 ms", "peak RSS MB"]];
  for (const s of summary) {
    if (s.skipped) rows.push([s.label, "skipped", "", ""]);
    else rows.push([s.label, fmt(s.medianMs), fmt(s.p95Ms), fmt(s.peakRssMb)]);
  }
  printRows(rows);
  // The reasons under the table, so a long one does not stretch its columns.
  for (const s of summary) if (s.skipped) console.log(`skipped ${s.label}: ${s.skipped}`);
  if (!rss) console.log("peak RSS: install the time package (apt-get install time)");

  console.log("");
  const ratioRows = [["ratio (medians)", "value", "target", "result"]];
  for (const r of ratios) {
    const result = r.pass === null ? "SKIP" : r.pass ? "PASS" : "FAIL";
    ratioRows.push([r.label, r.value === null ? "-" : `${r.value.toFixed(2)}×`, `≤ ${r.target}×`, result]);
  }
  printRows(ratioRows);

  console.log("");
  const floorRows = [["floor (not a target)", "value"]];
  for (const f of floors) floorRows.push([f.label, f.value === null ? "-" : `${f.value.toFixed(2)}×`]);
  printRows(floorRows);

  console.log("");
  const memoryRows = [["peak RSS", "value", "target", "result"]];
  for (const m of memory) {
    const result = m.pass === null ? "SKIP" : m.pass ? "PASS" : "FAIL";
    memoryRows.push([
      m.label,
      m.valueMb === null ? "-" : `${m.valueMb.toFixed(1)} MB`,
      `≤ ${m.targetMb} MB`,
      result,
    ]);
  }
  printRows(memoryRows);
}

/** Left-aligns the first column, right-aligns the others. */
function printRows(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) {
    const cells = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])));
    console.log(cells.join("  ").trimEnd());
  }
}

/** One raw `get` on the daemon's socket, in git's wire format; resolves with the reply. */
function socketGet(socketPath) {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let reply = "";
    socket.on("connect", () => socket.end(`action=get\ntimeout=0\n${GET_REQUEST}`));
    socket.on("data", (chunk) => {
      reply += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(reply));
  });
}

/** CONCURRENT_CLIENTS gets fired at the daemon at once: the p99 git would see under a parallel build. */
async function concurrentGets(ctx) {
  run(ctx, BIN, ["--store=memory", "store"], SEED_CREDENTIAL);
  const socketPath = join(ctx.env.XDG_RUNTIME_DIR, "git-credential-pat", "socket");
  const latencies = await Promise.all(
    Array.from({ length: CONCURRENT_CLIENTS }, async () => {
      const start = performance.now();
      const reply = await socketGet(socketPath);
      if (!ANSWER.test(reply)) throw new Error(`concurrent get: no password in the daemon's reply`);
      return performance.now() - start;
    }),
  );
  const sorted = latencies.sort((a, b) => a - b);
  const p99Ms = percentile(sorted, 99);
  return { clients: CONCURRENT_CLIENTS, p50Ms: median(sorted), p99Ms, targetMs: 50, pass: p99Ms < 50 };
}

const CONCURRENT_CLIENTS = 200;

async function main() {
  const options = parseOptions();
  const ctx = createContext();
  let report;
  let error;
  try {
    report = benchmark(ctx, options);
    report.concurrency = await concurrentGets(ctx);
  } catch (caught) {
    error = caught;
  } finally {
    for (const cleanup of ctx.cleanups) {
      try {
        cleanup();
      } catch {}
    }
    rmSync(ctx.tmp, { recursive: true, force: true });
  }
  // Reported after the cleanup: fail() exits at once and would skip the finally block.
  if (error) fail(error instanceof Error ? error.message : String(error));
  const machine = machineInfo();
  if (options.json) {
    const { rss, summary, ratios, floors, memory, concurrency } = report;
    const config = { rounds: options.rounds, warmup: options.warmup, rssRounds: rss ? options.rssRounds : 0 };
    // Microsecond precision is all a wall clock around spawnSync can honestly claim.
    const round = (_key, value) => (typeof value === "number" ? Math.round(value * 1000) / 1000 : value);
    const targets = {
      met: !failed(report),
      skipped: [...ratios, ...memory].filter((t) => t.pass === null).length,
    };
    console.log(
      JSON.stringify(
        { machine, config, contenders: summary, ratios, floors, memory, concurrency, targets },
        round,
        2,
      ),
    );
  } else {
    printTable(machine, options, report);
    const c = report.concurrency;
    console.log(
      `\n${c.clients} concurrent gets on the cache daemon: p50 ${c.p50Ms.toFixed(1)} ms, p99 ${c.p99Ms.toFixed(1)} ms (target p99 < ${c.targetMs} ms) ${c.pass ? "PASS" : "FAIL"}`,
    );
  }
  if (options.check && failed(report)) process.exit(1);
}

/** Whether any target was missed; skipped targets (a contender that could not run) are not misses. */
function failed(report) {
  return (
    report.ratios.some((r) => r.pass === false) ||
    report.memory.some((m) => m.pass === false) ||
    !report.concurrency.pass
  );
}

await main();
