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
    stat: (path) => bun.file(path).stat(),
  };
}
