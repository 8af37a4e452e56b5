import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { readDaemonRecords } from "../cache/daemon-registry.js";
import { ipcRules } from "../platform/ipc-endpoint.js";
import { runCacheDaemon } from "./run-cache-daemon.js";

describe("runCacheDaemon", () => {
  /** A daemon whose (fake) server stops it as soon as it listens, as `exit` would. */
  function depsOn(platform: string) {
    let stop = () => {};
    const deps = makeTestDeps({
      ipc: ipcRules(platform),
      createUnixServer: () => ({
        openConnections: 0,
        // A Unix socket is a file at the path (the daemon chmods it); a pipe is not.
        listen: async (path) => {
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
});
