// Many git processes at once: 50 real `git credential approve` started together must all land,
// for every store, with no lock file left behind (git's lockfile protocol for the file store,
// the Secret Service for the keychain, the daemon for memory).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Artifact,
  artifacts,
  clearKeychainHosts,
  describeKeyring,
  keychainAccounts,
  runArtifact,
  uniqueHost,
} from "../helpers/artifacts.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const PROCESSES = 50;
const [binary] = artifacts() as [Artifact];

type Store = "file" | "keychain" | "memory";

function suite(store: Store): void {
  const describeFor = store === "keychain" ? describeKeyring : describe;
  describeFor(`${PROCESSES} concurrent git credential approve, ${store} store`, () => {
    let sandbox: Sandbox;
    let host: string;

    beforeEach(async () => {
      const bus =
        store === "keychain" ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {};
      sandbox = await createSandbox({ extraEnv: bus });
      host = uniqueHost();
    });
    afterEach(async () => {
      if (store === "keychain") await clearKeychainHosts([host], sandbox.env);
      await runArtifact(binary, ["exit"], { env: sandbox.env });
      await sandbox.cleanup();
    });

    it("loses no credential and leaves no lock behind", async () => {
      const helper = `${binary.helperCommand} --store=${store}`;
      const users = Array.from({ length: PROCESSES }, (_, i) => `user${i}`);
      const results = await Promise.all(
        users.map((user) =>
          sandbox.git(
            ["-c", "credential.helper=", "-c", `credential.helper=${helper}`, "credential", "approve"],
            {
              input: `protocol=https\nhost=${host}\nusername=${user}\npassword=token-${user}-0001\n\n`,
              timeoutMs: 60_000,
            },
          ),
        ),
      );
      for (const result of results) recordOutput("approve stderr", result.stderr);
      expect(results.map((result) => result.code)).toEqual(users.map(() => 0));
      expect(results.map((result) => result.stderr).join("")).toBe("");

      // Every user's own token comes back.
      const answers = await Promise.all(
        users.map((user) =>
          runArtifact(binary, [`--store=${store}`, "get"], {
            input: `protocol=https\nhost=${host}\nusername=${user}\n\n`,
            env: sandbox.env,
          }),
        ),
      );
      expect(answers.map((answer) => /^password=(.*)$/m.exec(answer.stdout.toString())?.[1])).toEqual(
        users.map((user) => `token-${user}-0001`),
      );

      if (store === "file") {
        const file = join(sandbox.home, ".local/share/git-credential-pat/credentials");
        expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(PROCESSES);
        expect(existsSync(`${file}.lock`)).toBe(false);
      }
      if (store === "keychain") {
        const mine = (await keychainAccounts(sandbox.env)).filter((account) => account.includes(`@${host}`));
        expect(mine).toHaveLength(PROCESSES);
      }
    }, 120_000);
  });
}

for (const store of ["file", "keychain", "memory"] as const) suite(store);
