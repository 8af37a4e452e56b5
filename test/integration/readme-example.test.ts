// "README example" (octokit's habit): the commands the README tells people to run, run as written,
// with git-credential-pat on PATH and the real keychain behind it.
import { mkdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { artifacts, clearKeychainHosts, describeKeyring, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const README = join(import.meta.dirname, "..", "..", "README.md");

/** The shell lines of the README's fenced sh blocks that mention `wanted`. */
async function readmeLines(wanted: RegExp): Promise<string[]> {
  const text = await readFile(README, "utf8");
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  return blocks.flatMap((block) => block.split("\n")).filter((line) => wanted.test(line));
}

describeKeyring("README example", () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await createSandbox({
      extraEnv: { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS },
    });
    const bin = join(sandbox.root, "path-bin");
    await mkdir(bin);
    const [binary] = artifacts();
    await symlink(binary?.argv[0] as string, join(bin, "git-credential-pat"));
    sandbox.env.PATH = `${bin}:${sandbox.env.PATH}`;
  });
  afterEach(async () => {
    await clearKeychainHosts(["github.com"], sandbox.env);
    await runCommand(["git-credential-pat", "exit"], { env: sandbox.env });
    await sandbox.cleanup();
  });

  it("configures git and stores a token exactly as the README says, with no prompt after", async () => {
    const setup = await readmeLines(
      /^git config --global (--add )?credential\.https:\/\/github\.com\.helper/,
    );
    const approve = await readmeLines(/git credential approve$/);
    expect(setup).toHaveLength(2);
    expect(approve).toHaveLength(1);
    const script = [...setup, ...approve].map((line) => line.replace(/\s+#.*$/, "")).join("\n");
    const run = await runCommand(["sh", "-euc", script], {
      env: { ...sandbox.env, TOKEN: CANARY.classic },
      cwd: sandbox.root,
    });
    recordOutput("README snippet stderr", run.stderr);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const fill = await sandbox.git(["credential", "fill"], { input: "protocol=https\nhost=github.com\n\n" });
    expect(fill.stdout).toBe(`protocol=https\nhost=github.com\nusername=YOU\npassword=${CANARY.classic}\n`);
    expect(sandbox.askpassLog()).toEqual([]);
    // Only our helper is configured for github.com: git asks nobody else.
    const helpers = await sandbox.git([
      "config",
      "--get-urlmatch",
      "credential.helper",
      "https://github.com",
    ]);
    expect(helpers.stdout.trim()).toBe("pat");
  });
});
