#!/usr/bin/env node
// Start-up benchmark for the git fast path: `npm run bench [-- --rounds N --warmup N --json --check]`.
//
// git runs the helper on every HTTPS operation, so what matters is process start-up, measured against
// the floor of each runtime: the standalone binary against a bun-compiled hello-world, and the Node
// bundle against `node -e 0`. Runs are interleaved (round-robin over the contenders, with the starting
// contender rotating each round) so that CPU frequency drift or a noisy neighbour hits every contender
// alike instead of skewing whichever one happened to run during it.
//
// To add a contender (keychain hit, cache hit, gh, ...) append one entry to CONTENDERS below.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism, cpus, tmpdir } from "node:os";
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
/** A fake token: the benchmark never touches a real credential. */
const SEED_CREDENTIAL = `protocol=https\nhost=example.com\nusername=bench\npassword=ghp_${"0".repeat(36)}\n\n`;
const ANSWER = /^password=/m;

// --timeout=0 keeps the file-store contenders measuring the file store: with the cache on, the seeding
// `store` would fill the cache and every `get` would become a cache hit (a separate contender).
const HELPER_GET_ARGS = ["--store=file", "--timeout=0", "get"];
const MISS_REQUEST = "protocol=https\nhost=no-token-here.example\n\n";

/**
 * Each contender: `prepare(ctx)` seeds whatever state it needs and returns the command to time, or
 * `{ skip: reason }` when it cannot run on this machine. `expect` is checked on every run's stdout.
 */
const CONTENDERS = [
  {
    id: "binary",
    label: "dist/git-credential-pat get",
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
    prepare: () => ({ command: buildHelloWorld(), args: [] }),
  },
  {
    id: "node-e0",
    label: "node -e 0",
    expect: null,
    prepare: () => ({ command: process.execPath, args: ["-e", "0"] }),
  },
];

/** Ratios of medians with their targets; a ratio with a skipped side is reported, not failed. */
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
    id: "node-cli/node-e0",
    label: "node dist/cli.cjs / node -e 0",
    num: "node-cli",
    den: "node-e0",
    target: 1.3,
  },
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

/** One timed run; throws loudly if the contender errs or does not print what it should. */
function timeOnce(ctx, contender) {
  const { command, args } = contender.spec;
  const start = performance.now();
  const result = spawnSync(command, args, {
    input: contender.input ?? GET_REQUEST,
    env: ctx.env,
    cwd: ctx.tmp,
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  checkResult(contender, result);
  return ms;
}

function checkResult(contender, result) {
  const ok =
    !result.error && result.status === 0 && (!contender.expect || contender.expect.test(result.stdout));
  if (ok) return;
  const why = result.error?.message ?? `exit ${result.status}, stdout ${JSON.stringify(result.stdout)}`;
  throw new Error(`${contender.label}: unexpected result (${why})\n${result.stderr ?? ""}`);
}

/** Peak RSS in KiB via GNU time, which gets the child's rusage that spawnSync does not expose. */
function rssOnce(ctx, contender, outFile) {
  const { command, args } = contender.spec;
  const result = spawnSync(TIME, ["-f", "%M", "-o", outFile, command, ...args], {
    input: contender.input ?? GET_REQUEST,
    env: ctx.env,
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
    cpu,
    cores: availableParallelism(),
    node: process.version,
    bun: version(BUN, ["--version"]),
    git: version("git", ["--version"]).replace(/^git version /, ""),
  };
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
  const ratios = RATIOS.map(({ id, label, num, den, target }) => {
    const a = byId.get(num);
    const b = byId.get(den);
    if (!a?.medianMs || !b?.medianMs) return { id, label, value: null, target, pass: null };
    const value = a.medianMs / b.medianMs;
    return { id, label, value, target, pass: value <= target };
  });
  return { rss, summary, ratios };
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

function printTable(machine, options, { rss, summary, ratios }) {
  const coreWord = machine.cores === 1 ? "core" : "cores";
  console.log(`machine: ${machine.cpu}, ${machine.cores} ${coreWord}`);
  console.log(`node ${machine.node}, bun ${machine.bun}, git ${machine.git}`);
  console.log(`${options.warmup} warm-up + ${options.rounds} measured rounds, interleaved\n`);

  const fmt = (n, digits = 1) => (n === null || n === undefined ? "-" : n.toFixed(digits));
  const rows = [["contender", "median ms", "p95 ms", "peak RSS MB"]];
  for (const s of summary) {
    if (s.skipped) rows.push([s.label, `skipped: ${s.skipped}`, "", ""]);
    else rows.push([s.label, fmt(s.medianMs), fmt(s.p95Ms), fmt(s.peakRssMb)]);
  }
  printRows(rows);
  if (!rss) console.log("peak RSS: install the time package (apt-get install time)");

  console.log("");
  const ratioRows = [["ratio (medians)", "value", "target", "result"]];
  for (const r of ratios) {
    const result = r.pass === null ? "SKIP" : r.pass ? "PASS" : "FAIL";
    ratioRows.push([r.label, r.value === null ? "-" : `${r.value.toFixed(2)}×`, `≤ ${r.target}×`, result]);
  }
  printRows(ratioRows);
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
    const { rss, summary, ratios, concurrency } = report;
    const config = { rounds: options.rounds, warmup: options.warmup, rssRounds: rss ? options.rssRounds : 0 };
    // Microsecond precision is all a wall clock around spawnSync can honestly claim.
    const round = (_key, value) => (typeof value === "number" ? Math.round(value * 1000) / 1000 : value);
    console.log(JSON.stringify({ machine, config, contenders: summary, ratios, concurrency }, round, 2));
  } else {
    printTable(machine, options, report);
    const c = report.concurrency;
    console.log(
      `\n${c.clients} concurrent gets on the cache daemon: p50 ${c.p50Ms.toFixed(1)} ms, p99 ${c.p99Ms.toFixed(1)} ms (target p99 < ${c.targetMs} ms) ${c.pass ? "PASS" : "FAIL"}`,
    );
  }
  const failed = report.ratios.some((r) => r.pass === false) || !report.concurrency.pass;
  if (options.check && failed) process.exit(1);
}

await main();
