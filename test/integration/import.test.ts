// `import` for real: a ~/.git-credentials written by git's own credential-store (joined from
// several such files where git alone would not write the case), moved by each artifact into each
// store. After the import, `git credential fill` through the helper must answer every request as
// `git credential-store get` answered it from the original file, and --delete must leave in the
// file exactly the lines whose token the store does not hold.
import { link, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type Artifact,
  artifacts,
  clearKeychainHosts,
  describeStore,
  runArtifact,
  STORES,
  type StoreKind,
  storeEnv,
  uniqueHost,
} from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { exemptFile, recordOutput } from "../helpers/canary-guard.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 15_000;

/** Short names for the canaries: the tables read "alice:T1", the files hold the tokens. */
const T = { T1: CANARY.classic, T2: CANARY.classic2, T3: CANARY.fineGrained } as const;
type TokenName = keyof typeof T;
const nameOf = (token: string | undefined) =>
  token === undefined ? undefined : (Object.entries(T).find(([, value]) => value === token)?.[0] ?? "?");

type Fields = Record<string, string>;
const wire = (fields: Fields) =>
  Object.entries(fields)
    .map(([key, value]) => `${key}=${value}\n`)
    .join("");
function parseWire(text: string): Fields {
  const fields: Fields = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

/** A request of a comparison table; `keychainAnyOf`: see gitAnswers. */
interface Request {
  fields: Fields;
  keychainAnyOf?: string[];
}

function describeSuite(artifact: Artifact, store: StoreKind): void {
  describeStore(store)(`import with the ${artifact.name} artifact into the ${store} store`, () => {
    let sandbox: Sandbox;
    let hosts: string[];
    let api: FakeGithubApi | undefined;
    const gitCredentials = () => join(sandbox.home, ".git-credentials");
    const storeFile = () => join(sandbox.home, ".local/share/git-credential-pat/credentials");

    beforeEach(async () => {
      sandbox = await createSandbox({ extraEnv: storeEnv(store) });
      hosts = [uniqueHost(), uniqueHost()];
    });
    afterEach(async () => {
      await api?.close();
      api = undefined;
      if (store === "keychain") await clearKeychainHosts(hosts, sandbox.env);
      await sandbox.cleanup();
    });

    /** git's own credential-store writes `fields` into `file`, as `git credential approve` does. */
    async function gitStore(file: string, fields: Fields): Promise<void> {
      const config = ["-c", "credential.helper=", "-c", `credential.helper=store --file=${file}`];
      if (fields.path !== undefined) config.push("-c", "credential.useHttpPath=true");
      const result = await sandbox.git([...config, "credential", "approve"], {
        input: wire(fields),
        timeoutMs: GIT_TIMEOUT_MS,
      });
      expect([result.code, result.stderr]).toEqual([0, ""]);
    }

    /** A credential-store file of git's own, to be joined to others (a file git alone never writes). */
    async function gitStoreFile(name: string, ...entries: Fields[]): Promise<string> {
      const file = join(sandbox.root, name);
      exemptFile(file, "a git credential-store file the test joins into ~/.git-credentials");
      for (const fields of entries) await gitStore(file, fields);
      return readFile(file, "utf8");
    }

    const cred = (host: string, username: string, token: TokenName, path?: string): Fields => ({
      protocol: "https",
      host,
      username,
      password: T[token],
      ...(path === undefined ? {} : { path }),
    });

    /** `git credential-store get` on ~/.git-credentials as it is now: "user:T1", or undefined. */
    async function gitStoreAnswer(fields: Fields): Promise<string | undefined> {
      const result = await sandbox.git(["credential-store", `--file=${gitCredentials()}`, "get"], {
        input: wire(fields),
        timeoutMs: GIT_TIMEOUT_MS,
      });
      expect([result.code, result.stderr]).toEqual([0, ""]);
      const answer = parseWire(result.stdout);
      return answer.password === undefined ? undefined : `${answer.username}:${nameOf(answer.password)}`;
    }

    /** `git credential fill` through the helper alone (cache off): "user:T1", or undefined. */
    async function helperAnswer(fields: Fields): Promise<string | undefined> {
      const config = [
        "-c",
        "credential.helper=",
        "-c",
        `credential.helper=${artifact.helperCommand} --store=${store} --timeout=0`,
      ];
      if (fields.path !== undefined) config.push("-c", "credential.useHttpPath=true");
      const result = await sandbox.git([...config, "credential", "fill"], {
        input: wire(fields),
        timeoutMs: GIT_TIMEOUT_MS,
      });
      expect(result.stderr).not.toContain("git-credential-pat");
      // No answer: git turns to the sandbox's failing askpass and gives up.
      if (result.code !== 0) return undefined;
      const answer = parseWire(result.stdout);
      return `${answer.username}:${nameOf(answer.password)}`;
    }

    async function runImport(...args: string[]) {
      const result = await runArtifact(artifact, ["import", `--store=${store}`, ...args], {
        env: sandbox.env,
        timeoutMs: 30_000,
      });
      recordOutput("import stderr", result.stderr);
      return { code: result.code, stdout: result.stdout.toString("utf8"), stderr: result.stderr };
    }

    /**
     * What git's credential-store answers each request with from the file now, to compare with
     * compareWithGit after the import. The keychain keeps no order: a request that several
     * imported credentials with different tokens answer (no path, and the file has repository
     * lines of that user, or several users on the host) gets one of them, `keychainAnyOf`; the
     * file store keeps the file's order and must answer exactly as git did.
     */
    async function gitAnswers(requests: readonly Request[]): Promise<Array<string | undefined>> {
      const answers: Array<string | undefined> = [];
      for (const request of requests) answers.push(await gitStoreAnswer(request.fields));
      return answers;
    }

    async function compareWithGit(requests: readonly Request[], want: ReadonlyArray<string | undefined>) {
      for (const [index, request] of requests.entries()) {
        const got = await helperAnswer(request.fields);
        const expected = want[index];
        if (store === "keychain" && request.keychainAnyOf) {
          expect(request.keychainAnyOf).toContain(expected);
          expect({ request: request.fields, got: request.keychainAnyOf.includes(got ?? "") }).toEqual({
            request: request.fields,
            got: true,
          });
        } else {
          expect({ request: request.fields, got }).toEqual({ request: request.fields, got: expected });
        }
      }
    }

    const req = (host: string, extra: Fields = {}, keychainAnyOf?: string[]): Request => ({
      fields: { protocol: "https", host, ...extra },
      ...(keychainAnyOf ? { keychainAnyOf } : {}),
    });

    const fileLines = async () => (await readFile(gitCredentials(), "utf8")).split("\n").filter(Boolean);

    it("moves a repository line and the account-wide line below it (git's order with useHttpPath), and --delete removes both", async () => {
      const [h] = hosts as [string];
      await gitStore(gitCredentials(), cred(h, "alice", "T1"));
      await gitStore(gitCredentials(), cred(h, "alice", "T2", "acme/app.git"));
      expect(await fileLines()).toEqual([
        `https://alice:${T.T2}@${h}/acme/app.git`,
        `https://alice:${T.T1}@${h}`,
      ]);
      const requests = [
        req(h, { path: "acme/app.git" }),
        req(h, { path: "acme/other.git" }),
        req(h, {}, ["alice:T1", "alice:T2"]),
        req(h, { username: "alice" }, ["alice:T1", "alice:T2"]),
      ];
      const want = await gitAnswers(requests);
      expect(want).toEqual(["alice:T2", undefined, "alice:T2", "alice:T2"]);

      const result = await runImport("--delete");
      expect([result.code, result.stderr]).toEqual([0, ""]);
      expect(result.stdout).toContain(`imported https://${h}/acme/app.git (alice) into ${store}`);
      expect(result.stdout).toContain(`imported https://${h} (alice) into ${store}`);
      expect(await fileLines()).toEqual([]);
      await compareWithGit(requests, want);
    });

    it("keeps an account-wide line above a repository line (two files joined) answering as before", async () => {
      const [h] = hosts as [string];
      const hostWide = await gitStoreFile("host-wide", cred(h, "alice", "T1"));
      const repository = await gitStoreFile("repository", cred(h, "alice", "T2", "acme/app.git"));
      await writeFile(gitCredentials(), hostWide + repository, { mode: 0o600 });
      const requests = [
        req(h, { path: "acme/app.git" }),
        req(h, { path: "acme/other.git" }),
        req(h, {}, ["alice:T1", "alice:T2"]),
        req(h, { username: "alice" }, ["alice:T1", "alice:T2"]),
      ];
      const want = await gitAnswers(requests);
      expect(want).toEqual(["alice:T2", undefined, "alice:T1", "alice:T1"]);

      const result = await runImport("--delete");
      expect([result.code, result.stderr]).toEqual([0, ""]);
      expect(await fileLines()).toEqual([]);
      await compareWithGit(requests, want);
    });

    it("imports only the first of two lines for one credential and leaves the token git never served in the file, behind the first", async () => {
      const [a, b] = hosts as [string, string];
      const first = await gitStoreFile("first", cred(a, "alice", "T1"));
      const second = await gitStoreFile("second", cred(a, "alice", "T2"));
      const bob = await gitStoreFile("bob", cred(b, "bob", "T3"));
      await writeFile(gitCredentials(), first + second + bob + bob, { mode: 0o600 });
      const requests = [req(a), req(a, { username: "alice" }), req(b)];
      const want = await gitAnswers(requests);
      expect(want).toEqual(["alice:T1", "alice:T1", "bob:T3"]);

      const result = await runImport("--delete", "--json");
      expect(result.stderr).toBe("");
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { credentials: Array<{ line: number; result: string }> };
      expect(report.credentials.map((row) => `${row.line} ${row.result}`)).toEqual([
        "1 imported",
        "2 never-served",
        "3 imported",
        "4 duplicate",
      ]);
      // The first line stays too while the never-served one does: without it git's credential-store
      // would serve that token, and the next import would take it for the credential's first line.
      expect(await fileLines()).toEqual([`https://alice:${T.T1}@${a}`, `https://alice:${T.T2}@${a}`]);
      expect((await gitAnswers(requests)).slice(0, 2)).toEqual(want.slice(0, 2));
      await compareWithGit(requests, want);

      // So running it again, even with --force, still takes line 1 for the credential.
      const again = await runImport("--delete", "--force");
      expect([again.code, again.stderr]).toEqual([1, ""]);
      expect(again.stdout).toContain(`present  https://${a} (alice): ${store} already holds this token`);
      expect(await fileLines()).toEqual([`https://alice:${T.T1}@${a}`, `https://alice:${T.T2}@${a}`]);
      await compareWithGit(requests, want);
    });

    it("keeps the token login verified over a different one in the file, says so, and replaces it only with --force", async () => {
      const [h] = hosts as [string];
      api = await startFakeGithubApi();
      api.tokens.set(T.T2, { login: "alice", scopes: ["repo"] });
      const login = await runArtifact(
        artifact,
        ["login", "--with-token", "--host", h, "--api-url", api.url, `--store=${store}`],
        { env: sandbox.env, input: `${T.T2}\n`, timeoutMs: 30_000 },
      );
      expect([login.code, login.stderr]).toEqual([0, ""]);
      await gitStore(gitCredentials(), cred(h, "alice", "T1"));
      const requests = [req(h), req(h, { username: "alice" })];
      const want = await gitAnswers(requests);
      expect(want).toEqual(["alice:T1", "alice:T1"]);

      const kept = await runImport("--delete");
      expect([kept.code, kept.stderr]).toEqual([1, ""]);
      expect(kept.stdout).toContain(`kept     the token already stored for https://${h} (alice), ghp_… (fp `);
      expect(kept.stdout).toContain("--force replaces it");
      expect(await fileLines()).toEqual([`https://alice:${T.T1}@${h}`]);
      await compareWithGit(requests, ["alice:T2", "alice:T2"]);

      const forced = await runImport("--delete", "--force");
      expect([forced.code, forced.stderr]).toEqual([0, ""]);
      expect(forced.stdout).toContain(`replaced https://${h} (alice) in ${store}: ghp_… (fp `);
      expect(await fileLines()).toEqual([]);
      await compareWithGit(requests, want);
    });

    it("keeps the file's order, so a request several lines answer gets the line git's store gave it", async () => {
      const [h] = hosts as [string];
      await gitStore(gitCredentials(), cred(h, "alice", "T1"));
      await gitStore(gitCredentials(), cred(h, "bob", "T2"));
      await gitStore(gitCredentials(), cred(h, "carol", "T3"));
      const requests = [
        req(h, {}, ["alice:T1", "bob:T2", "carol:T3"]),
        req(h, { username: "alice" }),
        req(h, { username: "bob" }),
        req(h, { username: "carol" }),
      ];
      const want = await gitAnswers(requests);
      expect(want).toEqual(["carol:T3", "alice:T1", "bob:T2", "carol:T3"]);

      const result = await runImport();
      expect([result.code, result.stderr]).toEqual([0, ""]);
      await compareWithGit(requests, want);
    });

    if (store === "file") {
      const spellings: Array<{ name: string; file: (home: string, storeFile: string) => Promise<string> }> = [
        { name: "with //", file: async (home) => `${home}//.local/share//git-credential-pat/credentials` },
        { name: "with /./", file: async (home) => `${home}/./.local/share/./git-credential-pat/credentials` },
        {
          name: "through a symbolic link",
          file: async (home, target) => {
            await symlink(target, join(home, ".git-credentials"));
            return join(home, ".git-credentials");
          },
        },
        {
          name: "through a symbolic link to its directory",
          file: async (home) => {
            await symlink(join(home, ".local/share/git-credential-pat"), join(home, "tokens"));
            return join(home, "tokens/credentials");
          },
        },
        {
          name: "as a hard link",
          file: async (home, target) => {
            await link(target, join(home, ".git-credentials"));
            return join(home, ".git-credentials");
          },
        },
      ];
      it.each(spellings)(
        "refuses to import the file store's own file $name (exit 2), changing nothing",
        async ({ file }) => {
          const [h] = hosts as [string];
          const approve = await sandbox.git(
            [
              "-c",
              "credential.helper=",
              "-c",
              `credential.helper=${artifact.helperCommand} --store=file --timeout=0`,
              "credential",
              "approve",
            ],
            { input: wire(cred(h, "alice", "T1")), timeoutMs: GIT_TIMEOUT_MS },
          );
          expect([approve.code, approve.stderr]).toEqual([0, ""]);
          const before = await readFile(storeFile(), "utf8");
          const source = await file(sandbox.home, storeFile());

          const result = await runImport("--delete", "--file", source);
          expect(result.code).toBe(2);
          expect(result.stderr).toContain("is the file store itself; nothing to import");
          expect(await readFile(storeFile(), "utf8")).toBe(before);
          expect(await helperAnswer(req(h).fields)).toBe("alice:T1");
        },
      );
    }
  });
}

for (const artifact of artifacts()) {
  for (const store of STORES) describeSuite(artifact, store);
}
