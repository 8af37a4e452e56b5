// applyDoctorFixes over scripted git results and memfs: what runs, in which order, what it
// reports, and that a config file is edited only where a token sits (byte for byte elsewhere).
import { describe, expect, it } from "vitest";
import { CANARY } from "../../../test/helpers/canary.js";
import { makeTestDeps } from "../../../test/helpers/test-deps.js";
import type { SpawnResult } from "../../platform/deps.js";
import type { Finding, FixAction } from "./finding.js";
import { applyDoctorFixes } from "./fix.js";

const GLOBAL = "/home/user/.gitconfig";
const exit = (code: number, stderr = ""): SpawnResult => ({ code, stdout: "", stderr });

const ONLY_IF = ["config", "--file", "/work/app/.git/config", "--get-all", "remote.origin.url", "PATTERN"];
const ARGS = [
  "config",
  "--file",
  "/work/app/.git/config",
  "--replace-all",
  "remote.origin.url",
  "NEW",
  "PATTERN",
];
const REPLACE: FixAction = { kind: "git", args: ARGS, onlyIf: ONLY_IF };
const finding = (fix: string, action: FixAction): Finding => ({
  area: "remotes",
  status: "fail",
  message: "m",
  fix,
  action,
});

describe("applyDoctorFixes: git commands", () => {
  it.each([
    {
      name: "replaces a value after checking it is still there",
      results: [exit(0), exit(0)],
      wantArgs: [ONLY_IF, ARGS],
      want: { status: "ok", message: "ran: git remote set-url origin NEW" },
    },
    {
      name: "does nothing when the value is gone (git config --replace-all would add it)",
      results: [exit(1)],
      wantArgs: [ONLY_IF],
      want: {
        status: "ok",
        message: "nothing to do: git remote set-url origin NEW (the value is no longer there)",
      },
    },
    {
      name: "reports git's first error line when the change fails",
      results: [exit(0), exit(255, "error: could not lock config file /work/app/.git/config: File exists\n")],
      wantArgs: [ONLY_IF, ARGS],
      want: {
        status: "fail",
        message:
          "git remote set-url origin NEW failed: error: could not lock config file /work/app/.git/config: File exists",
      },
    },
  ])("$name", async ({ results, wantArgs, want }) => {
    const deps = makeTestDeps({ spawnResults: results });
    const done = await applyDoctorFixes([finding("git remote set-url origin NEW", REPLACE)], deps);
    expect(done).toEqual([{ area: "fixes", ...want }]);
    expect(deps.spawnCalls.map((call) => call.args)).toEqual(wantArgs);
  });

  it("runs a fix two findings share once", async () => {
    const deps = makeTestDeps({ spawnResults: [exit(0), exit(0)] });
    const same = finding("git remote set-url origin NEW", REPLACE);
    expect(await applyDoctorFixes([same, same], deps)).toHaveLength(1);
    expect(deps.spawnCalls).toHaveLength(2);
  });
});

describe("applyDoctorFixes: sections named by a token", () => {
  const section = (token: string) =>
    `[url "https://${token}@github.com/"]\n\tinsteadOf = https://github.com/\n`;
  const REMOVE: FixAction = { kind: "remove-token-url-sections", file: GLOBAL };
  const FIX = `delete the [url "https://***@github.com/"] section from ${GLOBAL}`;

  it.each([
    {
      name: "deletes every section whose name holds a token, and nothing else",
      before: `[user]\n\tname = A\n${section(CANARY.classic)}[url "git@gitlab.com:"]\n\tinsteadOf = https://gitlab.com/\n${section(CANARY.hex40)}# end\n`,
      after: '[user]\n\tname = A\n[url "git@gitlab.com:"]\n\tinsteadOf = https://gitlab.com/\n# end\n',
      want: { status: "ok", message: `ran: ${FIX}` },
    },
    {
      name: "deletes a section named by a password",
      before: `[url "https://alice:${CANARY.plain}@ghe.acme.com/"]\n\tpushInsteadOf = https://ghe.acme.com/\n[core]\n`,
      after: "[core]\n",
      want: { status: "ok", message: `ran: ${FIX}` },
    },
    {
      name: "leaves a login-only section and says there was nothing to do",
      before: '[url "https://alice@github.com/"]\n\tinsteadOf = https://github.com/\n',
      after: '[url "https://alice@github.com/"]\n\tinsteadOf = https://github.com/\n',
      want: { status: "ok", message: `nothing to do: ${FIX} (no such section is left)` },
    },
  ])("$name", async ({ before, after, want }) => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync(GLOBAL, before, { mode: 0o640 });
    const done = await applyDoctorFixes([finding(FIX, REMOVE)], deps);
    expect(done).toEqual([{ area: "fixes", ...want }]);
    expect(deps.vol.readFileSync(GLOBAL, "utf8")).toBe(after);
    expect(deps.vol.statSync(GLOBAL).mode & 0o777).toBe(0o640);
    expect(deps.vol.existsSync(`${GLOBAL}.lock`)).toBe(false);
    expect(deps.spawnCalls).toEqual([]);
  });

  it.each([
    {
      name: "refuses a file it cannot read safely, leaving it as it was",
      setup: (deps: ReturnType<typeof makeTestDeps>) =>
        deps.vol.writeFileSync(
          GLOBAL,
          '[core] [url "https://ghp_notacanary0000000000000000000000000000@h/"]\n',
        ),
      message: `${FIX} failed: cannot edit ${GLOBAL} safely (the section shares a line with something else); delete the section by hand`,
    },
    {
      name: "refuses a symlinked config",
      setup: (deps: ReturnType<typeof makeTestDeps>) => {
        deps.vol.writeFileSync("/home/user/dotfiles.gitconfig", "[core]\n");
        deps.vol.symlinkSync("/home/user/dotfiles.gitconfig", GLOBAL);
      },
      message: `${FIX} failed: ${GLOBAL} is not a regular file (a symlink?)`,
    },
  ])("$name", async ({ setup, message }) => {
    const deps = makeTestDeps();
    setup(deps);
    const before = deps.vol.toJSON();
    expect(await applyDoctorFixes([finding(FIX, REMOVE)], deps)).toEqual([
      { area: "fixes", status: "fail", message },
    ]);
    expect(deps.vol.toJSON()).toEqual(before);
  });
});
