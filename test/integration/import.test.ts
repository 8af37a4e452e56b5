// `import` for real: a ~/.git-credentials written by git's own credential-store, moved into the
// Secret Service by each artifact, with --delete removing exactly the moved lines.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  artifacts,
  clearKeychainHosts,
  describeKeyring,
  keychainAccounts,
  runArtifact,
  uniqueHost,
} from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

for (const artifact of artifacts()) {
  describeKeyring(`import with the ${artifact.name} artifact`, () => {
    let sandbox: Sandbox;
    let hosts: string[];
    const file = () => join(sandbox.home, ".git-credentials");
    const gitStore = (host: string, user: string, token: string, protocol = "https") =>
      sandbox.git(["credential-store", "store"], {
        input: `protocol=${protocol}\nhost=${host}\nusername=${user}\npassword=${token}\n\n`,
      });

    beforeEach(async () => {
      sandbox = await createSandbox({
        extraEnv: { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS },
      });
      hosts = [uniqueHost(), uniqueHost()];
    });
    afterEach(async () => {
      await clearKeychainHosts(hosts, sandbox.env);
      await sandbox.cleanup();
    });

    it("moves git credential-store's entries into the keychain and --delete removes only those lines", async () => {
      const [a, b] = hosts as [string, string];
      await gitStore(a, "alice", CANARY.classic);
      await gitStore(b, "bob", CANARY.fineGrained);
      await gitStore("insecure.example", "carol", CANARY.plain, "http");
      expect((await stat(file())).mode & 0o777).toBe(0o600);

      const result = await runArtifact(artifact, ["import", "--delete"], { env: sandbox.env });
      recordOutput("import stdout", result.stdout.toString());
      recordOutput("import stderr", result.stderr);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toContain(`imported https://${a} (alice) into keychain`);
      expect(result.stdout.toString()).toContain("skipped  http://insecure.example (carol): not https");

      const accounts = (await keychainAccounts(sandbox.env)).filter((account) =>
        hosts.some((h) => account.endsWith(`@${h}`)),
      );
      expect(accounts.sort()).toEqual([`https://alice@${a}`, `https://bob@${b}`].sort());
      expect(await readFile(file(), "utf8")).toBe(`http://carol:${CANARY.plain}@insecure.example\n`);

      // And git gets the moved token from the keychain.
      const fill = await sandbox.git(
        [
          "-c",
          "credential.helper=",
          "-c",
          `credential.helper=${artifact.helperCommand} --timeout=0`,
          "credential",
          "fill",
        ],
        { input: `protocol=https\nhost=${a}\n\n` },
      );
      expect(fill.stdout).toContain(`password=${CANARY.classic}\n`);
    });
  });
}
