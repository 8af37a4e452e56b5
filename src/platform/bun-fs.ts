// The Fs seam for the standalone binary: reads through bun's own file API, so a `get` never
// loads node:fs (platform/node-fs.ts); writes, locks and the rest go to node:fs, loaded then.
import type { BunRuntime } from "./bun-runtime.js";
import type { Fs } from "./deps.js";
import { syncFs } from "./sync-fs.js";

export function createBunFs(bun: BunRuntime): Fs {
  return {
    ...syncFs,
    readFile: async (path) => {
      const bytes = await bun.file(path).bytes();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    stat: async (path) => {
      const missing = missingFileError(bun, path);
      if (missing) throw missing;
      return bun.file(path).stat();
    },
  };
}

/** What bun's lastModified reports when it cannot stat a path. */
const UNKNOWN_MTIME = 2 ** 52 - 1;

/**
 * ENOENT for a path that does not exist, told without bun's thread pool: most stats on git's
 * path are of files that are not there (config.json, accounts.json), and each trip through the
 * pool costs ~0.1 ms. lastModified is a synchronous stat but says only "could not stat"; mmap's
 * open, tried only then, names the reason. Anything else is left to the real stat.
 */
function missingFileError(bun: BunRuntime, path: string): Error | undefined {
  if (bun.file(path).lastModified !== UNKNOWN_MTIME) return undefined;
  try {
    bun.mmap(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return error as Error;
  }
  return undefined;
}
