// The keychain going away in the middle of a helper call: gnome-keyring killed, the session bus
// killed, or the daemon frozen for good. The helper answers within a few seconds with the
// headless message (the other stores named) and exit 5, never hanging git. The fixture starts
// its own bus and keyring (a locked keyring is keyring-locked.test.ts).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Artifact, artifacts, runCommand } from "../helpers/artifacts.js";
import { recordOutput } from "../helpers/canary-guard.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "vanishing-keyring.sh");
const hasGnomeKeyring =
  spawnSync("sh", ["-c", "command -v gnome-keyring-daemon && command -v dbus-run-session"]).status === 0;
const HEADLESS = /^git-credential-pat: no Secret Service is available .*"--store=memory" .*"--store=file"/;

describe.each(artifacts())(
  "the keychain vanishing mid-call with the $name artifact",
  (artifact: Artifact) => {
    it.skipIf(!hasGnomeKeyring && process.env.CI !== "true").each([
      { mode: "keyring-killed", action: "get", message: HEADLESS, maxMs: 3000 },
      { mode: "keyring-killed", action: "store", message: HEADLESS, maxMs: 3000 },
      { mode: "bus-gone", action: "get", message: HEADLESS, maxMs: 3000 },
      { mode: "bus-gone", action: "store", message: HEADLESS, maxMs: 3000 },
      // The keyring timeout (3 s) ends a call nobody answers.
      { mode: "frozen", action: "get", message: /^git-credential-pat: .*--store=memory/, maxMs: 6000 },
    ])(
      "$mode during $action: exit 5 with the headless message, bounded",
      async ({ mode, action, message, maxMs }) => {
        expect(hasGnomeKeyring, "gnome-keyring-daemon and dbus-run-session are installed").toBe(true);
        const result = await runCommand(
          ["dbus-run-session", "--", "bash", FIXTURE, mode, action, ...artifact.argv],
          {
            env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
            timeoutMs: 30_000,
          },
        );
        recordOutput("vanishing keyring stderr", result.stderr);
        const lines = result.stderr.split("\n").filter((line) => line.startsWith("git-credential-pat:"));
        const elapsedMs = Number(/elapsed_ms=(\d+)/.exec(result.stderr)?.[1]);
        expect(result.stdout.toString()).toBe("");
        expect(result.code).toBe(5);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(message);
        expect(elapsedMs).toBeLessThan(maxMs);
        expect(result.stderr).not.toContain("vanishing-fixture-token");
      },
    );
  },
);
