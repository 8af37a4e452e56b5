#!/usr/bin/env node
// `npm run demo`: git-credential-pat doing its job against a real HTTPS git server, in a throwaway sandbox.
//
// Everything happens under one temp directory: its own HOME, XDG dirs and global git config, with the
// system config off and every prompt disabled, so the demo neither reads nor changes the user's setup,
// and a clone that needed a prompt fails instead of hanging. The server is Node's https in front of
// `git http-backend` (CGI) with Basic auth, on 127.0.0.1, with a self-signed certificate made at run time.
//
// The token is random and never printed: output shows it as `ghp_… (fp 1234abcd)`, the first 8 hex of
// its SHA-256, and every line goes through redact() in case a tool echoes it.
import { execFile, spawn } from "node:child_process";
import { createHash, randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(root, "dist", "git-credential-pat");
const USER = "demo";
const REPO = "demo/app.git";
const COMMAND_TIMEOUT_MS = 20_000;

const TOKEN = randomToken();
const FINGERPRINT = createHash("sha256").update(TOKEN).digest("hex").slice(0, 8);
const MASKED = `ghp_… (fp ${FINGERPRINT})`;

class DemoError extends Error {}

/** A classic-PAT-shaped token: ghp_ + 36 base62 characters. */
function randomToken() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return `ghp_${Array.from({ length: 36 }, () => alphabet[randomInt(alphabet.length)]).join("")}`;
}

function redact(text) {
  return String(text).replaceAll(TOKEN, MASKED);
}

function say(text = "") {
  console.log(redact(text));
}

function step(n, title) {
  say(`\n${n}. ${title}`);
}

function showCommand(command, stdinLines = []) {
  say(`   $ ${command}`);
  for (const line of stdinLines) say(`     > ${line}`);
}

function showOutput(text) {
  for (const line of text.trimEnd().split("\n")) if (line) say(`     ${line}`);
}

/** Runs a command asynchronously (the server lives in this process, so never block the event loop). */
function run(command, args, { env, cwd, input = "" } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { env, cwd, timeout: COMMAND_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new DemoError(`\`${[command, ...args].join(" ")}\` failed (${failureReason(error)}):\n${stderr}`),
          );
        } else resolve({ stdout, stderr });
      },
    );
    // A command that exits without reading stdin must not crash the demo with EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
  });
}

function failureReason(error) {
  if (error.killed) return `timed out after ${COMMAND_TIMEOUT_MS / 1000}s`;
  return typeof error.code === "number" ? `exit ${error.code}` : error.message;
}

async function checkPrerequisites() {
  const tools = [
    ["git", ["--version"]],
    ["openssl", ["version"]],
  ];
  for (const [tool, args] of tools) {
    try {
      await run(tool, args);
    } catch {
      throw new DemoError(`${tool} is not installed; install it with: sudo apt-get install ${tool}`);
    }
  }
  if (!existsSync(BIN)) {
    say("dist/git-credential-pat is missing; building it first (npm run build) ...");
    await run(process.execPath, [join(root, "scripts", "build.mjs")]);
  }
}

/**
 * The sandbox environment. Inherited GIT_* (GIT_SSL_CAINFO, GIT_CONFIG_*, GIT_ASKPASS, ...), GH_* and
 * GITHUB_* variables are dropped: they would redirect git or hand the helper an environment token.
 */
async function createSandbox() {
  const dir = await mkdtemp(join(tmpdir(), "git-credential-pat-demo-"));
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(GIT_|GH_|GITHUB_|XDG_)/.test(name) && name !== "SSH_ASKPASS") env[name] = value;
  }
  const dirs = {
    HOME: "home",
    XDG_CONFIG_HOME: "home/.config",
    XDG_DATA_HOME: "home/.local/share",
    XDG_CACHE_HOME: "home/.cache",
    XDG_STATE_HOME: "home/.local/state",
    XDG_RUNTIME_DIR: "run",
  };
  for (const [name, sub] of Object.entries(dirs)) {
    env[name] = join(dir, sub);
    // 0700: the helper refuses a cache socket directory that other users can enter.
    await mkdir(env[name], { recursive: true, mode: 0o700 });
  }
  Object.assign(env, {
    GIT_CONFIG_GLOBAL: join(dir, "home", ".gitconfig"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0", // A missing credential must fail the clone, not wait for typing.
    GIT_ASKPASS: "/bin/false",
    LC_ALL: "C",
  });
  return { dir, env };
}

// ---------------------------------------------------------------------------------------------------
// The HTTPS git server

async function startServer(dir, tokens) {
  const tlsDir = join(dir, "tls");
  const reposDir = join(dir, "repos");
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const certFile = join(tlsDir, "cert.pem");
  const keyFile = join(tlsDir, "key.pem");
  // An EC key generates in milliseconds; the certificate is its own CA for http.sslCAInfo.
  await run("openssl", [
    ...["req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
    ...["-keyout", keyFile, "-out", certFile, "-days", "1", "-subj", "/CN=127.0.0.1"],
    ...["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
  ]);
  await chmod(keyFile, 0o600);
  await createBareRepo(join(reposDir, REPO));
  const backend = join(
    (await run("git", ["--exec-path"], { env: serverEnv() })).stdout.trim(),
    "git-http-backend",
  );

  const log = [];
  const children = new Set();
  const server = createServer(
    { key: await readFile(keyFile), cert: await readFile(certFile) },
    (req, res) => {
      const user = authenticate(req.headers.authorization, tokens);
      log.push({ method: req.method, url: req.url, user });
      if (user === null) {
        req.resume(); // Drain the body so curl can reuse the connection for its authenticated retry.
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="demo"' }).end("Authentication required\n");
        return;
      }
      serveGit(backend, reposDir, user, req, res, children);
    },
  );
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    host: `127.0.0.1:${port}`,
    url: `https://127.0.0.1:${port}`,
    certFile,
    log,
    close: () =>
      new Promise((resolve) => {
        for (const child of children) child.kill("SIGKILL");
        server.close(() => resolve());
        server.closeAllConnections(); // git's curl keeps connections alive; close() alone would wait.
      }),
  };
}

/** Returns the user whose token the Basic credentials carry, or null. */
function authenticate(header, tokens) {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = decoded.slice(0, colon);
  return colon > 0 && tokens.get(user) === decoded.slice(colon + 1) ? user : null;
}

/** One request through `git http-backend` as a CGI: request headers in env, response headers on stdout. */
function serveGit(backend, reposDir, user, req, res, children) {
  const url = new URL(req.url ?? "/", "https://127.0.0.1");
  const env = {
    ...serverEnv(),
    GIT_PROJECT_ROOT: reposDir,
    GIT_HTTP_EXPORT_ALL: "1",
    REMOTE_USER: user,
    REMOTE_ADDR: "127.0.0.1",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? "GET",
  };
  const passHeaders = {
    CONTENT_TYPE: "content-type",
    CONTENT_LENGTH: "content-length",
    HTTP_CONTENT_ENCODING: "content-encoding", // git gzips larger request bodies
    HTTP_GIT_PROTOCOL: "git-protocol", // without it the backend falls back to protocol v0
  };
  for (const [cgiName, header] of Object.entries(passHeaders)) {
    if (req.headers[header] !== undefined) env[cgiName] = String(req.headers[header]);
  }

  const child = spawn(backend, [], { env, stdio: "pipe" });
  children.add(child);
  child.on("close", () => children.delete(child));
  child.stdin.on("error", () => {}); // The backend may answer without reading the body.
  child.stderr.resume();
  req.pipe(child.stdin);

  let head = Buffer.alloc(0);
  const onData = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    child.stdout.off("data", onData);
    const { status, headers } = parseCgiHeaders(head.subarray(0, end).toString("latin1"));
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
    child.stdout.pipe(res);
  };
  child.stdout.on("data", onData);
  child.on("close", () => {
    if (!res.headersSent) res.writeHead(502).end("git http-backend failed\n");
  });
}

function parseCgiHeaders(text) {
  let status = 200;
  const headers = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Server-side git must not read anyone's config either. */
function serverEnv() {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
}

/** A bare repo with one commit holding README.md, built with plumbing so no worktree is needed. */
async function createBareRepo(gitDir) {
  const who = { NAME: "Demo", EMAIL: "demo@example.invalid", DATE: "2024-01-01T00:00:00Z" };
  const env = { ...serverEnv(), GIT_DIR: gitDir };
  for (const role of ["AUTHOR", "COMMITTER"]) {
    for (const [key, value] of Object.entries(who)) env[`GIT_${role}_${key}`] = value;
  }
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", gitDir], { env: serverEnv() });
  const git = async (args, input) => (await run("git", args, { env, input })).stdout.trim();
  const blob = await git(
    ["hash-object", "-w", "--stdin"],
    "# app\n\nCloned with a token from git-credential-pat.\n",
  );
  const tree = await git(["mktree"], `100644 blob ${blob}\tREADME.md\n`);
  const commit = await git(["commit-tree", tree, "-m", "Initial commit"]);
  await git(["update-ref", "refs/heads/main", commit]);
}

// ---------------------------------------------------------------------------------------------------
// The demo

async function configureGit(sandbox, server) {
  step(0, `Sandbox in ${sandbox.dir}, HTTPS git server at ${server.url}`);
  const git = (args) => run("git", args, { env: sandbox.env, cwd: sandbox.env.HOME });
  const helper = `${shellQuote(BIN)} --store=file`;
  // The empty value first clears any helper list, so the token reaches only this helper.
  const settings = [
    ["credential.helper", ""],
    ["credential.helper", helper],
    ["http.sslCAInfo", server.certFile],
  ];
  for (const [key, value] of settings) {
    showCommand(`git config --global --add ${key} ${shellQuote(value)}`);
    await git(["config", "--global", "--add", key, value]);
  }
}

async function approveToken(sandbox, server) {
  step(1, "Hand git a token (what git does after a successful sign-in):");
  const lines = ["protocol=https", `host=${server.host}`, `username=${USER}`, `password=${TOKEN}`];
  showCommand("git credential approve", lines);
  say(`   (a random token, shown here and below as ghp_… plus the first 8 hex of its SHA-256)`);
  await run("git", ["credential", "approve"], { env: sandbox.env, input: `${lines.join("\n")}\n\n` });
}

async function cloneWithoutPrompt(sandbox, server) {
  step(2, "Clone over HTTPS; prompts are disabled, so only the helper can supply the token:");
  const url = `${server.url}/${REPO}`;
  showCommand(`git clone ${url}`);
  const before = server.log.length;
  const { stderr } = await run("git", ["clone", url], { env: sandbox.env, cwd: sandbox.env.HOME });
  showOutput(stderr);
  const requests = server.log.slice(before);
  const authenticated = requests.filter((r) => r.user === USER).length;
  if (authenticated === 0) throw new DemoError("the server saw no authenticated request");
  const challenged = requests.length - authenticated;
  say(
    `   ok: the server challenged ${challenged}×, git asked the helper, ${authenticated} requests came in as "${USER}"`,
  );
  say("   app/README.md:");
  showOutput(await readFile(join(sandbox.env.HOME, "app", "README.md"), "utf8"));
}

async function showFill(sandbox, server) {
  step(3, "Ask git which credential it would use:");
  const lines = ["protocol=https", `host=${server.host}`];
  showCommand("git credential fill", lines);
  const { stdout } = await run("git", ["credential", "fill"], {
    env: sandbox.env,
    input: `${lines.join("\n")}\n\n`,
  });
  const password = /^password=(.*)$/m.exec(stdout)?.[1];
  if (password !== TOKEN) throw new DemoError("git credential fill did not return the approved token");
  showOutput(stdout); // redact() turns the token into its fingerprint
}

async function showStoreFile(sandbox) {
  step(4, "The file store is private to you:");
  const file = join(sandbox.env.XDG_DATA_HOME, "git-credential-pat", "credentials");
  showCommand(`stat -c '%A %a %n' ${shellQuote(file)}`);
  let mode;
  try {
    mode = (await stat(file)).mode & 0o777;
  } catch {
    throw new DemoError(`the store file ${file} was not created`);
  }
  showOutput(`${modeString(mode)} ${mode.toString(8)} ${file}`);
  if (mode !== 0o600) throw new DemoError(`the store file has mode ${mode.toString(8)}, expected 600`);
}

async function cleanUp(sandbox, server) {
  step(5, "Clean up:");
  if (sandbox && existsSync(BIN)) {
    // Stops the cache daemon if this run started one; harmless when there is none.
    await run(BIN, ["exit"], { env: sandbox.env }).catch(() => {});
  }
  if (server) await server.close();
  if (sandbox) await rm(sandbox.dir, { recursive: true, force: true });
  say("   server stopped, sandbox removed");
}

function modeString(mode) {
  const bits = "rwxrwxrwx";
  return `-${[...bits].map((c, i) => (mode & (0o400 >> i) ? c : "-")).join("")}`;
}

/** Quotes for a POSIX shell (git runs helper commands through sh); plain words stay as they are. */
function shellQuote(value) {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

async function main() {
  const started = Date.now();
  let sandbox;
  let server;
  let failure;
  try {
    await checkPrerequisites();
    sandbox = await createSandbox();
    server = await startServer(sandbox.dir, new Map([[USER, TOKEN]]));
    await configureGit(sandbox, server);
    await approveToken(sandbox, server);
    await cloneWithoutPrompt(sandbox, server);
    await showFill(sandbox, server);
    await showStoreFile(sandbox);
  } catch (error) {
    failure = error;
  }
  try {
    await cleanUp(sandbox, server);
  } catch (error) {
    failure ??= error;
  }
  if (failure) {
    const message = failure instanceof DemoError ? failure.message : (failure?.stack ?? String(failure));
    console.error(redact(`\ndemo failed: ${message.trimEnd()}`));
    process.exit(1);
  }
  say(
    `\ndone in ${((Date.now() - started) / 1000).toFixed(1)}s; the token was never printed, only ${MASKED}`,
  );
}

await main();
