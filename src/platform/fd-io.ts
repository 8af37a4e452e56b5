// Io on raw file descriptors, for Node. process.stdin/stdout/stderr build stream objects on
// first touch; git's helper needs one read and one write, so it uses fd 0, 1 and 2 directly.
// No node:tty (isTerminal below): it costs milliseconds of start-up (except on Windows).
import { PatError } from "../errors.js";
import type { Io } from "./deps.js";
import { nodeFs } from "./node-fs.js";
import { promptHidden } from "./prompt-hidden.js";

export function createFdIo(): Io {
  return ioWith({
    readStdin: readStdinBounded,
    out: { write: (text) => explainingStdoutFailure(() => writeAll(1, text)) },
    err: { write: (text) => writeAll(2, text) },
  });
}

/**
 * An Io from how a runtime reads stdin and writes output; the rest is the same everywhere:
 * terminals are told by fstat on the descriptors (no node:tty), and prompts use the terminal.
 */
export function ioWith(streams: Pick<Io, "readStdin" | "out" | "err" | "drain">): Io {
  return {
    ...streams,
    get isStdinTTY() {
      return isTerminal(0);
    },
    get isStdoutTTY() {
      return isTerminal(1);
    },
    get isStderrTTY() {
      return isTerminal(2);
    },
    promptSecret: promptHidden,
  };
}

/** A terminal is a character device; /dev/null is one too, but nobody types into it. */
export function isTerminal(fd: number, platform: string = process.platform): boolean {
  // Windows has no /dev/null to tell NUL from a console by (its stat throws, so every run looked
  // like no terminal and login could not prompt): ask libuv, which checks for a console there.
  if (platform === "win32") return process.getBuiltinModule("node:tty").isatty(fd);
  const fs = nodeFs();
  try {
    const stats = fs.fstatSync(fd);
    return stats.isCharacterDevice() && stats.rdev !== fs.statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}

/** Runs a write to stdout, failing with stdoutWriteError. */
export function explainingStdoutFailure(write: () => void): void {
  try {
    write();
  } catch (error) {
    throw stdoutWriteError(error);
  }
}

/**
 * A failed write to stdout (git gone: EPIPE; a full disk behind a redirect: ENOSPC) as one line
 * that says what failed, instead of the bare system error.
 */
export function stdoutWriteError(error: unknown): PatError {
  const code = (error as { code?: unknown } | undefined)?.code;
  return new PatError(
    `could not write to standard output (${typeof code === "string" ? code : "write failed"})`,
    {
      cause: error,
    },
  );
}

/** Writes everything, retrying when a non-blocking descriptor is momentarily full. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += nodeFs().writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

/**
 * Reads stdin until EOF, a blank line (the end of git's request), more than maxBytes, or the
 * timeout. A person typing at a terminal may take their time; a pipe that never closes may not.
 *
 * Synchronous on purpose: the first asynchronous fs.read starts the thread pool (four threads,
 * ~1.5 ms of CPU per run under bun). /dev/stdin is reopened non-blocking (a new open file
 * description: git's end of the pipe is not affected), so an empty pipe answers EAGAIN and the
 * loop can sleep briefly and keep its deadline instead of blocking forever.
 */
async function readStdinBounded({
  maxBytes,
  timeoutMs,
}: {
  maxBytes: number;
  timeoutMs: number;
}): Promise<Uint8Array> {
  const fd = openNonBlockingStdin();
  const deadline = isTerminal(0) ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      let bytesRead: number;
      try {
        bytesRead = nodeFs().readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        if (Date.now() > deadline) throw new Error(`no end of input after ${timeoutMs / 1000} s`);
        Atomics.wait(SLEEPER, 0, 0, POLL_MS);
        continue;
      }
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      chunks.push(chunk);
      size += bytesRead;
      if (size > maxBytes || endsRequest(chunks, chunk)) break;
    }
  } finally {
    if (fd !== 0) nodeFs().closeSync(fd);
  }
  return Buffer.concat(chunks);
}

const POLL_MS = 2;
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** A non-blocking descriptor for stdin; fd 0 itself (blocking) where /dev/stdin cannot be opened. */
function openNonBlockingStdin(): number {
  try {
    const fs = nodeFs();
    return fs.openSync("/dev/stdin", fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return 0;
  }
}

export function endsRequest(chunks: Buffer[], last: Buffer): boolean {
  if (!last.includes(10)) return false;
  const text = Buffer.concat(chunks).toString("latin1");
  return text.startsWith("\n") || text.startsWith("\r\n") || text.includes("\n\n") || text.includes("\n\r\n");
}
