// The Fs seam implemented with node:fs's synchronous calls. The helper touches a few small
// files per run; a thread-pool round trip per call cost more than the I/O itself (npm run bench).
import type { FileHandle, Fs } from "./deps.js";
import { nodeFs } from "./node-fs.js";

const wrap =
  <A extends unknown[], R>(call: (...args: A) => R) =>
  async (...args: A): Promise<R> =>
    call(...args);

function handleOf(fd: number): FileHandle {
  return {
    writeFile: wrap((data: string | Uint8Array) => {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let offset = 0;
      while (offset < bytes.length) offset += nodeFs().writeSync(fd, bytes, offset);
    }),
    sync: wrap(() => nodeFs().fsyncSync(fd)),
    close: wrap(() => nodeFs().closeSync(fd)),
  };
}

export const syncFs: Fs = {
  readFile: wrap((path: string) => nodeFs().readFileSync(path)),
  writeFile: wrap((path: string, data: string | Uint8Array, options?: { mode?: number; flag?: string }) =>
    nodeFs().writeFileSync(path, data, options),
  ),
  open: wrap((path: string, flags: string, mode?: number) => handleOf(nodeFs().openSync(path, flags, mode))),
  rename: wrap((from: string, to: string) => nodeFs().renameSync(from, to)),
  unlink: wrap((path: string) => nodeFs().unlinkSync(path)),
  mkdir: wrap((path: string, options: { recursive?: boolean; mode?: number }) =>
    nodeFs().mkdirSync(path, options),
  ),
  stat: wrap((path: string) => nodeFs().statSync(path)),
  lstat: wrap((path: string) => nodeFs().lstatSync(path)),
  readlink: wrap((path: string) => nodeFs().readlinkSync(path, "utf8")),
  chmod: wrap((path: string, mode: number) => nodeFs().chmodSync(path, mode)),
  readdir: wrap((path: string) => nodeFs().readdirSync(path)),
};
