// The real `git credential fill|approve|reject` (git's own credential machinery) driving each built
// artifact, for the file store and the keychain store. Every test uses hosts of its own, so keychain
// runs in parallel test files never see each other's items, and everything created is erased.
import { randomInt } from "node:crypto";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import {
  type Artifact,
  accountHost,
  artifacts,
  clearKeychainHosts,
  describeStore,
  keychainAccounts,
  runArtifact,
  STORES,
  type StoreKind,
  storeEnv,
  uniqueHost,
} from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type GitResult, type Sandbox } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 15_000;

type Fields = Record<string, string>;

function wire(fields: Fields): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value}\n`)
    .join("");
}

function parseWire(text: string): Fields {
  const fields: Fields = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

/** 127.0.0.1 with a random port (nothing connects to it): a slot (almost surely) no other test uses. */
function uniqueLoopbackHost(): string {
  return `127.0.0.1:${randomInt(1024, 65536)}`;
}

function describeSuite(artifact: Artifact, store: StoreKind): void {
  describeStore(store)(`git credential → ${artifact.name} artifact, ${store} store`, () => {
    let sandbox: Sandbox;
    let hosts: string[] = [];

    const helperConfig = () => [
      "-c",
      "credential.helper=",
      "-c",
      `credential.helper=${artifact.helperCommand} --store=${store}`,
    ];
    const storeDir = () => join(sandbox.home, ".local/share/git-credential-pat");
    const storeFile = () => join(storeDir(), "credentials");

    /** A fresh host for this test, erased from the keychain after it. */
    function newHost(kind: "name" | "loopback" = "name"): string {
      const host = kind === "name" ? uniqueHost() : uniqueLoopbackHost();
      hosts.push(host);
      return host;
    }

    async function credential(action: string, fields: Fields, config: string[] = []): Promise<GitResult> {
      const result = await sandbox.git([...helperConfig(), ...config, "credential", action], {
        input: wire(fields),
        timeoutMs: GIT_TIMEOUT_MS,
      });
      recordOutput(`git credential ${action} stderr`, result.stderr);
      return result;
    }

    async function approve(fields: Fields, config: string[] = []): Promise<void> {
      const result = await credential("approve", fields, config);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }

    async function reject(fields: Fields, config: string[] = []): Promise<void> {
      const result = await credential("reject", fields, config);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }

    /** `git credential fill` that must be answered by the helper alone: no prompt. */
    async function fill(fields: Fields, config: string[] = []): Promise<Fields> {
      const prompts = sandbox.askpassLog().length;
      const result = await credential("fill", fields, config);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(sandbox.askpassLog().slice(prompts)).toEqual([]);
      return parseWire(result.stdout);
    }

    /** `git credential fill` the helper cannot answer: git falls back to the (failing) askpass. */
    async function fillFindsNothing(fields: Fields, config: string[] = []): Promise<void> {
      const prompts = sandbox.askpassLog().length;
      const result = await credential("fill", fields, config);
      expect(result.code).not.toBe(0);
      expect(result.stdout).not.toContain("password=");
      expect(sandbox.askpassLog().length).toBeGreaterThan(prompts);
    }

    /** The stored slots (account URLs, no password) for `host`, from the store itself. */
    async function slotsFor(host: string): Promise<string[]> {
      let accounts: string[];
      if (store === "keychain") {
        accounts = await keychainAccounts(sandbox.env);
      } else {
        const content = await readFile(storeFile(), "utf8").catch(() => "");
        accounts = content
          .split("\n")
          .filter((line) => line !== "")
          .map((line) => line.replace(/^([a-z]+:\/\/[^:@/]*)(?::[^@/]*)?@/, "$1@"));
      }
      return accounts.filter((account) => accountHost(account) === host).sort();
    }

    beforeAll(async () => {
      sandbox = await createSandbox({ extraEnv: storeEnv(store) });
    });

    afterEach(async () => {
      if (store === "keychain") {
        await clearKeychainHosts(hosts, sandbox.env);
      } else {
        await rm(storeDir(), { recursive: true, force: true });
      }
      hosts = [];
    });

    afterAll(async () => {
      await sandbox?.cleanup();
    });

    it("approve then fill returns the token without prompting", async () => {
      const host = newHost();
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });

      const answer = await fill({ protocol: "https", host });

      expect(answer).toMatchObject({ username: "alice", password: CANARY.classic });
      expect(await slotsFor(host)).toEqual([`https://alice@${host}`]);
      // The store alone (cache off, as after a reboot) serves it too.
      const storeOnly = [
        "-c",
        "credential.helper=",
        "-c",
        `credential.helper=${artifact.helperCommand} --store=${store} --timeout=0`,
      ];
      expect(await fill({ protocol: "https", host }, storeOnly)).toMatchObject({
        username: "alice",
        password: CANARY.classic,
      });
    });

    it("keeps two usernames on one host apart", async () => {
      const host = newHost();
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });
      await approve({ protocol: "https", host, username: "bob", password: CANARY.fineGrained });

      expect(await fill({ protocol: "https", host, username: "alice" })).toMatchObject({
        username: "alice",
        password: CANARY.classic,
      });
      expect(await fill({ protocol: "https", host, username: "bob" })).toMatchObject({
        username: "bob",
        password: CANARY.fineGrained,
      });
      expect(await slotsFor(host)).toEqual([`https://alice@${host}`, `https://bob@${host}`]);
    });

    it("approving the same slot again replaces the token", async () => {
      const host = newHost();
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic2 });

      expect(await fill({ protocol: "https", host })).toMatchObject({
        username: "alice",
        password: CANARY.classic2,
      });
      expect(await slotsFor(host)).toEqual([`https://alice@${host}`]);
      if (store === "file") expect(await readFile(storeFile(), "utf8")).not.toContain(CANARY.classic);
    });

    it("reject with a different password leaves the stored token", async () => {
      const host = newHost();
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic2 });

      await reject({ protocol: "https", host, username: "alice", password: CANARY.classic });

      expect(await fill({ protocol: "https", host })).toMatchObject({ password: CANARY.classic2 });
      expect(await slotsFor(host)).toEqual([`https://alice@${host}`]);
    });

    it("reject with the matching password removes the token", async () => {
      const host = newHost();
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });

      await reject({ protocol: "https", host, username: "alice", password: CANARY.classic });

      expect(await slotsFor(host)).toEqual([]);
      await fillFindsNothing({ protocol: "https", host });
    });

    it("reject without a username removes every account on that host, and only there", async () => {
      const host = newHost();
      const other = newHost();
      await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });
      await approve({ protocol: "https", host, username: "bob", password: CANARY.classic2 });
      await approve({ protocol: "https", host: other, username: "alice", password: CANARY.fineGrained });

      await reject({ protocol: "https", host });

      expect(await slotsFor(host)).toEqual([]);
      expect(await slotsFor(other)).toEqual([`https://alice@${other}`]);
      expect(await fill({ protocol: "https", host: other })).toMatchObject({ password: CANARY.fineGrained });
    });

    it("credential.useHttpPath=true keeps repositories on one host apart", async () => {
      const host = newHost();
      const usePath = ["-c", "credential.useHttpPath=true"];
      await approve(
        { url: `https://${host}/acme/one.git`, username: "alice", password: CANARY.classic },
        usePath,
      );
      await approve(
        { url: `https://${host}/acme/two.git`, username: "alice", password: CANARY.classic2 },
        usePath,
      );

      expect(await fill({ url: `https://${host}/acme/one.git` }, usePath)).toMatchObject({
        username: "alice",
        password: CANARY.classic,
      });
      expect(await fill({ url: `https://${host}/acme/two.git` }, usePath)).toMatchObject({
        username: "alice",
        password: CANARY.classic2,
      });
      expect(await slotsFor(host)).toEqual([
        `https://alice@${host}/acme/one.git`,
        `https://alice@${host}/acme/two.git`,
      ]);

      await reject({ url: `https://${host}/acme/one.git`, username: "alice" }, usePath);
      expect(await slotsFor(host)).toEqual([`https://alice@${host}/acme/two.git`]);
    });

    it("stores a token for plain http to a loopback address", async () => {
      const host = newHost("loopback");
      await approve({ protocol: "http", host, username: "alice", password: CANARY.classic });

      expect(await fill({ protocol: "http", host })).toMatchObject({
        username: "alice",
        password: CANARY.classic,
      });
      expect(await slotsFor(host)).toEqual([`http://alice@${host}`]);
    });

    it("does not store a token for plain http to a real host name, and says so on stderr", async () => {
      const host = newHost();

      const result = await credential("approve", {
        protocol: "http",
        host,
        username: "alice",
        password: CANARY.classic,
      });

      expect(result.code).toBe(0);
      const lines = result.stderr.split("\n").filter((line) => line !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^git-credential-pat: /);
      expect(lines[0]).toContain(`http://${host}`);
      expect(await slotsFor(host)).toEqual([]);
      await fillFindsNothing({ protocol: "http", host });
    });

    it.each([
      { name: "with .git", path: "acme/app.git" },
      { name: "without .git", path: "acme/app" },
    ])("protocol=ssh ($name) gets no credential and one line naming the https remote", async ({ path }) => {
      const host = newHost();
      const result = await runArtifact(artifact, [`--store=${store}`, "get"], {
        input: wire({ protocol: "ssh", host, path }),
        env: sandbox.env,
      });
      recordOutput("ssh get stderr", result.stderr);

      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe("");
      const lines = result.stderr.split("\n").filter((line) => line !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^git-credential-pat: /);
      expect(lines[0]).toContain(`git remote set-url origin https://${host}/acme/app.git`);
    });

    it("ignores an unknown action silently", async () => {
      const host = newHost();
      const result = await runArtifact(artifact, [`--store=${store}`, "frobnicate"], {
        input: wire({ protocol: "https", host, username: "alice", password: CANARY.classic }),
        env: sandbox.env,
      });
      recordOutput("unknown action stderr", result.stderr);

      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout.toString()).toBe("");
      expect(await slotsFor(host)).toEqual([]);
    });

    if (store === "file") {
      it("writes a git-credential-store file, 0600 in a 0700 directory", async () => {
        const host = newHost();
        await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });

        expect((await stat(storeDir())).mode & 0o777).toBe(0o700);
        expect((await stat(storeFile())).mode & 0o777).toBe(0o600);
        expect(await readFile(storeFile(), "utf8")).toBe(`https://alice:${CANARY.classic}@${host}\n`);
      });

      it("git credential-store reads what the helper wrote", async () => {
        const host = newHost();
        const password = "p:a@s%s/w?d#x y+z";
        await approve({ protocol: "https", host, username: "alice@example.com", password });
        await approve({ protocol: "https", host, username: "bob", password: CANARY.classic });

        const result = await sandbox.git(["credential-store", "--file", storeFile(), "get"], {
          input: wire({ protocol: "https", host, username: "alice@example.com" }),
          timeoutMs: GIT_TIMEOUT_MS,
        });

        expect(result.code).toBe(0);
        expect(parseWire(result.stdout)).toEqual({ username: "alice@example.com", password });
      });

      it("serves what git credential-store wrote", async () => {
        const host = newHost();
        const other = newHost();
        await approve({ protocol: "https", host: other, username: "carol", password: CANARY.classic2 });
        const password = "q:%w@ ~/x";
        const written = await sandbox.git(["credential-store", "--file", storeFile(), "store"], {
          input: wire({ protocol: "https", host, username: "bob@example.com", password }),
          timeoutMs: GIT_TIMEOUT_MS,
        });
        expect(written.code).toBe(0);

        expect(await fill({ protocol: "https", host })).toMatchObject({
          username: "bob@example.com",
          password,
        });
        expect(await fill({ protocol: "https", host: other })).toMatchObject({ password: CANARY.classic2 });
        expect((await stat(storeFile())).mode & 0o777).toBe(0o600);

        await reject({ protocol: "https", host, username: "bob@example.com", password });
        const after = await sandbox.git(["credential-store", "--file", storeFile(), "get"], {
          input: wire({ protocol: "https", host }),
          timeoutMs: GIT_TIMEOUT_MS,
        });
        expect(after.stdout).toBe("");
        expect(await readFile(storeFile(), "utf8")).toBe(`https://carol:${CANARY.classic2}@${other}\n`);
      });
    }

    if (store === "keychain") {
      it("approve creates one keychain item named by the credential URL; reject removes it", async () => {
        const host = newHost();
        await approve({ protocol: "https", host, username: "alice", password: CANARY.classic });
        await approve({ url: `https://${host}/acme/app.git`, username: "alice", password: CANARY.classic2 }, [
          "-c",
          "credential.useHttpPath=true",
        ]);

        const accounts = (await keychainAccounts(sandbox.env)).filter((a) => accountHost(a) === host);
        expect(accounts.sort()).toEqual([`https://alice@${host}`, `https://alice@${host}/acme/app.git`]);

        await reject({ protocol: "https", host, username: "alice" });

        expect((await keychainAccounts(sandbox.env)).filter((a) => accountHost(a) === host)).toEqual([]);
      });
    }
  });
}

for (const artifact of artifacts()) {
  for (const store of STORES) describeSuite(artifact, store);
}
