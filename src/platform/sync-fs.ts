// The Fs seam implemented with node:fs's synchronous calls. The helper touches a few small
// files per run; a thread-pool round trip per call cost more than the I/O itself (npm run bench).
import fs from "node:fs";
import type { FileHandle, Fs } from "./deps.js";

const wrap =
  <A extends unknown[], R>(call: (...args: A) => R) =>
  async (...args: A): Promise<R> =>
    call(...args);

function handleOf(fd: number): FileHandle {
  return {
    writeFile: wrap((data: string | Uint8Array) => {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let offset = 0;
      while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset);
    }),
    sync: wrap(() => fs.fsyncSync(fd)),
    close: wrap(() => fs.closeSync(fd)),
  };
}

export const syncFs: Fs = {
  readFile: wrap((path: string) => fs.readFileSync(path)),
  writeFile: wrap((path: string, data: string | Uint8Array, options?: { mode?: number; flag?: string }) =>
    fs.writeFileSync(path, data, options),
  ),
  open: wrap((path: string, flags: string, mode?: number) => handleOf(fs.openSync(path, flags, mode))),
  rename: wrap((from: string, to: string) => fs.renameSync(from, to)),
  unlink: wrap((path: string) => fs.unlinkSync(path)),
  mkdir: wrap((path: string, options: { recursive?: boolean; mode?: number }) => fs.mkdirSync(path, options)),
  stat: wrap((path: string) => fs.statSync(path)),
  lstat: wrap((path: string) => fs.lstatSync(path)),
  chmod: wrap((path: string, mode: number) => fs.chmodSync(path, mode)),
};
