import { describe, expect, it } from "vitest";
import { createBunFs } from "./bun-fs.js";
import type { BunRuntime } from "./bun-runtime.js";

const UNKNOWN_MTIME = 2 ** 52 - 1;

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: test`), { code });
}

/** bun's file API for one path: lastModified as bun reports it, and what mmap and stat do. */
function fakeBun(file: { lastModified: number; mmapError?: string; statResult: () => Promise<unknown> }) {
  const calls: string[] = [];
  const bun = {
    file: () => ({
      get lastModified() {
        calls.push("lastModified");
        return file.lastModified;
      },
      stat: () => {
        calls.push("stat");
        return file.statResult();
      },
    }),
    mmap: () => {
      calls.push("mmap");
      if (file.mmapError) throw errno(file.mmapError);
      return new Uint8Array(1);
    },
  } as unknown as BunRuntime;
  return { bun, calls };
}

describe("createBunFs stat", () => {
  it("reports a missing file as ENOENT without bun's asynchronous stat", async () => {
    const { bun, calls } = fakeBun({
      lastModified: UNKNOWN_MTIME,
      mmapError: "ENOENT",
      statResult: () => Promise.reject(errno("EIO")),
    });
    await expect(createBunFs(bun).stat("/x/config.json")).rejects.toMatchObject({ code: "ENOENT" });
    expect(calls).toEqual(["lastModified", "mmap"]);
  });

  it("leaves other failures to the real stat, so its error is the one reported", async () => {
    const { bun, calls } = fakeBun({
      lastModified: UNKNOWN_MTIME,
      mmapError: "EACCES",
      statResult: () => Promise.reject(errno("EACCES")),
    });
    await expect(createBunFs(bun).stat("/x/config.json")).rejects.toMatchObject({ code: "EACCES" });
    expect(calls).toEqual(["lastModified", "mmap", "stat"]);
  });

  it("stats a file that exists without opening it", async () => {
    const stats = { mode: 0o100600 };
    const { bun, calls } = fakeBun({ lastModified: 1_700_000_000_000, statResult: async () => stats });
    await expect(createBunFs(bun).stat("/x/credentials")).resolves.toBe(stats);
    expect(calls).toEqual(["lastModified", "stat"]);
  });

  it("uses the real stat when a file appears between the two checks", async () => {
    const stats = { mode: 0o100600 };
    const { bun, calls } = fakeBun({ lastModified: UNKNOWN_MTIME, statResult: async () => stats });
    await expect(createBunFs(bun).stat("/x/credentials")).resolves.toBe(stats);
    expect(calls).toEqual(["lastModified", "mmap", "stat"]);
  });
});
