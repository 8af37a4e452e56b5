// The helpers git installs ship configured system-wide: Git for Windows puts
// credential.helper=manager in its system gitconfig, macOS git (Xcode, Homebrew) osxkeychain.
// With the real git, a system file holding one (GIT_CONFIG_SYSTEM) and a fake of that helper on
// PATH that writes down every call: after setup, git asks only us for a set-up host, doctor
// names the system helper for a host not set up, and --undo leaves the system file as it was.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const GIT_TIMEOUT_MS = 20_000;

const SYSTEM_HELPERS = [
  { name: "manager", platform: "Git for Windows" },
  { name: "osxkeychain", platform: "macOS git" },
] as const;

/** Records the action of each call (never its input: git would hand it the token), answers nothing. */
const FAKE_HELPER = `#!/bin/sh
printf '%s\\n' "$1" >> "$(dirname "$0")/../system-helper.log"
cat > /dev/null
exit 0
`;

describe.each(artifacts())(
  "a system-wide credential helper with the $name artifact",
  (artifact: Artifact) => {
    describe.each(SYSTEM_HELPERS)("credential.helper=$name ($platform)", ({ name }) => {
      let sandbox: Sandbox;
      let systemFile: string;
      const SYSTEM_CONFIG = `[credential]\n\thelper = ${name}\n[core]\n\tautocrlf = input\n`;

      beforeEach(async () => {
        sandbox = await createSandbox();
        const fakeBin = join(sandbox.root, "system-bin");
        await mkdir(fakeBin);
        await writeFile(join(fakeBin, `git-credential-${name}`), FAKE_HELPER, { mode: 0o755 });
        await writeFile(join(sandbox.root, "system-helper.log"), "");
        systemFile = join(sandbox.root, "etc-gitconfig");
        await writeFile(systemFile, SYSTEM_CONFIG);
        delete sandbox.env.GIT_CONFIG_NOSYSTEM;
        sandbox.env.GIT_CONFIG_SYSTEM = systemFile;
        sandbox.env.PATH = `${fakeBin}:${sandbox.env.PATH ?? ""}`;
        // Tokens in the file store (git hands its environment to the helpers it runs): no keyring here.
        sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
      });
      afterEach(async () => {
        await runArtifact(artifact, ["exit"], { env: sandbox.env });
        await sandbox.cleanup();
      });

      const run = async (args: string[]) => {
        const result = await runCommand([...artifact.argv, ...args], { env: sandbox.env, timeoutMs: 20_000 });
        return { code: result.code, stdout: result.stdout.toString(), stderr: result.stderr };
      };
      const git = (args: string[], input?: string) =>
        sandbox.git(args, { timeoutMs: GIT_TIMEOUT_MS, ...(input === undefined ? {} : { input }) });
      const systemCalls = async () =>
        (await readFile(join(sandbox.root, "system-helper.log"), "utf8")).split("\n").filter(Boolean);

      it("is asked before setup: the fake stands for it", async () => {
        await git(["credential", "fill"], "protocol=https\nhost=github.com\n\n");
        expect(await systemCalls()).toEqual(["get"]);
      });

      it("after setup, git asks only git-credential-pat for a set-up host: to keep, to answer, to forget", async () => {
        const setup = await run(["setup"]);
        expect(setup.stderr).toBe("");
        expect(setup.code).toBe(0);

        const approve = await git(
          ["credential", "approve"],
          `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n\n`,
        );
        expect(approve.code).toBe(0);
        const filled = await git(["credential", "fill"], "protocol=https\nhost=github.com\n\n");
        expect(filled.code).toBe(0);
        expect(filled.stdout).toContain(`password=${CANARY.classic}\n`);
        const reject = await git(
          ["credential", "reject"],
          `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n\n`,
        );
        expect(reject.code).toBe(0);
        // Nothing to answer now: git moves on to its prompt (refused here), still not to the system helper.
        expect((await git(["credential", "fill"], "protocol=https\nhost=github.com\n\n")).code).not.toBe(0);

        expect(await systemCalls()).toEqual([]);
        // The system helper still serves every other host, as before.
        await git(["credential", "fill"], "protocol=https\nhost=gitlab.example\n\n");
        expect(await systemCalls()).toEqual(["get"]);
      });

      it("doctor names the system helper for a host not set up, and says setup's per-host reset handles it", async () => {
        const doctor = await run(["doctor"]);
        expect(doctor.stdout).toContain(
          `git does not ask git-credential-pat for https://github.com (it asks "${name}"); "${name}" comes from the system config (system, ${systemFile}), which setup leaves as it is: setup's empty credential.https://github.com.helper resets the list for this host, so git stops asking it`,
        );
        expect(await run(["setup"])).toMatchObject({ code: 0 });
        const after = await run(["doctor"]);
        expect(after.stdout).toMatch(/git asks only git-credential-pat for https:\/\/github\.com/);
        expect(after.stdout).not.toContain(`"${name}"`);
      });

      it("setup --undo puts the global config back and never touches the system file", async () => {
        const globalFile = sandbox.env.GIT_CONFIG_GLOBAL as string;
        const globalBefore = await readFile(globalFile, "utf8");
        expect(await run(["setup"])).toMatchObject({ code: 0 });
        expect(await readFile(systemFile, "utf8")).toBe(SYSTEM_CONFIG);
        const undo = await run(["setup", "--undo"]);
        expect(undo).toMatchObject({ code: 0, stderr: "" });
        expect(await readFile(globalFile, "utf8")).toBe(globalBefore);
        expect(await readFile(systemFile, "utf8")).toBe(SYSTEM_CONFIG);
        await git(["credential", "fill"], "protocol=https\nhost=github.com\n\n");
        expect(await systemCalls()).toEqual(["get"]);
      });
    });
  },
);
