// The npm package as people install it, on every Node LTS line: `npm pack`, then
// `npm install -g --prefix` of the tarball (the real registry brings @napi-rs/keyring) with that
// line's node first on PATH, so npm and the bin's "#!/usr/bin/env node" run on it. The install
// prints no warning (no EBADENGINE: the bundle carries yargs and Octokit, so the only dependency
// is the keyring addon), the installed tree holds neither, and the installed command answers git
// (get/store from the file store) and runs the people's commands (login through Octokit, list).
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DIST_DIR, type RunResult, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";
import { NODE_LINES, nodeLineEnv, nodeLineFromEnv } from "../helpers/node-lines.js";

const ROOT = join(DIST_DIR, "..");
const INSTALL_TIMEOUT_MS = 120_000;

/** The system node is the 20 line; the others come from scripts/node-lines.sh. */
const LINES = [
  { line: process.versions.node.split(".")[0] ?? "", node: process.execPath as string | undefined },
  ...NODE_LINES.map((line) => ({ line, node: nodeLineFromEnv(line) })),
];

/**
 * npm reaches the real registry with the machine's trust: the sandbox drops NODE_EXTRA_CA_CERTS,
 * and `--prefix` moves npm's global npmrc (PREFIX/etc/npmrc), so a cafile set there is not read.
 */
const REGISTRY_TRUST: Record<string, string> = process.env.NODE_EXTRA_CA_CERTS
  ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }
  : {};

/** Every directory name under `dir` (the installed package's whole tree). */
function treeNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? [entry.name, ...treeNames(join(dir, entry.name))] : [],
  );
}

let packDir: string;
let tarball: string;
let api: FakeGithubApi;

beforeAll(async () => {
  if (!existsSync(join(DIST_DIR, "cli.cjs"))) throw new Error("missing dist/cli.cjs: run npm run build");
  packDir = await mkdtemp(join(tmpdir(), "gcp-pack-"));
  const packed = await runCommand(["npm", "pack", "--json", "--pack-destination", packDir], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: packDir,
      npm_config_cache: join(packDir, "npm-cache"),
      ...REGISTRY_TRUST,
    },
    cwd: ROOT,
    timeoutMs: 60_000,
  });
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout.toString()) as Array<{ filename: string }>;
  tarball = join(packDir, info?.filename ?? "");
  api = await startFakeGithubApi();
}, 90_000);
afterAll(async () => {
  await api?.close();
  if (packDir) await rm(packDir, { recursive: true, force: true });
});

describe.each(LINES)("npm install -g of the packed package on Node $line", ({ line, node }) => {
  let sandbox: Sandbox;
  let prefix: string;
  beforeEach(async () => {
    sandbox = await createSandbox();
    prefix = join(sandbox.root, "prefix");
    // The line's node first: npm's own "#!/usr/bin/env node" and the installed bin's run on it.
    if (node) sandbox.env.PATH = [join(prefix, "bin"), dirname(node), sandbox.env.PATH].join(":");
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const run = async (argv: string[], input?: string): Promise<RunResult> => {
    const result = await runCommand(argv, {
      env: argv[0] === "npm" ? { ...sandbox.env, ...REGISTRY_TRUST } : sandbox.env,
      cwd: sandbox.root,
      timeoutMs: INSTALL_TIMEOUT_MS,
      ...(input === undefined ? {} : { input }),
    });
    recordOutput(`${argv.slice(0, 2).join(" ")} stdout`, result.stdout.toString());
    return result;
  };

  it.skipIf(node === undefined && process.env.CI !== "true")(
    "installs without a warning, without yargs or Octokit, and answers git and people",
    async () => {
      if (node === undefined) throw new Error(`no ${nodeLineEnv(line)}: run the tests with npm test`);
      // npm runs on the line's node (its "#!/usr/bin/env node" found it first on PATH).
      const versions = await run(["npm", "version", "--json"]);
      expect(JSON.parse(versions.stdout.toString()).node).toMatch(new RegExp(`^${line}\\.`));

      // A private cache (the sandbox's HOME, no user .npmrc): every package comes from the registry.
      const install = await run([
        "npm",
        "install",
        "-g",
        "--prefix",
        prefix,
        "--cache",
        join(sandbox.root, "npm-cache"),
        tarball,
      ]);
      const printed = `${install.stdout.toString()}${install.stderr}`;
      expect(install.code, printed).toBe(0);
      expect(printed).not.toMatch(/EBADENGINE/);
      expect(printed).not.toMatch(/\bwarn|\berr/i);
      const installed = join(prefix, "lib", "node_modules", "git-credential-pat");
      const names = treeNames(installed);
      expect(names).toContain("@napi-rs");
      expect(names.filter((name) => /^(yargs|yargs-parser|@octokit|content-type)$/.test(name))).toEqual([]);

      // git runs the installed command as `git credential-pat` from PATH, on the file store.
      await sandbox.git(["config", "--global", "credential.helper", "pat --store=file --timeout=0"]);
      const host = "ghe.example.com";
      api.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
      const login = await run(
        [
          "git-credential-pat",
          "login",
          "--with-token",
          "--host",
          host,
          "--api-url",
          api.url,
          "--store",
          "file",
        ],
        `${CANARY.classic}\n`,
      );
      expect(login.stderr).toBe("");
      expect(login.code).toBe(0);
      expect(login.stdout.toString()).toContain(`Logged in to ${host} as alice`);
      const list = await run(["git-credential-pat", "list", "--json"]);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout.toString())).toMatchObject([{ host, login: "alice", source: "file" }]);

      const fill = await sandbox.git(["credential", "fill"], { input: `protocol=https\nhost=${host}\n\n` });
      expect(fill.stderr).toBe("");
      expect(fill.stdout).toBe(`protocol=https\nhost=${host}\nusername=alice\npassword=${CANARY.classic}\n`);
      expect(sandbox.askpassLog()).toEqual([]);
    },
    4 * INSTALL_TIMEOUT_MS,
  );
});
