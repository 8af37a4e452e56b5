// SIGTERM, SIGHUP or SIGINT while a `store` holds the file store's lock (git's lockfile
// protocol, credentials.lock). A killed writer used to leave the lock behind, and every later
// store and erase then waited 5 s and failed. The helper is held inside the locked section
// deterministically, without any hook in the product: strace delays the return of its fsync of
// the lock file (the new content is written, the rename not done yet), and the signal is sent
// then. Afterwards: no lock, the file is the old or the new one, and git's next approve and fill
// work at once. Both artifacts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact, uniqueHost } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const hasStrace = spawnSync("strace", ["-V"]).status === 0;
/** How long strace holds the helper right after its fsync of the lock file. */
const HOLD_MS = 1500;
const SIGNALS = ["SIGTERM", "SIGHUP", "SIGINT"] as const;
const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs `argv` (a process group of its own) with `input`; resolves when it exits. */
function start(argv: string[], input: string, env: Record<string, string>) {
  const [file, ...args] = argv;
  const child = spawn(file as string, args, { env, stdio: "pipe", detached: true });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.resume();
  child.stdin.on("error", () => {});
  child.stdin.end(input);
  const killer = setTimeout(() => process.kill(-(child.pid as number), "SIGKILL"), 20_000);
  const exited = new Promise<Exit>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      recordOutput("strace'd helper stderr", stderr);
      resolve({ code, signal, stderr });
    }),
  );
  return { pid: child.pid as number, exited };
}

async function eventually<T>(
  look: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await look();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(artifacts())(
  "a signal during a locked file-store write, $name artifact",
  (artifact: Artifact) => {
    let sandbox: Sandbox;
    let host: string;
    let file: string;
    const approve = (user: string, token: string) =>
      `protocol=https\nhost=${host}\nusername=${user}\npassword=${token}\n\n`;
    const gitCredential = (action: string, input: string) =>
      sandbox.git(
        [
          "-c",
          "credential.helper=",
          "-c",
          `credential.helper=${artifact.helperCommand} --store=file --timeout=0`,
          "credential",
          action,
        ],
        { input, timeoutMs: 15_000 },
      );

    beforeEach(async () => {
      sandbox = await createSandbox();
      host = uniqueHost();
      file = join(sandbox.home, ".local/share/git-credential-pat/credentials");
    });
    afterEach(async () => {
      await sandbox.cleanup();
    });

    it.skipIf(!hasStrace && process.env.CI !== "true").each(SIGNALS)(
      "%s: no credentials.lock is left, the file is old or new, the next approve and fill work at once",
      async (signal) => {
        expect(hasStrace, "strace is installed").toBe(true);
        const seeded = await runArtifact(artifact, ["--store=file", "--timeout=0", "store"], {
          input: approve("alice", CANARY.classic),
          env: sandbox.env,
        });
        expect(seeded.code).toBe(0);
        const old = await readFile(file, "utf8");
        const lock = `${file}.lock`;

        const strace = start(
          [
            "strace",
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=fsync",
            "-e",
            `inject=fsync:delay_exit=${HOLD_MS * 1000}`,
            ...artifact.argv,
            "--store=file",
            "--timeout=0",
            "store",
          ],
          approve("bob", CANARY.classic2),
          sandbox.env,
        );
        // The lock holds the new content: the helper is in (or right at) its fsync, held there.
        const written = await eventually(async () => {
          const text = await readFile(lock, "utf8").catch(() => "");
          return text.includes(`https://bob:${CANARY.classic2}@${host}`) ? text : undefined;
        });
        const helperPid = await eventually(() => {
          const out = spawnSync("pgrep", ["-P", String(strace.pid)], { encoding: "utf8" }).stdout.trim();
          return out === "" ? undefined : Number(out.split("\n")[0]);
        });
        const sentAt = performance.now();
        process.kill(helperPid, signal);
        const exit = await strace.exited;
        const tookMs = performance.now() - sentAt;

        // strace ends the way its tracee ended: by the signal, once strace lets it go on.
        expect([exit.code, exit.signal]).toEqual(
          exit.signal === null ? [128 + SIGNAL_NUMBERS[signal], null] : [null, signal],
        );
        expect(tookMs, "ended promptly once strace let it go on").toBeLessThan(HOLD_MS + 1500);
        expect(existsSync(lock), "no credentials.lock left behind").toBe(false);
        expect([old, written]).toContain(await readFile(file, "utf8"));

        const startedAt = performance.now();
        const approved = await gitCredential("approve", approve("carol", CANARY.fineGrained));
        expect([approved.code, approved.stderr]).toEqual([0, ""]);
        const fill = await gitCredential("fill", `protocol=https\nhost=${host}\nusername=carol\n\n`);
        expect(fill.stdout).toContain(`password=${CANARY.fineGrained}\n`);
        expect(performance.now() - startedAt, "approve and fill did not wait for a lock").toBeLessThan(2000);
        expect(await readFile(file, "utf8")).toContain(`https://carol:${CANARY.fineGrained}@${host}\n`);
      },
    );
  },
);
