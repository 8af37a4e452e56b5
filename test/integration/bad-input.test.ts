// Each built artifact, run directly (no git), fed input no git would send and stores or settings
// it must not trust. Whatever arrives, the helper answers with nothing on stdout, at most one
// "git-credential-pat:" line (and one "hint:") on stderr, no stack trace, quickly, and it
// never changes the stored bytes. A missing keychain needs no keyring: those tests never skip.
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, type RunResult, runArtifact, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { recordOutput } from "../helpers/canary-guard.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const SEED_HOST = "seed.example";
const SEED_LINE = `https://alice:${CANARY.classic}@${SEED_HOST}\n`;
const TIME_LIMIT_MS = 5_000;

/** Deterministic "random" bytes (xorshift32), so a failure always reproduces. */
function garbage(length: number, seed = 0x9e3779b9): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

function oversizedRequest(): Buffer {
  const pad = `x-pad=${"p".repeat(1000)}\n`;
  // 4 MiB: far past the 1 MiB bound and the 64 KiB pipe buffer, so a helper that stops
  // reading early leaves the writer with EPIPE, which the runner must survive.
  return Buffer.from(
    `protocol=https\nhost=${SEED_HOST}\n${pad.repeat(4 * 1024)}username=alice\npassword=${CANARY.classic2}\n`,
  );
}

/**
 * Each request names the seeded credential, so a helper that wrongly accepted it would
 * print the seed for `get` or overwrite it for `store`.
 */
const BAD_INPUTS: Array<{ name: string; input: Buffer }> = [
  {
    name: 'a line without "="',
    input: Buffer.from(
      `protocol=https\nhost=${SEED_HOST}\nthis line has no equals sign\nusername=alice\npassword=${CANARY.classic2}\n`,
    ),
  },
  {
    name: "a NUL byte",
    input: Buffer.from(`protocol=https\nhost=${SEED_HOST}\nusername=alice\npassword=${CANARY.classic2}\0\n`),
  },
  {
    name: "a lone CR inside host",
    input: Buffer.from(
      `protocol=https\nhost=${SEED_HOST}\rhost=evil.example\nusername=alice\npassword=${CANARY.classic2}\n`,
    ),
  },
  {
    name: "a line over 64 KiB",
    input: Buffer.from(
      `protocol=https\nhost=${SEED_HOST}\nusername=${"a".repeat(70 * 1024)}\npassword=${CANARY.classic2}\n`,
    ),
  },
  { name: "a request over 1 MiB", input: oversizedRequest() },
  { name: "empty input", input: Buffer.alloc(0) },
  { name: "random binary garbage", input: garbage(64 * 1024) },
  {
    name: "a truncated request without a final newline",
    input: Buffer.from(`protocol=https\nhost=${SEED_HOST}\nusername=ali`),
  },
  {
    name: "invalid UTF-8",
    input: Buffer.concat([
      Buffer.from(`protocol=https\nhost=${SEED_HOST}\nusername=alice`),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(`\npassword=${CANARY.classic2}\n`),
    ]),
  },
];

const ACTIONS = ["get", "store", "erase"] as const;

function stderrLines(stderr: string): string[] {
  // dbus-daemon (only in the dbus-run-session tests) may complain about its own fd limit.
  return stderr.split("\n").filter((line) => line !== "" && !line.startsWith("dbus-daemon["));
}

/** At most one "git-credential-pat:" line, then at most one "hint:" line, nothing else. */
function expectTidyStderr(result: RunResult): string[] {
  expect(result.stderr).not.toMatch(/^ {4}at /m);
  const lines = stderrLines(result.stderr);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[0] !== undefined) expect(lines[0]).toMatch(/^git-credential-pat: /);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
  // A message names the problem; it never echoes a megabyte of input back.
  expect(result.stderr.length).toBeLessThan(2_000);
  return lines;
}

function expectBoundedRun(result: RunResult, limitMs: number): void {
  expect(result.timedOut).toBe(false);
  expect(result.durationMs).toBeLessThan(limitMs);
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe.each(artifacts())("$name artifact", (artifact: Artifact) => {
  const limitMs = TIME_LIMIT_MS + artifact.slackMs;
  let sandbox: Sandbox;
  const storeDir = () => join(sandbox.home, ".local/share/git-credential-pat");
  const storeFile = () => join(storeDir(), "credentials");
  const configDir = () => join(sandbox.home, ".config/git-credential-pat");

  async function run(args: string[], input: Uint8Array | string, env = sandbox.env): Promise<RunResult> {
    const result = await runArtifact(artifact, args, { input, env, timeoutMs: 2 * limitMs });
    recordOutput(`${artifact.name} ${args.join(" ")} stderr`, result.stderr);
    return result;
  }

  /**
   * `store` hands the token to the cache daemon before the persistent store refuses it, so a
   * refused store still leaves it cached: stop the daemon after such tests, so the next one
   * starts with an empty cache and really reaches the store.
   */
  async function stopCacheDaemon(): Promise<void> {
    const result = await run(["exit"], "");
    expect(result.code).toBe(0);
  }

  beforeAll(async () => {
    sandbox = await createSandbox();
  });

  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it("says an argument's escape sequences back on one printable line, never to the terminal raw", async () => {
    const result = await run(["login", "--host", "\u001b]0;owned\u0007evil\u009b2J.example"], "");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--host must be a host name, like ghe.acme.com (got "?]0;owned?evil?2j.example")',
    );
    for (const control of ["\u001b", "\u0007", "\u009b"]) expect(result.stderr).not.toContain(control);
  });

  describe("bad requests on stdin (file store)", () => {
    beforeEach(async () => {
      await mkdir(storeDir(), { recursive: true, mode: 0o700 });
      await writeFile(storeFile(), SEED_LINE, { mode: 0o600 });
      await chmod(storeFile(), 0o600);
    });

    it("serves the seeded credential to a good request (the baseline the bad ones are compared with)", async () => {
      const result = await run(["--store=file", "get"], `protocol=https\nhost=${SEED_HOST}\n`);
      expect(result.code).toBe(0);
      expect(result.stdout.toString()).toBe(`username=alice\npassword=${CANARY.classic}\n`);
    });

    describe.each(BAD_INPUTS)("$name", ({ input }) => {
      it.each(ACTIONS)("%s: fails cleanly and leaves the store alone", async (action) => {
        const result = await run(["--store=file", action], input);

        expectBoundedRun(result, limitMs);
        expect([0, 1]).toContain(result.code);
        expect(result.stdout.toString()).toBe("");
        expectTidyStderr(result);
        expect(await readFile(storeFile(), "utf8")).toBe(SEED_LINE);
        expect(await modeOf(storeFile())).toBe(0o600);
      });
    });
  });

  describe("a store file it must not trust", () => {
    afterEach(stopCacheDaemon);

    const request = `protocol=https\nhost=${SEED_HOST}\nusername=alice\npassword=${CANARY.classic2}\n`;

    it.each(ACTIONS)(
      "%s refuses a store file with NUL bytes, names it, leaves it as it was",
      async (action) => {
        const corrupt = Buffer.concat([
          Buffer.from(SEED_LINE),
          Buffer.from([0, 0, 0]),
          Buffer.from("junk\n"),
        ]);
        await mkdir(storeDir(), { recursive: true, mode: 0o700 });
        await writeFile(storeFile(), corrupt, { mode: 0o600 });
        await chmod(storeFile(), 0o600);

        const result = await run(["--store=file", action], request);

        expectBoundedRun(result, limitMs);
        expect(result.code).not.toBe(0);
        expect(result.stdout.toString()).toBe("");
        const [message] = expectTidyStderr(result);
        expect(message).toContain(storeFile());
        expect(await readFile(storeFile())).toEqual(corrupt);
        expect(await modeOf(storeFile())).toBe(0o600);
      },
    );

    it.each(ACTIONS)("%s refuses a store file readable by others and says to chmod 600", async (action) => {
      await mkdir(storeDir(), { recursive: true, mode: 0o700 });
      await writeFile(storeFile(), SEED_LINE);
      await chmod(storeFile(), 0o644);

      const result = await run(["--store=file", action], request);

      expectBoundedRun(result, limitMs);
      expect(result.code).not.toBe(0);
      expect(result.stdout.toString()).toBe("");
      const [message] = expectTidyStderr(result);
      expect(message).toContain(storeFile());
      expect(message).toContain("chmod 600");
      expect(await readFile(storeFile(), "utf8")).toBe(SEED_LINE);
      expect(await modeOf(storeFile())).toBe(0o644);
    });

    it.each(ACTIONS)("%s stops at a config.json that is not JSON, naming the file", async (action) => {
      await mkdir(storeDir(), { recursive: true, mode: 0o700 });
      await writeFile(storeFile(), SEED_LINE, { mode: 0o600 });
      await chmod(storeFile(), 0o600);
      const configFile = join(configDir(), "config.json");
      await mkdir(configDir(), { recursive: true, mode: 0o700 });
      await writeFile(configFile, '{ "store": "file", ', { mode: 0o600 });
      await chmod(configFile, 0o600);
      try {
        const result = await run(["--store=file", action], request);

        expectBoundedRun(result, limitMs);
        expect(result.code).not.toBe(0);
        expect(result.stdout.toString()).toBe("");
        const [message] = expectTidyStderr(result);
        expect(message).toContain(configFile);
        expect(await readFile(storeFile(), "utf8")).toBe(SEED_LINE);
      } finally {
        await writeFile(configFile, "{}\n");
      }
    });
  });

  describe("the default keychain store with no Secret Service", () => {
    const getRequest = `protocol=https\nhost=${SEED_HOST}\n`;
    const storeRequest = `protocol=https\nhost=${SEED_HOST}\nusername=alice\npassword=${CANARY.classic2}\n`;

    afterEach(stopCacheDaemon);

    function expectHeadlessAdvice(result: RunResult): void {
      expectBoundedRun(result, limitMs);
      expect(result.stdout.toString()).toBe("");
      const lines = expectTidyStderr(result);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines[0]).toContain("--store=memory");
      expect(lines[0]).toContain("--store=file");
    }

    function envWithout(bus: string | undefined): Record<string, string> {
      const env = { ...sandbox.env };
      delete env.DBUS_SESSION_BUS_ADDRESS;
      if (bus !== undefined) env.DBUS_SESSION_BUS_ADDRESS = bus;
      return env;
    }

    const NO_BUS = [
      { name: "DBUS_SESSION_BUS_ADDRESS unset", bus: () => undefined },
      { name: "a bus address whose socket does not exist", bus: () => "unix:path=/nonexistent/gcp-test-bus" },
    ];

    it.each(NO_BUS)("get with $name prints nothing and names the other stores", async ({ bus }) => {
      const result = await run(["get"], getRequest, envWithout(bus()));
      expect([0, 5]).toContain(result.code);
      expectHeadlessAdvice(result);
    });

    it.each(NO_BUS)("store with $name exits 5 and names the other stores", async ({ bus }) => {
      const result = await run(["store"], storeRequest, envWithout(bus()));
      expect(result.code).toBe(5);
      expectHeadlessAdvice(result);
    });

    /**
     * A fresh session bus without a Secret Service. The bus config lists no service
     * directories: with the system's default session config, D-Bus activation would start
     * gnome-keyring (when installed) and this would no longer be a bus without a keyring.
     */
    async function underBareBus(args: string[], input: string): Promise<RunResult> {
      const config = join(sandbox.root, "bare-bus.conf");
      await writeFile(
        config,
        `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${sandbox.root}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
      );
      const result = await runCommand(
        ["dbus-run-session", `--config-file=${config}`, "--", ...artifact.argv, ...args],
        { input, env: envWithout(undefined), timeoutMs: 2 * limitMs },
      );
      recordOutput(`dbus-run-session ${artifact.name} ${args.join(" ")} stderr`, result.stderr);
      return result;
    }

    it("get on a session bus with no keyring prints nothing and names the other stores", async () => {
      const result = await underBareBus(["get"], getRequest);
      expect([0, 5]).toContain(result.code);
      expectHeadlessAdvice(result);
    });

    it("store on a session bus with no keyring exits 5 and names the other stores", async () => {
      const result = await underBareBus(["store"], storeRequest);
      expect(result.code).toBe(5);
      expectHeadlessAdvice(result);
    });

    // The keyring's D-Bus handshake blocks the event loop here, so the keychain watchdog
    // (platform/keyring-watchdog.ts) ends the run with its message and SIGKILL (status 137).
    it.each(ACTIONS)("%s gives up within seconds on a bus socket that never answers", async (action) => {
      const socketPath = join(sandbox.root, "silent-bus.sock");
      const peers = new Set<Socket>();
      const silent = createServer((peer) => void peers.add(peer));
      await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
      try {
        const result = await runArtifact(artifact, [action], {
          input: storeRequest,
          env: envWithout(`unix:path=${socketPath}`),
          timeoutMs: limitMs + 1_000,
        });
        recordOutput(`${artifact.name} ${action} (silent bus) stderr`, result.stderr);

        expectBoundedRun(result, limitMs);
        expect([5, 137]).toContain(result.code);
        expect(result.stderr).toContain("the keychain did not answer within");
        expect(result.stdout.toString()).toBe("");
        expectTidyStderr(result);
      } finally {
        for (const peer of peers) peer.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });
  });
});
