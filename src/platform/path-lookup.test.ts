import { describe, expect, it } from "vitest";
import { isRunnable, pathCandidates, programPath } from "./path-lookup.js";

describe("pathCandidates", () => {
  it.each([
    {
      name: "linux: ':'-separated, relative and empty entries skipped",
      platform: "linux",
      path: "relative/bin::/usr/bin:/opt/tools/bin/",
      want: ["/usr/bin/git-credential-pat", "/opt/tools/bin/git-credential-pat"],
    },
    {
      name: "darwin: the same as Linux",
      platform: "darwin",
      path: "/opt/homebrew/bin:/usr/bin",
      want: ["/opt/homebrew/bin/git-credential-pat", "/usr/bin/git-credential-pat"],
    },
    {
      name: "win32: ';'-separated, NAME.exe before NAME (Git for Windows' lookup_prog)",
      platform: "win32",
      path: "C:\\Program Files\\Git\\cmd;C:\\Users\\a\\AppData\\Roaming\\npm\\",
      want: [
        "C:\\Program Files\\Git\\cmd/git-credential-pat.exe",
        "C:\\Program Files\\Git\\cmd/git-credential-pat",
        "C:\\Users\\a\\AppData\\Roaming\\npm/git-credential-pat.exe",
        "C:\\Users\\a\\AppData\\Roaming\\npm/git-credential-pat",
      ],
    },
    {
      name: "win32: a quoted entry is unquoted; relative, drive-relative and empty ones skipped",
      platform: "win32",
      path: '"D:\\tools";bin;C:bin;;\\bin',
      want: ["D:\\tools/git-credential-pat.exe", "D:\\tools/git-credential-pat"],
    },
    {
      name: "win32: ':' does not split (it is part of the drive)",
      platform: "win32",
      path: "C:/bin",
      want: ["C:/bin/git-credential-pat.exe", "C:/bin/git-credential-pat"],
    },
    { name: "no PATH: nothing", platform: "linux", path: undefined, want: [] },
  ])("$name", ({ platform, path, want }) => {
    expect(pathCandidates("git-credential-pat", path, platform)).toEqual(want);
  });
});

describe("isRunnable", () => {
  const file = (mode: number) => ({ isFile: () => true, mode });
  const dir = { isFile: () => false, mode: 0o755 };
  it.each([
    { platform: "linux", stats: file(0o755), want: true },
    { platform: "linux", stats: file(0o644), want: false },
    { platform: "darwin", stats: file(0o700), want: true },
    { platform: "darwin", stats: file(0o600), want: false },
    // NTFS has no x bit; stat reports 0666.
    { platform: "win32", stats: file(0o666), want: true },
    { platform: "win32", stats: dir, want: false },
    { platform: "linux", stats: dir, want: false },
  ])("$platform: mode $stats.mode → $want", ({ platform, stats, want }) => {
    expect(isRunnable(stats, platform)).toBe(want);
  });
});

describe("programPath", () => {
  const files = new Set(["C:\\Program Files\\Git\\cmd/git.exe", "D:\\bin/firefox.exe"]);
  const isFile = (path: string) => files.has(path);
  const PATH = "C:\\Program Files\\Git\\cmd;D:\\bin";
  it.each([
    { name: "linux: a bare name is execvp's to find", platform: "linux", file: "git", want: "git" },
    { name: "darwin: the same", platform: "darwin", file: "open", want: "open" },
    {
      name: "win32: a bare name is found in PATH as NAME.exe",
      platform: "win32",
      file: "git",
      want: "C:\\Program Files\\Git\\cmd/git.exe",
    },
    {
      name: "win32: NAME.exe is found the same way",
      platform: "win32",
      file: "firefox.exe",
      want: "D:\\bin/firefox.exe",
    },
    // Windows and libuv would look in the working directory (a repository) first: never that.
    {
      name: "win32: a name PATH does not have is not found",
      platform: "win32",
      file: "icacls",
      want: undefined,
    },
    {
      name: "win32: a path is left as it is",
      platform: "win32",
      file: "C:\\Windows\\System32\\icacls.exe",
      want: "C:\\Windows\\System32\\icacls.exe",
    },
  ])("$name", ({ platform, file, want }) => {
    expect(programPath(file, PATH, platform, isFile)).toBe(want);
  });
});
