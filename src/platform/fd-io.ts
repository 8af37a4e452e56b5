// Io on raw file descriptors. process.stdin/stdout/stderr build stream objects on first touch,
// which cost ~10 ms of CPU per run under bun (npm run bench); git's helper needs one read and
// one write, so it uses fd 0, 1 and 2 directly.
// The default import and no node:tty: in bun, named node:fs imports and node:tty each add
// milliseconds of start-up (measured with perf stat).
import fs from "node:fs";
import type { Io } from "./deps.js";

export function createFdIo(): Io {
  return {
    readStdin: readStdinBounded,
    out: { write: (text) => writeAll(1, text) },
    err: { write: (text) => writeAll(2, text) },
    get isStdinTTY() {
      return isTerminal(0);
    },
    get isStderrTTY() {
      return isTerminal(2);
    },
  };
}

/** Writes everything, retrying when a non-blocking descriptor is momentarily full. */
/** A terminal is a character device; /dev/null is one too, but nobody types into it. */
function isTerminal(fd: number): boolean {
  try {
    const stats = fs.fstatSync(fd);
    return stats.isCharacterDevice() && stats.rdev !== fs.statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

/**
 * Reads stdin until EOF, a blank line (the end of git's request), more than maxBytes, or the
 * timeout. A person typing at a terminal may take their time; a pipe that never closes may not.
 */
function readStdinBounded({
  maxBytes,
  timeoutMs,
}: {
  maxBytes: number;
  timeoutMs: number;
}): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(
      () => finish(new Error(`no end of input after ${timeoutMs / 1000} s`)),
      isTerminal(0) ? 2 ** 31 - 1 : timeoutMs,
    );
    timer.unref();
    const next = () => {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      fs.read(0, buffer, 0, buffer.length, null, (error, bytesRead) => {
        if (done) return;
        if (error) {
          // EAGAIN: stdin is a non-blocking descriptor with nothing yet; try again shortly.
          if (error.code === "EAGAIN") setTimeout(next, 5);
          else finish(error);
          return;
        }
        if (bytesRead === 0) return finish();
        const chunk = buffer.subarray(0, bytesRead);
        chunks.push(chunk);
        size += bytesRead;
        if (size > maxBytes || endsRequest(chunks, chunk)) finish();
        else next();
      });
    };
    next();
  });
}

function endsRequest(chunks: Buffer[], last: Buffer): boolean {
  if (!last.includes(10)) return false;
  const text = Buffer.concat(chunks).toString("latin1");
  return text.startsWith("\n") || text.startsWith("\r\n") || text.includes("\n\n") || text.includes("\n\r\n");
}
