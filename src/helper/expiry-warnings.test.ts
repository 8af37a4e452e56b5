import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { claimDailyWarning, warningsFilePath } from "./expiry-warnings.js";

const HOUR_MS = 60 * 60 * 1000;
const DIR = "/home/user/.local/state/git-credential-pat";
const FILE = `${DIR}/warnings.json`;

describe("claimDailyWarning", () => {
  it("keeps its state in $XDG_STATE_HOME/git-credential-pat", () => {
    expect(warningsFilePath(makeTestDeps().paths)).toBe(FILE);
  });

  it("warns once a day per token: not again after 23 hours, again after 25", async () => {
    const deps = makeTestDeps();
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(false);
    deps.clock.advance(23 * HOUR_MS);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(false);
    deps.clock.advance(2 * HOUR_MS);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(false);
  });

  it("counts each token on its own", async () => {
    const deps = makeTestDeps();
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
    expect(await claimDailyWarning("bbbb2222", deps)).toBe(true);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(false);
  });

  it("writes a private file in a private directory, holding fingerprints and times only", async () => {
    const deps = makeTestDeps();
    await claimDailyWarning("aaaa1111", deps);
    expect(deps.vol.statSync(DIR).mode & 0o777).toBe(0o700);
    expect(deps.vol.statSync(FILE).mode & 0o777).toBe(0o600);
    expect(JSON.parse(String(deps.vol.readFileSync(FILE, "utf8")))).toEqual({
      version: 1,
      lastWarnedAtMs: { aaaa1111: deps.clock.now() },
    });
  });

  it("forgets warnings older than a day", async () => {
    const deps = makeTestDeps();
    await claimDailyWarning("aaaa1111", deps);
    deps.clock.advance(25 * HOUR_MS);
    await claimDailyWarning("bbbb2222", deps);
    expect(Object.keys(JSON.parse(String(deps.vol.readFileSync(FILE, "utf8"))).lastWarnedAtMs)).toEqual([
      "bbbb2222",
    ]);
  });

  it("does not let a time in the future (a clock set back) silence a warning", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(
      FILE,
      JSON.stringify({ version: 1, lastWarnedAtMs: { aaaa1111: deps.clock.now() + HOUR_MS } }),
      {
        mode: 0o600,
      },
    );
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
  });

  it.each([
    { name: "not JSON", content: "{oops" },
    { name: "the wrong shape", content: '{"lastWarnedAtMs":[1]}' },
    { name: "bad entries", content: '{"lastWarnedAtMs":{"aaaa1111":"yesterday","../x":1}}' },
  ])("treats a state file that is $name as empty and repairs it", async ({ content }) => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync(FILE, content, { mode: 0o600 });
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(false);
  });

  it.each([
    {
      name: "the state directory is open to others",
      prepare: (deps: ReturnType<typeof makeTestDeps>) =>
        deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o755 }),
    },
    {
      name: "the state path is a file",
      prepare: (deps: ReturnType<typeof makeTestDeps>) => {
        deps.vol.mkdirSync("/home/user/.local/state", { recursive: true });
        deps.vol.writeFileSync(DIR, "");
      },
    },
    {
      name: "another process holds the lock",
      prepare: (deps: ReturnType<typeof makeTestDeps>) => {
        deps.vol.mkdirSync(DIR, { recursive: true, mode: 0o700 });
        deps.vol.writeFileSync(`${FILE}.lock`, "", { mode: 0o600 });
      },
    },
    {
      name: "the disk refuses writes",
      prepare: (deps: ReturnType<typeof makeTestDeps>) => {
        deps.fs.open = async () => {
          throw Object.assign(new Error("read-only file system"), { code: "EROFS" });
        };
      },
    },
  ])("warns, and throws nothing, when $name", async ({ prepare }) => {
    const deps = makeTestDeps();
    prepare(deps);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
    expect(await claimDailyWarning("aaaa1111", deps)).toBe(true);
  });
});
