import { describe, expect, it } from "vitest";
import { isRunnable, pathCandidates } from "./path-lookup.js";

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
