import { posix, win32 } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dirnamePath,
  isAbsolutePath,
  joinPath,
  normalizeAbsolutePath,
  normalizePath,
  pathStyleOf,
  resolvePath,
} from "./posix-path.js";

// Paths made of the characters that matter to the algorithms, so edge cases come up often.
const pathText = fc.stringMatching(/^[/.ab]{0,12}$/);
const absoluteDir = fc.stringMatching(/^\/[/.ab]{0,8}$/).map((dir) => posix.resolve(dir));

describe("posix-path agrees with node:path (posix)", () => {
  it("normalizePath", () => {
    fc.assert(
      fc.property(pathText, (path) => normalizePath(path) === posix.normalize(path)),
      {
        numRuns: 5000,
      },
    );
  });

  it("joinPath", () => {
    fc.assert(
      fc.property(
        fc.array(pathText, { maxLength: 4 }),
        (parts) => joinPath(...parts) === posix.join(...parts),
      ),
      { numRuns: 5000 },
    );
  });

  it("dirnamePath", () => {
    fc.assert(
      fc.property(pathText, (path) => dirnamePath(path) === posix.dirname(path)),
      {
        numRuns: 5000,
      },
    );
  });

  it("resolvePath", () => {
    fc.assert(
      fc.property(pathText, absoluteDir, (path, cwd) => resolvePath(path, cwd) === posix.resolve(cwd, path)),
      { numRuns: 5000 },
    );
  });

  it("handles the paths the helper builds", () => {
    expect(joinPath("/home/me/.config", "git-credential-pat", "config.json")).toBe(
      "/home/me/.config/git-credential-pat/config.json",
    );
    expect(dirnamePath("/run/user/1000/git-credential-pat/socket")).toBe("/run/user/1000/git-credential-pat");
    expect(resolvePath("creds", "/work/repo")).toBe("/work/repo/creds");
  });
});

describe("absolute paths per platform", () => {
  it.each([
    { platform: "linux", want: "posix" },
    { platform: "darwin", want: "posix" },
    { platform: "win32", want: "win32" },
  ])("$platform spells paths the $want way", ({ platform, want }) => {
    expect(pathStyleOf(platform)).toBe(want);
  });

  it.each([
    { name: "a POSIX absolute path", path: "/home/me/x", posix: "/home/me/x", win32: undefined },
    { name: "a POSIX path, normalised", path: "/srv//a/../b/", posix: "/srv/b", win32: undefined },
    { name: "a drive with backslashes", path: "C:\\Users\\me\\x", posix: undefined, win32: "C:/Users/me/x" },
    { name: "a drive with forward slashes", path: "c:/Users/me/", posix: undefined, win32: "C:/Users/me" },
    { name: "a drive root", path: "D:\\", posix: undefined, win32: "D:/" },
    { name: "never above a drive's root", path: "C:/a/../../..", posix: undefined, win32: "C:/" },
    {
      name: "mixed separators",
      path: "C:\\Users/me\\.config/./x",
      posix: undefined,
      win32: "C:/Users/me/.config/x",
    },
    {
      name: "a UNC share",
      path: "\\\\server\\share\\dir\\..\\f",
      posix: undefined,
      win32: "//server/share/f",
    },
    { name: "a UNC share's root", path: "//server/share", posix: "/server/share", win32: "//server/share" },
    {
      name: "a drive-relative path (C:x) depends on the drive's working directory",
      path: "C:x",
      posix: undefined,
      win32: undefined,
    },
    {
      name: "a path from the current drive's root depends on git's drive",
      path: "\\x",
      posix: undefined,
      win32: undefined,
    },
    { name: "an MSYS path names no drive", path: "/c/Users/me", posix: "/c/Users/me", win32: undefined },
    { name: "a relative path", path: "creds", posix: undefined, win32: undefined },
    { name: "a server without a share", path: "//server", posix: "/server", win32: undefined },
  ])("$name", ({ path, posix: wantPosix, win32: wantWin32 }) => {
    expect(normalizeAbsolutePath(path, "posix")).toBe(wantPosix);
    expect(normalizeAbsolutePath(path, "win32")).toBe(wantWin32);
    expect(isAbsolutePath(path, "posix")).toBe(wantPosix !== undefined);
    expect(isAbsolutePath(path, "win32")).toBe(wantWin32 !== undefined);
  });

  it("win32 agrees with node:path (win32) on drive paths, but for its forward slashes", () => {
    const drivePath = fc
      .tuple(fc.constantFrom("C:", "d:"), fc.stringMatching(/^[\\/][\\/.ab]{0,12}$/))
      .map(([drive, rest]) => `${drive}${rest}`);
    fc.assert(
      fc.property(drivePath, (path) => {
        const want = win32.resolve(path).replaceAll("\\", "/");
        const withUpperDrive = `${want[0]?.toUpperCase()}${want.slice(1)}`;
        return normalizeAbsolutePath(path, "win32") === withUpperDrive;
      }),
      { numRuns: 3000 },
    );
  });
});
