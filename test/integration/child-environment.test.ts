// Every process the helper starts gets an allow-listed environment and an argv without a token,
// even when the helper's own environment carries GH_TOKEN, GITHUB_TOKEN, GH_ENTERPRISE_TOKEN
// and GITHUB_ENTERPRISE_TOKEN (/proc/PID/environ is readable by the same user, /proc/PID/cmdline
// by everyone). Audited with strace, which records the argv and the environment of every
// execve the helper and its children make: that is exactly what /proc/PID/cmdline and
// /proc/PID/environ show, and it also catches the children that live for a millisecond (the
// keychain watchdog's /bin/sh and its sleep, git runs), which /proc would only show by luck.
// Keychain get and store (the watchdog), a memory store (the cache daemon), doctor and setup
// (git), for both artifacts.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import {
  type Artifact,
  artifacts,
  clearKeychainHosts,
  describeKeyring,
  runArtifact,
  storeEnv,
  uniqueHost,
} from "../helpers/artifacts.js";
import { CANARY, findCanaries, maskCanaries } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const hasStrace = spawnSync("strace", ["-V"]).status === 0;
const TOKEN_ENV = {
  GH_TOKEN: CANARY.classic,
  GITHUB_TOKEN: CANARY.classic2,
  GH_ENTERPRISE_TOKEN: CANARY.fineGrained,
  GITHUB_ENTERPRISE_TOKEN: CANARY.plain,
  GH_HOST: "ghe.children.example",
};

interface Exec {
  pid: number;
  /** The execve line as strace printed it: path, argv and environment. */
  line: string;
}

/** The execve calls in an strace -f log, the traced command's own first. */
function execs(log: string): Exec[] {
  return log.split("\n").flatMap((line) => {
    const match = /^(\d+)\s+execve\(/.exec(line);
    return match ? [{ pid: Number(match[1]), line }] : [];
  });
}

describeKeyring("no token reaches a child's argv or environment", () => {
  it.skipIf(!hasStrace && process.env.CI !== "true").each(artifacts())(
    "$name artifact",
    async (artifact: Artifact) => {
      expect(hasStrace, "strace is installed").toBe(true);
      const sandbox: Sandbox = await createSandbox({ extraEnv: storeEnv("keychain") });
      const traceDir = await mkdtemp(join(tmpdir(), "gcp-children-"));
      const host = uniqueHost();
      const socket = join(sandbox.root, "sock", "socket");
      const env = { ...sandbox.env, ...TOKEN_ENV };
      /** Runs the artifact under strace; returns every execve of its children. */
      const traced = async (name: string, args: string[], input = "", whileRunning?: () => Promise<void>) => {
        const trace = join(traceDir, name);
        const child = spawn(
          "strace",
          ["-f", "-qq", "-v", "-s", "100000", "-e", "trace=execve", "-o", trace, ...artifact.argv, ...args],
          { env, stdio: ["pipe", "pipe", "pipe"], detached: true, cwd: sandbox.root },
        );
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk;
        });
        child.stdout.resume();
        child.stdin.end(input);
        const killer = setTimeout(() => process.kill(-(child.pid as number), "SIGKILL"), 30_000);
        const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
        await whileRunning?.();
        await closed;
        clearTimeout(killer);
        recordOutput(`strace ${name} stderr`, stderr);
        const all = execs(await readFile(trace, "utf8"));
        const self = all[0]?.pid;
        return all.filter((exec) => exec.pid !== self);
      };
      const report = (children: Exec[]) => children.map((exec) => maskCanaries(exec.line).slice(0, 200));

      try {
        const store = await traced(
          "keychain-store",
          ["--timeout=0", "store"],
          `protocol=https\nhost=${host}\nusername=alice\npassword=${CANARY.classic}\n\n`,
        );
        const get = await traced("keychain-get", ["--timeout=0", "get"], `protocol=https\nhost=${host}\n\n`);
        // The cache daemon is detached but still traced: strace ends when it does, after `exit`.
        const daemon = await traced(
          "memory-store",
          [`--socket=${socket}`, "--store=memory", "store"],
          `protocol=https\nhost=${host}\nusername=bob\npassword=${CANARY.classic2}\n\n`,
          async () => {
            const deadline = Date.now() + 10_000;
            while (spawnSync("pgrep", ["-f", `cache-daemon ${socket}`]).status !== 0) {
              if (Date.now() > deadline) throw new Error("the cache daemon did not start");
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            await runArtifact(artifact, [`--socket=${socket}`, "exit"], { env: sandbox.env });
          },
        );
        const doctor = await traced("doctor", ["doctor"]);
        const setup = await traced("setup", ["setup", "--host", host]);

        // Each run really started the children the audit is about.
        const watchdog = (children: Exec[]) =>
          children.some((exec) => exec.line.includes("keyring-watchdog"));
        expect(watchdog(store), report(store).join("\n")).toBe(true);
        // (A get starts one only where the listing comes after a blocking check: Node always,
        // bun when the keychain holds nothing of ours.)
        if (artifact.name === "node") expect(watchdog(get), report(get).join("\n")).toBe(true);
        expect(daemon.some((exec) => exec.line.includes("cache-daemon"))).toBe(true);
        expect(doctor.some((exec) => /execve\("[^"]*\/git"/.test(exec.line))).toBe(true);
        expect(setup.some((exec) => /execve\("[^"]*\/git"/.test(exec.line))).toBe(true);

        for (const [name, children] of Object.entries({ store, get, daemon, doctor, setup })) {
          const leaks = children.filter((exec) => findCanaries(exec.line).length > 0);
          expect(report(leaks), `${name}: children with a token in their argv or environment`).toEqual([]);
          // Not even the names: a child has no business knowing a token variable was set.
          const named = children.filter((exec) => /"(GH|GITHUB)_(ENTERPRISE_)?TOKEN=/.test(exec.line));
          expect(report(named), `${name}: children given a token variable`).toEqual([]);
        }
      } finally {
        await clearKeychainHosts([host], sandbox.env);
        await rm(traceDir, { recursive: true, force: true });
        await sandbox.cleanup();
      }
    },
    // strace slows every process down, Node's start-up most.
    120_000,
  );
});
