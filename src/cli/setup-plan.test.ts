import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import {
  binaryHelperCommand,
  describeChange,
  describeUndoStep,
  helperCommand,
  type KeyChange,
  keysToRead,
  ownerRoutedHosts,
  planSetup,
  planUndo,
  setupHosts,
} from "./setup-plan.js";

const GH = "credential.https://github.com.helper";
const GHE = "credential.https://ghe.acme.com.helper";
const GHE_PATH = "credential.https://ghe.acme.com.useHttpPath";

describe("helperCommand", () => {
  it.each([
    {
      name: "is pat when git-credential-pat is on PATH",
      self: ["/opt/x/git-credential-pat"],
      onPath: true,
      want: "pat",
    },
    {
      name: "is the binary's absolute path otherwise",
      self: ["/usr/local/bin/git-credential-pat"],
      onPath: false,
      want: "/usr/local/bin/git-credential-pat",
    },
    {
      name: "runs the Node script with the absolute node",
      self: ["/usr/bin/node", "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs"],
      onPath: false,
      want: "/usr/bin/node /usr/lib/node_modules/git-credential-pat/dist/cli.cjs",
    },
    {
      name: "shell-quotes a script path with a space or a quote",
      self: ["/usr/bin/node", "/home/o'neil/my tools/cli.cjs"],
      onPath: false,
      want: "/usr/bin/node '/home/o'\\''neil/my tools/cli.cjs'",
    },
    {
      name: "uses the ! form when the first word needs quoting (a quote is not an absolute path to git)",
      self: ["/Applications/My Tools/git-credential-pat"],
      onPath: false,
      want: "!'/Applications/My Tools/git-credential-pat'",
    },
  ])("$name", ({ self, onPath, want }) => {
    expect(helperCommand(self, onPath)).toBe(want);
  });
});

describe("binaryHelperCommand", () => {
  it.each([
    {
      name: "is the absolute path as it is on Linux and macOS",
      path: "/usr/lib/node_modules/git-credential-pat/node_modules/@git-credential-pat/linux-x64/bin/git-credential-pat",
      platform: "linux",
      want: "/usr/lib/node_modules/git-credential-pat/node_modules/@git-credential-pat/linux-x64/bin/git-credential-pat",
    },
    {
      name: "turns Windows backslashes into slashes: git for Windows' sh would eat them",
      path: "C:\\npm\\node_modules\\git-credential-pat\\node_modules\\@git-credential-pat\\win32-x64\\bin\\git-credential-pat.exe",
      platform: "win32",
      want: "!C:/npm/node_modules/git-credential-pat/node_modules/@git-credential-pat/win32-x64/bin/git-credential-pat.exe",
    },
    {
      name: "quotes a Windows path with a space",
      path: "C:\\Users\\Jane Doe\\git-credential-pat.exe",
      platform: "win32",
      want: "!'C:/Users/Jane Doe/git-credential-pat.exe'",
    },
  ])("$name", ({ path, platform, want }) => {
    expect(binaryHelperCommand(path, platform)).toBe(want);
  });
});

describe("setupHosts", () => {
  it.each([
    { name: "is github.com alone with no accounts", flags: [], accounts: [], env: {}, want: ["github.com"] },
    {
      name: "adds every account host once, github.com first",
      flags: [],
      accounts: [
        account("ghe.b.com", "x"),
        account("github.com", "y"),
        account("ghe.a.com", "z"),
        account("ghe.b.com", "w"),
      ],
      env: {},
      want: ["github.com", "ghe.a.com", "ghe.b.com"],
    },
    {
      name: "adds GH_HOST when an enterprise token serves it",
      flags: [],
      accounts: [],
      env: { GH_HOST: "https://GHE.acme.com/", GH_ENTERPRISE_TOKEN: "t" },
      want: ["github.com", "ghe.acme.com"],
    },
    {
      name: "ignores GH_HOST without an enterprise token",
      flags: [],
      accounts: [],
      env: { GH_HOST: "ghe.acme.com" },
      want: ["github.com"],
    },
    {
      name: "is only the --host hosts when given",
      flags: ["127.0.0.1:4711", "127.0.0.1:4711"],
      accounts: [account("ghe.acme.com", "x")],
      env: {},
      want: ["127.0.0.1:4711"],
    },
  ])("$name", ({ flags, accounts, env, want }) => {
    expect(setupHosts(flags, accounts, env)).toEqual(want);
  });
});

describe("planSetup", () => {
  const ownerHosts = ownerRoutedHosts([
    account("github.com", "alice"),
    account("ghe.acme.com", "bot", { owners: ["acme"] }),
  ]);
  const hosts = ["github.com", "ghe.acme.com"];

  it("reads the helper of every host and useHttpPath where owners are routed", () => {
    expect(keysToRead(hosts, ownerHosts)).toEqual([GH, GHE, GHE_PATH]);
  });

  it.each([
    {
      name: "resets the helper list, then adds ours, for each host; useHttpPath only where owners are routed",
      current: {},
      want: [
        { key: GH, before: [], after: ["", "pat"] },
        { key: GHE, before: [], after: ["", "pat"] },
        { key: GHE_PATH, before: [], after: ["true"] },
      ],
    },
    {
      name: "changes nothing when every key is already right",
      current: { [GH]: ["", "pat"], [GHE]: ["", "pat"], [GHE_PATH]: ["true"] },
      want: [],
    },
    {
      name: "replaces a host helper someone configured, keeping what it was",
      current: { [GH]: ["manager"], [GHE]: ["", "pat"], [GHE_PATH]: ["yes"] },
      want: [{ key: GH, before: ["manager"], after: ["", "pat"] }],
    },
    {
      name: "adds the reset when only our helper is there",
      current: { [GH]: ["pat"], [GHE]: ["", "pat"], [GHE_PATH]: ["on"] },
      want: [{ key: GH, before: ["pat"], after: ["", "pat"] }],
    },
    {
      name: "turns useHttpPath on when its last value is false",
      current: { [GH]: ["", "pat"], [GHE]: ["", "pat"], [GHE_PATH]: ["true", "false"] },
      want: [{ key: GHE_PATH, before: ["true", "false"], after: ["true"] }],
    },
  ])("$name", ({ current, want }) => {
    const input = { hosts, ownerHosts, helper: "pat", current: new Map(Object.entries(current)) };
    expect(planSetup(input)).toEqual(want);
  });
});

describe("describeChange", () => {
  it.each([
    {
      name: "says why the empty value is there",
      change: { key: GH, before: [], after: ["", "pat"] },
      want: [`set ${GH} = "" (reset the helper list)`, `add ${GH} = "pat"`],
    },
    {
      name: "says what a replaced key held",
      change: { key: GH, before: ["manager"], after: ["", "pat"] },
      want: [`set ${GH} = "" (reset the helper list; was "manager")`, `add ${GH} = "pat"`],
    },
    {
      name: "masks a secret in a replaced helper someone wrote inline",
      change: { key: GH, before: ["!f() { echo password=s3cr3t; }; f"], after: ["", "pat"] },
      want: [
        `set ${GH} = "" (reset the helper list; was "!f() { echo password=***; }; f")`,
        `add ${GH} = "pat"`,
      ],
    },
    {
      name: "explains useHttpPath",
      change: { key: GHE_PATH, before: [], after: ["true"] },
      want: [`set ${GHE_PATH} = "true" (git sends the repository path, for owner routing)`],
    },
  ])("$name", ({ change, want }) => {
    expect(describeChange(change)).toEqual(want);
  });
});

describe("planUndo", () => {
  const ours = (key: string, before: string[] = []): KeyChange => ({ key, before, after: ["", "pat"] });

  it.each([
    {
      name: "puts back every key still holding what setup wrote",
      edits: [{ changes: [ours(GH), ours(GHE, ["manager"])] }],
      current: { [GH]: ["", "pat"], [GHE]: ["", "pat"] },
      want: [
        { kind: "restore", key: GH, values: [] },
        { kind: "restore", key: GHE, values: ["manager"] },
      ],
    },
    {
      name: "leaves alone and reports a key changed after setup",
      edits: [{ changes: [ours(GH), ours(GHE)] }],
      current: { [GH]: ["", "pat", "cache"], [GHE]: ["", "pat"] },
      want: [
        { kind: "conflict", key: GH, now: ["", "pat", "cache"], setupSet: ["", "pat"], before: [] },
        { kind: "restore", key: GHE, values: [] },
      ],
    },
    {
      name: "notices a key someone already put back",
      edits: [{ changes: [ours(GH, ["store"])] }],
      current: { [GH]: ["store"] },
      want: [{ kind: "unchanged", key: GH, values: ["store"] }],
    },
    {
      name: "undoes two setups of one key back to before the first",
      edits: [
        { changes: [{ key: GH, before: ["manager"], after: ["", "/old/git-credential-pat"] }] },
        { changes: [{ key: GH, before: ["", "/old/git-credential-pat"], after: ["", "pat"] }] },
      ],
      current: { [GH]: ["", "pat"] },
      want: [{ kind: "restore", key: GH, values: ["manager"] }],
    },
    {
      name: "keeps an edit made between two setups (the later setup's before)",
      edits: [
        { changes: [{ key: GH, before: [], after: ["", "/old/git-credential-pat"] }] },
        { changes: [{ key: GH, before: ["mine"], after: ["", "pat"] }] },
      ],
      current: { [GH]: ["", "pat"] },
      want: [{ kind: "restore", key: GH, values: ["mine"] }],
    },
    {
      name: "reports a conflict with the value from before the first setup",
      edits: [
        { changes: [{ key: GH, before: ["store"], after: ["", "/old"] }] },
        { changes: [{ key: GH, before: ["", "/old"], after: ["", "pat"] }] },
      ],
      current: { [GH]: ["edited"] },
      want: [{ kind: "conflict", key: GH, now: ["edited"], setupSet: ["", "pat"], before: ["store"] }],
    },
  ])("$name", ({ edits, current, want }) => {
    expect(planUndo(edits, new Map(Object.entries(current)))).toEqual(want);
  });

  it("describes each step in one line", () => {
    expect(
      [
        { kind: "restore" as const, key: GH, values: [] },
        { kind: "restore" as const, key: GH, values: ["store"] },
        { kind: "conflict" as const, key: GH, now: ["x"], setupSet: ["", "pat"], before: [] },
      ].map(describeUndoStep),
    ).toEqual([
      `unset ${GH} (it was not set before setup)`,
      `restored ${GH} = "store"`,
      `could not restore ${GH}: it was changed after setup (now "x"; setup set "", "pat"; before setup: unset); left as it is`,
    ]);
  });
});
