// A keyring that is there but locked (a desktop session not unlocked yet, a headless login):
// the helper must answer within a few seconds with the unlock advice, never hang git.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Artifact, artifacts, runCommand } from "../helpers/artifacts.js";
import { recordOutput } from "../helpers/canary-guard.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "locked-keyring.sh");
const hasGnomeKeyring =
  spawnSync("sh", ["-c", "command -v gnome-keyring-daemon && command -v dbus-run-session"]).status === 0;

describe.each(artifacts())("a locked keyring with the $name artifact", (artifact: Artifact) => {
  // Needs no outer keyring: the fixture starts its own bus and daemon. Only a machine without
  // gnome-keyring skips, and with CI=true that is a failure (npm test installs it).
  it.skipIf(!hasGnomeKeyring && process.env.CI !== "true").each([
    { action: "get", input: "protocol=https\nhost=locked.example\n\n" },
    {
      action: "store",
      input: "protocol=https\nhost=locked.example\nusername=a\npassword=another-token-0001\n\n",
    },
  ])("$action ends at once with the unlock advice and exit 5", async ({ action, input }) => {
    expect(hasGnomeKeyring, "gnome-keyring-daemon and dbus-run-session are installed").toBe(true);
    const result = await runCommand(["dbus-run-session", "--", "bash", FIXTURE, action, ...artifact.argv], {
      input,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      timeoutMs: 20_000,
    });
    recordOutput("locked keyring stderr", result.stderr);
    const lines = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("git-credential-pat:") || line.startsWith("hint:"));
    expect(result.stdout.toString()).toBe("");
    expect(result.code).toBe(5);
    expect(lines[0]).toMatch(
      /^git-credential-pat: the keychain is locked; unlock it .*--store=memory.*--store=file/,
    );
    expect(result.stderr).not.toContain("locked-fixture-token");
  });
});
