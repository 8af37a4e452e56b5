import { describe, expect, it } from "vitest";
import {
  apiTimeoutMs,
  checkUserPath,
  configDir,
  DEFAULTS,
  expiryWarningDays,
  type Paths,
  pickEnv,
  positiveInt,
  TOKEN_ENV,
  userPath,
} from "./settings.js";

describe("apiTimeoutMs", () => {
  it.each([
    { name: "unset keeps the default (10 s)", value: undefined, want: 10_000 },
    { name: "a whole number of milliseconds is used", value: "2500", want: 2500 },
    { name: "a long wait for a slow GHES link is used", value: "120000", want: 120_000 },
    { name: "0 would fail every request at once: the default", value: "0", want: DEFAULTS.apiTimeoutMs },
    { name: "a unit is not understood: the default", value: "30s", want: DEFAULTS.apiTimeoutMs },
    { name: "a negative number: the default", value: "-5", want: DEFAULTS.apiTimeoutMs },
    { name: "an empty value: the default", value: "", want: DEFAULTS.apiTimeoutMs },
    {
      name: "beyond what a timer can wait is capped, not fired at once",
      value: "99999999999",
      want: 2 ** 31 - 1,
    },
  ])("$name", ({ value, want }) => {
    expect(apiTimeoutMs({ GIT_CREDENTIAL_PAT_API_TIMEOUT_MS: value })).toBe(want);
  });
});

describe("positiveInt", () => {
  it.each([
    { name: "unset keeps the fallback", value: undefined, want: 5000 },
    { name: "a whole number above 0 is used", value: "250", want: 250 },
    { name: "0 is no positive number: the fallback", value: "0", want: 5000 },
    { name: "00 is 0 too: the fallback", value: "00", want: 5000 },
    { name: "a negative number: the fallback", value: "-1", want: 5000 },
    { name: "a fraction: the fallback", value: "1.5", want: 5000 },
  ])("$name", ({ value, want }) => {
    expect(positiveInt(value, 5000)).toBe(want);
  });
});

describe("expiryWarningDays", () => {
  it.each([
    { name: "unset keeps the default (7 days)", value: undefined, want: 7 },
    { name: "a number of days is used", value: "30", want: 30 },
    { name: "0 turns the warning off, as documented", value: "0", want: 0 },
    { name: "anything but digits: the default", value: "soon", want: DEFAULTS.expiryWarningDays },
  ])("$name", ({ value, want }) => {
    expect(expiryWarningDays({ GIT_CREDENTIAL_PAT_EXPIRY_WARNING_DAYS: value })).toBe(want);
  });
});

describe("checkUserPath", () => {
  const home = "/home/alice";
  const paths = { home, pathStyle: "posix" } as const;
  it.each([
    { name: "an absolute path is kept", value: "/srv/creds", want: "/srv/creds" },
    { name: "an absolute path is normalised", value: "/srv//x/../creds/", want: "/srv/creds" },
    {
      name: "~/ is the home directory, as git reads it",
      value: "~/.git-credentials",
      want: "/home/alice/.git-credentials",
    },
    { name: "a bare ~ is the home directory", value: "~", want: "/home/alice" },
    { name: "~/ alone is the home directory", value: "~/", want: "/home/alice" },
  ])("$name", ({ value, want }) => {
    expect(checkUserPath(value, "GIT_CREDENTIAL_PAT_FILE", paths)).toEqual({ kind: "ok", path: want });
  });

  it.each([
    {
      name: "a relative path would land in git's working directory: refused",
      value: "creds",
      problem: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("creds")',
      fix: "use an absolute path or one starting with ~/",
    },
    {
      name: "./ is relative too",
      value: "./creds",
      problem: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("./creds")',
      fix: "use an absolute path or one starting with ~/",
    },
    {
      name: "~user/ is not supported",
      value: "~bob/creds",
      problem: `GIT_CREDENTIAL_PAT_FILE names another user's home directory ("~bob/creds"), which is not supported`,
      fix: "use an absolute path",
    },
    {
      name: "a value with control characters is quoted, not printed raw",
      value: "a\u001b[2Jb",
      problem: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("a\\u001b[2Jb")',
      fix: "use an absolute path or one starting with ~/",
    },
  ])("$name", ({ value, problem, fix }) => {
    expect(checkUserPath(value, "GIT_CREDENTIAL_PAT_FILE", paths)).toEqual({ kind: "refused", problem, fix });
  });

  it("~/ with a HOME that is not absolute is refused", () => {
    expect(checkUserPath("~/x", "--socket", { home: "relative-home", pathStyle: "posix" })).toMatchObject({
      kind: "refused",
      fix: "set HOME, or use an absolute path",
    });
  });

  it.each([
    { name: "a drive path is absolute on Windows", value: "D:\\creds\\pat", want: "D:/creds/pat" },
    { name: "a drive path with forward slashes too", value: "d:/creds/", want: "D:/creds" },
    { name: "a UNC share is absolute", value: "\\\\nas\\home\\creds", want: "//nas/home/creds" },
    {
      name: "~/ is under the home directory",
      value: "~/.git-credentials",
      want: "C:/Users/alice/.git-credentials",
    },
    {
      name: "~\\ is under it too (git's is_dir_sep)",
      value: "~\\pat\\creds",
      want: "C:/Users/alice/pat/creds",
    },
  ])("on Windows: $name", ({ value, want }) => {
    const paths = { home: "C:/Users/alice", pathStyle: "win32" } as const;
    expect(checkUserPath(value, "GIT_CREDENTIAL_PAT_FILE", paths)).toEqual({ kind: "ok", path: want });
  });

  it.each([
    { name: "a drive-relative path (C:x) depends on git's directory on that drive", value: "C:creds" },
    { name: "a path from the current drive's root depends on where git runs", value: "/srv/creds" },
    { name: "a relative path with backslashes", value: "pat\\creds" },
  ])("on Windows: $name, refused", ({ value }) => {
    const paths = { home: "C:/Users/alice", pathStyle: "win32" } as const;
    expect(checkUserPath(value, "GIT_CREDENTIAL_PAT_FILE", paths)).toEqual({
      kind: "refused",
      problem: `GIT_CREDENTIAL_PAT_FILE is a relative path (${JSON.stringify(value)})`,
      fix: "use an absolute path with a drive (C:/…) or one starting with ~/",
    });
  });

  it("a drive path is relative on Linux and macOS: refused", () => {
    expect(checkUserPath("C:/creds", "GIT_CREDENTIAL_PAT_FILE", paths)).toMatchObject({ kind: "refused" });
  });

  it("userPath throws one line: a UsageError (exit 2) for a flag, else exit 1", () => {
    const message = '--socket is a relative path ("s"); use an absolute path or one starting with ~/';
    expect(() => userPath("s", "--socket", paths, { isFlag: true })).toThrow(
      expect.objectContaining({ message, exitCode: 2, hint: undefined }),
    );
    expect(() => userPath("s", "--socket", paths)).toThrow(expect.objectContaining({ message, exitCode: 1 }));
  });

  it("GIT_CREDENTIAL_PAT_CONFIG_DIR follows the same rule", () => {
    const paths = { pathStyle: "posix", home, xdgConfigHome: `${home}/.config` } as Paths;
    expect(configDir({ GIT_CREDENTIAL_PAT_CONFIG_DIR: "~/pat" }, paths)).toBe("/home/alice/pat");
    expect(configDir({ GIT_CREDENTIAL_PAT_CONFIG_DIR: "" }, paths)).toBe(
      "/home/alice/.config/git-credential-pat",
    );
    expect(() => configDir({ GIT_CREDENTIAL_PAT_CONFIG_DIR: "pat" }, paths)).toThrow(
      'GIT_CREDENTIAL_PAT_CONFIG_DIR is a relative path ("pat"); use an absolute path or one starting with ~/',
    );
  });
});

describe("pickEnv", () => {
  const env = {
    PATH: "/usr/bin",
    HOME: "/home/user",
    GH_TOKEN: "t1",
    GITHUB_TOKEN: "t2",
    GH_ENTERPRISE_TOKEN: "t3",
    GITHUB_ENTERPRISE_TOKEN: "t4",
    gh_token: "t5",
  };
  it.each([
    {
      name: "passes on the listed variables that are set",
      names: ["PATH", "HOME", "LANG"],
      want: { PATH: "/usr/bin", HOME: "/home/user" },
    },
    { name: "passes on nothing that is not listed", names: [], want: {} },
    {
      name: "never passes on a token variable, even when listed",
      names: ["PATH", ...TOKEN_ENV],
      want: { PATH: "/usr/bin" },
    },
    { name: "never passes on a token variable spelled in lower case", names: ["gh_token"], want: {} },
  ])("$name", ({ names, want }) => {
    expect(pickEnv(env, names)).toEqual(want);
  });
});
