import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { readDaemonRecords, registerDaemon } from "../cache/daemon-registry.js";
import { ipcRules } from "../platform/ipc-endpoint.js";
import { runCacheDaemon } from "./run-cache-daemon.js";

describe("runCacheDaemon", () => {
  /** A daemon on a (fake) server; `taken`: another listener has its path (EADDRINUSE). */
  function depsOn(platform: string, taken = false) {
    let stop = () => {};
    const deps = makeTestDeps({
      ipc: ipcRules(platform),
      createUnixServer: () => ({
        openConnections: 0,
        // A Unix socket is a file at the path (the daemon chmods it); a pipe is not.
        listen: async (path) => {
          if (taken) throw Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
          if (platform !== "win32") deps.vol.writeFileSync(path, "");
        },
        close: async () => {},
      }),
    });
    return { deps, onStop: (daemonStop: () => void) => (stop = daemonStop), stop: () => stop() };
  }

  it.each([
    { platform: "win32", socket: "C:\\Users\\user\\.cache\\git-credential-pat\\socket" },
    { platform: "win32", socket: "/home/user/.cache/git-credential-pat/socket" },
    { platform: "linux", socket: "/home/user/.cache/git-credential-pat/socket" },
  ])(
    "on $platform serves $socket, says ok and registers it while it listens",
    async ({ platform, socket }) => {
      const { deps, onStop, stop } = depsOn(platform);
      const running = runCacheDaemon([socket], deps, onStop);
      await expect.poll(() => deps.stdout()).toBe("ok\n");
      expect((await readDaemonRecords(deps)).map((record) => record.socketPath)).toEqual([socket]);
      stop();
      await running;
      expect(await readDaemonRecords(deps)).toEqual([]);
    },
  );

  it.each([
    { platform: "linux", socket: "C:\\Users\\user\\socket" },
    { platform: "win32", socket: "relative\\socket" },
    { platform: "darwin", socket: "socket" },
  ])("refuses the path $socket on $platform as a usage error", async ({ platform, socket }) => {
    const { deps, onStop } = depsOn(platform);
    await expect(runCacheDaemon([socket], deps, onStop)).rejects.toMatchObject({ exitCode: 2 });
  });

  describe("when another listener has the path", () => {
    const pipePath = "C:\\Users\\user\\.cache\\git-credential-pat\\socket";

    it("says ok for a socket: under the socket lock only a daemon of ours listens there", async () => {
      const { deps, onStop } = depsOn("linux", true);
      await runCacheDaemon(["/home/user/.cache/git-credential-pat/socket"], deps, onStop);
      expect(deps.stdout()).toBe("ok\n");
    });

    it("says ok for a pipe a daemon of ours registered", async () => {
      const { deps, onStop } = depsOn("win32", true);
      await registerDaemon(pipePath, deps);
      await runCacheDaemon([pipePath], deps, onStop);
      expect(deps.stdout()).toBe("ok\n");
    });

    it("says ok once the daemon holding the pipe registers it, within a second", async () => {
      const { deps, onStop } = depsOn("win32", true);
      const start = deps.clock.now();
      const sleep = deps.clock.sleep;
      deps.clock.sleep = async (ms) => {
        await sleep(ms);
        if (deps.clock.now() - start === 300) await registerDaemon(pipePath, deps);
      };
      await runCacheDaemon([pipePath], deps, onStop);
      expect(deps.stdout()).toBe("ok\n");
      expect(deps.clock.now() - start).toBe(300);
    });

    it("refuses a pipe no daemon of ours registered: someone else may have made it to get the token", async () => {
      const { deps, onStop } = depsOn("win32", true);
      const start = deps.clock.now();
      await expect(runCacheDaemon([pipePath], deps, onStop)).rejects.toMatchObject({
        exitCode: 5,
        message: `the named pipe of ${pipePath} is taken, and by no cache daemon of yours (another user may have created it); not sending tokens to it`,
      });
      expect(deps.stdout()).toBe("");
      expect(deps.clock.now() - start).toBe(1000);
    });
  });
});
