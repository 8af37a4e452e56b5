// git reads the answer of a `get` from the helper's stdout. When that write fails (git went away:
// EPIPE; stdout redirected to a full disk: ENOSPC), the helper says so in one line and exits 1,
// instead of exiting 0 as if git had its answer. Both artifacts, with the real file store.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runCommand } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const HOST = "seed.example";
const REQUEST = `protocol=https\nhost=${HOST}\n\n`;

/** bash scripts that run the helper ("$@") with stdout going nowhere, and exit with its status. */
const SINKS = [
  {
    name: "a reader that is gone (EPIPE)",
    code: "EPIPE",
    script: '"$@" | (exec 0<&-; sleep 0.5); exit $((PIPESTATUS[0]))',
  },
  { name: "a full disk (ENOSPC)", code: "ENOSPC", script: 'exec "$@" >/dev/full' },
];

describe.each(artifacts())("$name artifact", (artifact: Artifact) => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await createSandbox();
    const dir = join(sandbox.home, ".local/share/git-credential-pat");
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, "credentials");
    await writeFile(file, `https://alice:${CANARY.classic}@${HOST}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  });

  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it.each(SINKS)(
    "get whose answer cannot be written to $name: one line, exit 1",
    async ({ code, script }) => {
      const result = await runCommand(
        ["bash", "-c", script, "bash", ...artifact.argv, "--store=file", "--timeout=0", "get"],
        { input: REQUEST, env: sandbox.env, timeoutMs: 10_000 },
      );
      expect(result.timedOut).toBe(false);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`git-credential-pat: could not write to standard output (${code})\n`);
    },
  );
});
