import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { pathsFrom, selfCommandOf } from "./node-deps.js";

describe("pathsFrom", () => {
  const home = userInfo().homedir;
  it.each([
    { name: "takes an absolute HOME", env: { HOME: "/home/alice" }, want: "/home/alice" },
    // Read against git's working directory, these would put the file store inside the repository.
    { name: "ignores a relative HOME for the user database's home", env: { HOME: "relhome" }, want: home },
    { name: "ignores an empty HOME for the user database's home", env: { HOME: "" }, want: home },
    { name: "ignores a HOME of ~", env: { HOME: "~" }, want: home },
    { name: "uses the user database's home without HOME", env: {}, want: home },
  ])("$name", ({ env, want }) => {
    const paths = pathsFrom(env);
    expect(paths.home).toBe(want);
    for (const dir of [paths.xdgConfigHome, paths.xdgDataHome, paths.xdgCacheHome, paths.xdgStateHome]) {
      expect(dir.startsWith(`${want === "/" ? "" : want}/`)).toBe(true);
    }
  });

  it("ignores relative XDG directories, as the XDG spec says", () => {
    const paths = pathsFrom({ HOME: "/home/alice", XDG_DATA_HOME: "data", XDG_RUNTIME_DIR: "run" });
    expect(paths.xdgDataHome).toBe("/home/alice/.local/share");
    expect(paths.runtimeDir).toBeUndefined();
  });
});

describe("selfCommandOf", () => {
  it.each([
    {
      name: "a Linux or macOS standalone binary",
      script: "/$bunfs/root/git-credential-pat",
      want: ["/opt/pat"],
    },
    {
      name: "a Windows standalone binary (backslashes)",
      script: "B:\\~BUN\\root\\git-credential-pat.exe",
      want: ["/opt/pat"],
    },
    {
      name: "a Windows standalone binary (slashes)",
      script: "B:/~BUN/root/git-credential-pat.exe",
      want: ["/opt/pat"],
    },
    { name: "a binary whose argv[1] is itself", script: "/opt/pat", want: ["/opt/pat"] },
    { name: "no script at all", script: undefined, want: ["/opt/pat"] },
    {
      name: "the Node build",
      script: "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs",
      want: ["/opt/pat", "/usr/lib/node_modules/git-credential-pat/dist/cli.cjs"],
    },
  ])("runs $name again as $want", ({ script, want }) => {
    expect(selfCommandOf(script, "/opt/pat")).toEqual(want);
  });
});
