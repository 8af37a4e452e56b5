// GIT_CREDENTIAL_PAT_API_TIMEOUT_MS with both artifacts against a fake API that hangs: the command
// ends about when the setting says, with the one line that names the setting, and the exit code
// of any API timeout (login 1, verify 4). The default (10 s) is faults-github-api.test.ts's.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Artifact, artifacts, runArtifact } from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { type FakeGithubApi, startFakeGithubApi } from "../helpers/fake-github-api.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const TIMEOUT_MS = 1500;
/** Start-up of the slower artifact and the process's exit, on a busy machine. */
const SLACK_MS = 3000;

describe.each(artifacts())(
  "GIT_CREDENTIAL_PAT_API_TIMEOUT_MS with the $name artifact",
  (artifact: Artifact) => {
    let sandbox: Sandbox;
    let api: FakeGithubApi;
    let HOST: string;

    beforeEach(async () => {
      HOST = `timeout-${Math.random().toString(36).slice(2, 10)}.example`;
      sandbox = await createSandbox();
      sandbox.env.GIT_CREDENTIAL_PAT_STORE = "file";
      api = await startFakeGithubApi();
      api.tokens.set(CANARY.classic, { login: "alice", scopes: ["repo"] });
    });
    afterEach(async () => {
      await api.close();
      await sandbox.cleanup();
    });

    const run = (args: string[], input = "") =>
      runArtifact(artifact, args, {
        input,
        env: { ...sandbox.env, GIT_CREDENTIAL_PAT_API_TIMEOUT_MS: String(TIMEOUT_MS) },
        timeoutMs: 20_000,
      });
    const login = () =>
      run(["login", "--with-token", "--host", HOST, "--api-url", api.ghesUrl], `${CANARY.classic}\n`);
    const message = () =>
      `git-credential-pat: ${api.ghesUrl} did not answer within 1.5 s; set GIT_CREDENTIAL_PAT_API_TIMEOUT_MS to wait longer`;

    it("login gives up after the set time: exit 1, one line naming the setting, nothing stored", async () => {
      api.setMode("hang");
      const result = await login();
      expect(result.code).toBe(1);
      expect(result.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expect(result.stderr.split("\n")[0]).toBe(message());
      expect(api.requests).toHaveLength(1);
      const list = await run(["list", "--json"]);
      expect(JSON.parse(list.stdout.toString())).toEqual([]);
    });

    it("verify gives up after the set time and reports the account as failed: exit 4", async () => {
      expect((await login()).code).toBe(0);
      api.setMode("hang-body");
      const result = await run(["verify"]);
      expect(result.code).toBe(4);
      expect(result.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(result.durationMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      expect(result.stdout.toString()).toContain(
        `FAIL alice@${HOST}: ${message().replace("git-credential-pat: ", "")}`,
      );
    });
  },
);
