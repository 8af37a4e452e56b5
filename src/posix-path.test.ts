import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dirnamePath, joinPath, normalizePath, resolvePath } from "./posix-path.js";

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
