// A real smart-HTTP git server over TLS for integration tests: Node's https server in front of
// `git http-backend` (run as a CGI), guarded by HTTP Basic auth against a mutable user -> token table.
//
// Trusting the certificate: git must be told about the throwaway CA through the *sandbox's* global config,
// `git config --global http.sslCAInfo <caFile>` (see Sandbox.trustCa). Do not use GIT_SSL_CAINFO or
// http.sslVerify=false: the former leaks from developer machines, the latter would hide TLS bugs.

import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface GitHttpsServerOptions {
  /** Directory that will hold the TLS material and the bare repositories; created if missing. */
  root: string;
}

export interface RequestLogEntry {
  method: string;
  /** URL path without the query string, e.g. "/acme/app.git/info/refs". */
  path: string;
  /** Raw query string without "?", e.g. "service=git-upload-pack". */
  query: string;
  /** Authenticated username, or null when auth was missing or wrong. Tokens are never recorded. */
  user: string | null;
  status: number;
}

export interface GitHttpsServer {
  url: string;
  host: string;
  /** PEM file to pass to git as http.sslCAInfo (the self-signed server certificate). */
  caFile: string;
  users: Map<string, string>;
  log: RequestLogEntry[];
  /** stderr of http-backend runs that wrote any; handy when a push fails for a non-auth reason. */
  backendErrors: string[];
  setToken(user: string, token: string): void;
  /**
   * Also accepts `token` for `user`, but only for repository `repo` ("acme/a.git"): a token
   * scoped to one repository, as a fine-grained PAT or a deploy key is.
   */
  setRepoToken(repo: string, user: string, token: string): void;
  removeUser(user: string): void;
  /** Bare repo `<name>` (e.g. "acme/app.git") with one commit on main containing README.md. */
  createRepo(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startGitHttpsServer(opts: GitHttpsServerOptions): Promise<GitHttpsServer> {
  const tlsDir = join(opts.root, "tls");
  const reposDir = join(opts.root, "repos");
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  await mkdir(reposDir, { recursive: true });
  const { keyFile, certFile } = await generateCertificate(tlsDir);
  const backend = join((await run("git", ["--exec-path"], serverGitEnv())).trim(), "git-http-backend");

  const users = new Map<string, string>();
  /** "repo\0user" → token accepted for that repository only. */
  const repoTokens = new Map<string, string>();
  const log: RequestLogEntry[] = [];
  const backendErrors: string[] = [];
  const children = new Set<ChildProcess>();

  const server = createServer(
    { key: await readFile(keyFile), cert: await readFile(certFile) },
    (req, res) => {
      const url = new URL(req.url ?? "/", "https://placeholder");
      const user =
        authenticate(req.headers.authorization, users) ??
        authenticate(req.headers.authorization, repoUsers(repoTokens, url.pathname));
      const record = (status: number) => {
        log.push({ method: req.method ?? "", path: url.pathname, query: url.search.slice(1), user, status });
      };
      if (user === null) {
        record(401);
        req.resume(); // Drain the body so the connection can be reused for the authenticated retry.
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
        res.end("Authentication required\n");
        return;
      }
      runBackend(backend, reposDir, user, url, req, res, record, children, backendErrors);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    caFile: certFile,
    users,
    log,
    backendErrors,
    setToken: (user, token) => void users.set(user, token),
    setRepoToken: (repo, user, token) => void repoTokens.set(`${repo}\0${user}`, token),
    removeUser: (user) => void users.delete(user),
    createRepo: (name) => createRepo(reposDir, name),
    close: () =>
      new Promise<void>((resolve) => {
        for (const child of children) child.kill("SIGKILL");
        // close() alone waits for keep-alive sockets (git's curl keeps them); drop them so vitest can exit.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The user → token table of the repository a request's path is in ("/acme/a.git/info/refs"). */
function repoUsers(repoTokens: Map<string, string>, pathname: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const [key, token] of repoTokens) {
    const [repo, user] = key.split("\0") as [string, string];
    if (pathname.startsWith(`/${repo}/`)) users.set(user, token);
  }
  return users;
}

/** Returns the username if the Basic credentials match the table, else null. */
function authenticate(header: string | undefined, users: Map<string, string>): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const user = decoded.slice(0, colon);
  const expected = users.get(user);
  return expected !== undefined && expected === decoded.slice(colon + 1) ? user : null;
}

function runBackend(
  backend: string,
  reposDir: string,
  user: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  record: (status: number) => void,
  children: Set<ChildProcess>,
  backendErrors: string[],
): void {
  let pathInfo: string;
  try {
    pathInfo = decodeURIComponent(url.pathname);
  } catch {
    record(400);
    res.writeHead(400).end();
    return;
  }
  const env: Record<string, string> = {
    ...serverGitEnv(),
    GIT_PROJECT_ROOT: reposDir,
    GIT_HTTP_EXPORT_ALL: "1",
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    PATH_INFO: pathInfo,
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? "GET",
  };
  const headerEnv: Array<[string, string | undefined]> = [
    ["CONTENT_TYPE", req.headers["content-type"]],
    // Absent for chunked uploads (large pushes); http-backend then reads stdin to EOF.
    ["CONTENT_LENGTH", req.headers["content-length"]],
    // http-backend inflates gzip bodies itself when told the encoding.
    ["HTTP_CONTENT_ENCODING", req.headers["content-encoding"]],
    // Carries "version=2"; without it the backend silently falls back to protocol v0.
    ["HTTP_GIT_PROTOCOL", headerValue(req.headers["git-protocol"])],
  ];
  for (const [name, value] of headerEnv) if (value !== undefined) env[name] = value;

  const child = spawn(backend, [], { env, stdio: "pipe" });
  children.add(child);
  child.on("close", () => children.delete(child));
  child.on("error", (err) => backendErrors.push(`spawn failed: ${err.message}`));
  child.stdin.on("error", () => {}); // Backend may reject a request without reading its body.
  req.pipe(child.stdin);

  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.on("close", () => {
    if (stderr !== "") backendErrors.push(stderr);
    if (!res.headersSent) {
      record(502);
      res.writeHead(502).end("git http-backend produced no CGI headers\n");
    } else {
      res.end();
    }
  });

  // CGI output is "Header: value" lines, a blank line, then the body. Buffer until the blank line.
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (end === null) return;
    child.stdout.off("data", onData);
    const { status, headers } = parseCgiHeaders(head.subarray(0, end.index).toString("latin1"));
    record(status);
    res.writeHead(status, headers);
    res.write(head.subarray(end.index + end.length));
    child.stdout.pipe(res, { end: false }); // Ended on child close, after stdout drained.
  };
  child.stdout.on("data", onData);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function findHeaderEnd(buf: Buffer): { index: number; length: number } | null {
  // http-backend emits CRLF, but the CGI spec also allows bare LF.
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return null;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Self-signed cert valid for 127.0.0.1 and localhost; it doubles as its own CA for http.sslCAInfo. */
export async function generateCertificate(dir: string): Promise<{ keyFile: string; certFile: string }> {
  const keyFile = join(dir, "server-key.pem");
  const certFile = join(dir, "server-cert.pem");
  // EC keys generate in milliseconds, unlike RSA, keeping beforeAll fast.
  await run("openssl", [
    "req",
    "-x509",
    "-nodes",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  await chmod(keyFile, 0o600);
  return { keyFile, certFile };
}

async function createRepo(reposDir: string, name: string): Promise<void> {
  if (!/^[\w.-]+(\/[\w.-]+)*\.git$/.test(name) || name.split("/").includes("..")) {
    throw new Error(`createRepo: unsupported repo name ${JSON.stringify(name)}`);
  }
  const dir = join(reposDir, name);
  const env = {
    ...serverGitEnv(),
    GIT_DIR: dir,
    GIT_AUTHOR_NAME: "Fixture",
    GIT_AUTHOR_EMAIL: "fixture@example.invalid",
    GIT_AUTHOR_DATE: "2024-01-01T00:00:00Z",
    GIT_COMMITTER_NAME: "Fixture",
    GIT_COMMITTER_EMAIL: "fixture@example.invalid",
    GIT_COMMITTER_DATE: "2024-01-01T00:00:00Z",
  };
  await run("git", ["init", "--quiet", "--bare", "--initial-branch=main", dir], serverGitEnv());
  // http-backend already allows push when REMOTE_USER is set; being explicit documents the intent.
  await run("git", ["config", "http.receivepack", "true"], env);
  // Plumbing builds the commit directly in the bare repo: no temporary worktree to clean up.
  const blob = (await run("git", ["hash-object", "-w", "--stdin"], env, `# ${name}\n`)).trim();
  const tree = (await run("git", ["mktree"], env, `100644 blob ${blob}\tREADME.md\n`)).trim();
  const commit = (await run("git", ["commit-tree", tree, "-m", "Initial commit"], env)).trim();
  await run("git", ["update-ref", "refs/heads/main", commit], env);
}

/** Server-side git must not read the developer's config either. */
function serverGitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
}

function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = serverGitEnv(),
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin?.on("error", () => {}); // EPIPE: the child may exit without reading
    child.stdin?.end(input ?? "");
  });
}
