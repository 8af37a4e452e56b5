// Io for the standalone binary, on bun's own APIs: under bun, node:fs costs more start-up than
// the rest of a `get` (platform/node-fs.ts), and process.stdout/stderr build stream objects.
import type { BunRuntime, FileSink } from "./bun-runtime.js";
import type { Io, Writer } from "./deps.js";
import { endsRequest, explainingStdoutFailure, ioWith, isTerminal, stdoutWriteError } from "./fd-io.js";

export function createBunIo(bun: BunRuntime): Io {
  // Flushes the OS has not taken yet (a full pipe): drain() waits for them, so main.ts can end
  // the process without cutting output off, and fails if stdout's failed (git lacks its answer).
  const pending = new Set<Promise<void>>();
  const writer = (open: () => FileSink, onLateFailure: (error: unknown) => void): Writer => {
    let sink: FileSink | undefined;
    return {
      write: (text) => {
        sink ??= open();
        sink.write(text);
        const flushed = sink.flush();
        if (typeof flushed === "number") return;
        const settled: Promise<void> = flushed
          .then(() => {}, onLateFailure)
          .finally(() => pending.delete(settled));
        pending.add(settled);
      },
    };
  };
  let stdoutFailure: unknown;
  const stdout = writer(
    () => bun.stdout.writer(),
    (error) => {
      stdoutFailure ??= error;
    },
  );
  return ioWith({
    readStdin: (limits) => readStdinBounded(bun, limits),
    out: { write: (text) => explainingStdoutFailure(() => stdout.write(text)) },
    // A failed write to stderr has nowhere left to be reported.
    err: writer(
      () => bun.stderr.writer(),
      () => {},
    ),
    drain: async () => {
      await Promise.all(pending);
      if (stdoutFailure !== undefined) throw stdoutWriteError(stdoutFailure);
    },
  });
}

/**
 * Reads stdin until EOF, a blank line (the end of git's request), more than maxBytes, or the
 * timeout. The timeout does not apply to a person typing at a terminal: that is checked only
 * when it fires, so git's path never pays for the check.
 */
async function readStdinBounded(
  bun: BunRuntime,
  { maxBytes, timeoutMs }: { maxBytes: number; timeoutMs: number },
): Promise<Uint8Array> {
  const reader = bun.stdin.stream().getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  let deadline = deadlineAfter(timeoutMs);
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline.passed]);
      if (next === TIMED_OUT) {
        if (!isTerminal(0)) throw new Error(`no end of input after ${timeoutMs / 1000} s`);
        deadline = { passed: new Promise<never>(() => {}), cancel: () => {} };
        continue;
      }
      if (next.done) break;
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes || endsRequest(chunks, chunk)) break;
    }
  } finally {
    deadline.cancel();
    // Stop reading: a pipe left open after the request must not keep the process alive.
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks);
}

const TIMED_OUT = Symbol("timed out");

function deadlineAfter(ms: number): { passed: Promise<typeof TIMED_OUT>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const passed = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return { passed, cancel: () => clearTimeout(timer) };
}
