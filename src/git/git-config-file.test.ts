import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { configFilePath, editConfigFile, readConfigFile, writeConfigFile } from "./git-config-file.js";

describe("configFilePath --global", () => {
  it.each([
    {
      name: "is $GIT_CONFIG_GLOBAL when set",
      env: { GIT_CONFIG_GLOBAL: "/etc/ci.gitconfig" },
      files: [],
      want: "/etc/ci.gitconfig",
    },
    { name: "is ~/.gitconfig when neither file exists", env: {}, files: [], want: "/home/user/.gitconfig" },
    {
      name: "is the XDG file when only it exists",
      env: { XDG_CONFIG_HOME: "/xdg" },
      files: ["/xdg/git/config"],
      want: "/xdg/git/config",
    },
    {
      name: "is ~/.config/git/config when only it exists and XDG_CONFIG_HOME is unset",
      env: {},
      files: ["/home/user/.config/git/config"],
      want: "/home/user/.config/git/config",
    },
    {
      name: "is ~/.gitconfig when both exist",
      env: { HOME: "/home/user" },
      files: ["/home/user/.gitconfig", "/home/user/.config/git/config"],
      want: "/home/user/.gitconfig",
    },
  ])("$name", async ({ env, files, want }) => {
    const deps = makeTestDeps({ env });
    for (const file of files) {
      deps.vol.mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
      deps.vol.writeFileSync(file, "");
    }
    expect(await configFilePath({ scope: "global" }, deps)).toBe(want);
  });

  it("asks git for the repository's config with --local", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 0, stdout: "/src/app/.git/config\n", stderr: "" }] });
    expect(await configFilePath({ scope: "local" }, deps)).toBe("/src/app/.git/config");
    expect(deps.spawnCalls).toEqual([
      { file: "git", args: ["rev-parse", "--path-format=absolute", "--git-path", "config"] },
    ]);
  });
});

describe("configFilePath --file per platform", () => {
  const ok = (stdout: string) => ({ code: 0, stdout, stderr: "" });

  it.each([
    {
      platform: "linux",
      cwd: "/work/repo\n",
      wantFile: "sh",
      wantArgs: ["-c", "pwd"],
      want: "/work/repo/rel/config",
    },
    {
      platform: "darwin",
      cwd: "/Users/a/repo\n",
      wantFile: "sh",
      wantArgs: ["-c", "pwd"],
      want: "/Users/a/repo/rel/config",
    },
    {
      platform: "win32",
      cwd: "C:\\work\\repo\r\n",
      wantFile: "C:\\Windows\\System32\\cmd.exe",
      wantArgs: ["/d", "/c", "cd"],
      want: "C:/work/repo/rel/config",
    },
  ])("$platform: a relative path is read against the working directory ($wantFile)", async (row) => {
    const deps = makeTestDeps({ platform: row.platform, spawnResults: [ok(row.cwd)] });
    deps.paths = { ...deps.paths, pathStyle: row.platform === "win32" ? "win32" : "posix" };
    await expect(configFilePath({ scope: "file", path: "./rel/config" }, deps)).resolves.toBe(row.want);
    expect(deps.spawnCalls).toEqual([{ file: row.wantFile, args: row.wantArgs }]);
  });

  it("win32: a drive path is absolute and asks nothing", async () => {
    const deps = makeTestDeps({ platform: "win32" });
    deps.paths = { ...deps.paths, pathStyle: "win32" };
    await expect(configFilePath({ scope: "file", path: "D:\\cfg\\gitconfig" }, deps)).resolves.toBe(
      "D:\\cfg\\gitconfig",
    );
    expect(deps.spawnCalls).toEqual([]);
  });
});

describe("writeConfigFile", () => {
  it("replaces the file through FILE.lock with the mode it had", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "old\n", { mode: 0o640 });
    await writeConfigFile("/home/user/.gitconfig", Buffer.from("new\n"), 0o640, deps);
    expect(deps.vol.toJSON()).toEqual({ "/home/user/.gitconfig": "new\n" });
    expect(deps.vol.statSync("/home/user/.gitconfig").mode & 0o777).toBe(0o640);
  });

  it("holds signals back from the lock's creation until it is renamed away", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "old\n", { mode: 0o644 });
    const seen: string[] = [];
    deps.deferSignals = async (work) => {
      seen.push("held");
      const result = await work();
      seen.push(deps.vol.existsSync("/home/user/.gitconfig.lock") ? "lock left" : "released");
      return result;
    };
    await writeConfigFile("/home/user/.gitconfig", Buffer.from("new\n"), 0o644, deps);
    expect(seen).toEqual(["held", "released"]);
  });

  it("removes the file when there was none", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "x\n");
    await writeConfigFile("/home/user/.gitconfig", undefined, 0o644, deps);
    expect(await readConfigFile("/home/user/.gitconfig", deps)).toEqual({ kind: "absent" });
    expect(deps.vol.existsSync("/home/user/.gitconfig.lock")).toBe(false);
  });

  it("leaves the file alone while git holds its lock", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "old\n");
    deps.vol.writeFileSync("/home/user/.gitconfig.lock", "");
    await expect(
      writeConfigFile("/home/user/.gitconfig", Buffer.from("new\n"), 0o644, deps),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: "/home/user/.gitconfig.lock exists: another git process is changing the config",
    });
    expect(deps.vol.toJSON()).toEqual({ "/home/user/.gitconfig": "old\n", "/home/user/.gitconfig.lock": "" });
  });

  it("reads a symlinked config as other, never to be written by us", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/dotfiles-gitconfig", "x\n");
    deps.vol.symlinkSync("/home/user/dotfiles-gitconfig", "/home/user/.gitconfig");
    expect(await readConfigFile("/home/user/.gitconfig", deps)).toEqual({ kind: "other" });
  });
});

describe("editConfigFile", () => {
  it("renames the edited bytes over the file through FILE.lock, keeping its mode", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "old\n", { mode: 0o640 });
    const result = await editConfigFile(
      "/home/user/.gitconfig",
      (bytes) => ({ bytes: Buffer.from(bytes.toString().toUpperCase()), result: "changed" }),
      deps,
    );
    expect(result).toBe("changed");
    expect(deps.vol.toJSON()).toEqual({ "/home/user/.gitconfig": "OLD\n" });
    expect(deps.vol.statSync("/home/user/.gitconfig").mode & 0o777).toBe(0o640);
  });

  it("leaves the file and no lock behind when the edit changes nothing", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "old\n", { mode: 0o600 });
    const before = deps.vol.statSync("/home/user/.gitconfig").ino;
    expect(await editConfigFile("/home/user/.gitconfig", () => ({ bytes: undefined, result: 0 }), deps)).toBe(
      0,
    );
    expect(deps.vol.toJSON()).toEqual({ "/home/user/.gitconfig": "old\n" });
    expect(deps.vol.statSync("/home/user/.gitconfig").ino).toBe(before);
  });

  it("does not read or write while git holds the lock", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/.gitconfig", "old\n");
    deps.vol.writeFileSync("/home/user/.gitconfig.lock", "");
    let isCalled = false;
    const edit = () => {
      isCalled = true;
      return { bytes: Buffer.from("new\n"), result: 1 };
    };
    await expect(editConfigFile("/home/user/.gitconfig", edit, deps)).rejects.toMatchObject({
      message: "/home/user/.gitconfig.lock exists: another git process is changing the config",
    });
    expect(isCalled).toBe(false);
    expect(deps.vol.toJSON()).toEqual({ "/home/user/.gitconfig": "old\n", "/home/user/.gitconfig.lock": "" });
  });

  it("refuses a symlinked config", async () => {
    const deps = makeTestDeps();
    deps.vol.writeFileSync("/home/user/dotfiles-gitconfig", "x\n");
    deps.vol.symlinkSync("/home/user/dotfiles-gitconfig", "/home/user/.gitconfig");
    await expect(
      editConfigFile("/home/user/.gitconfig", () => ({ bytes: Buffer.from(""), result: 1 }), deps),
    ).rejects.toMatchObject({ message: "/home/user/.gitconfig is not a regular file (a symlink?)" });
    expect(deps.vol.readFileSync("/home/user/dotfiles-gitconfig", "utf8")).toBe("x\n");
  });
});
