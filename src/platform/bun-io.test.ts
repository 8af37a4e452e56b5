import { describe, expect, it } from "vitest";
import { createBunIo } from "./bun-io.js";
import type { BunRuntime, FileSink } from "./bun-runtime.js";

/** A sink whose flushes stay pending (a full pipe) until `release()`, or `fail()` (the reader left). */
function fakeSink(pendingFlushes: boolean) {
  const written: string[] = [];
  const waiting: Array<(error?: Error) => void> = [];
  const sink: FileSink = {
    write: (chunk) => {
      written.push(chunk);
      return chunk.length;
    },
    flush: () =>
      pendingFlushes
        ? new Promise<number>((resolve, reject) =>
            waiting.push((error) => (error ? reject(error) : resolve(0))),
          )
        : 0,
  };
  const settle = (error?: Error) => {
    for (const done of waiting.splice(0)) done(error);
  };
  return { sink, written, release: () => settle(), fail: (code: string) => settle(errno(code)) };
}

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: broken pipe, write`), { code });
}

function fakeBun(out: FileSink, err: FileSink, opened: string[]): BunRuntime {
  const opening = (name: string, sink: FileSink) => {
    opened.push(name);
    return sink;
  };
  return {
    stdout: { writer: () => opening("stdout", out) },
    stderr: { writer: () => opening("stderr", err) },
  } as unknown as BunRuntime;
}

describe("createBunIo", () => {
  it("drain() waits for output the OS has not taken yet, on stdout and stderr", async () => {
    const out = fakeSink(true);
    const err = fakeSink(true);
    const io = createBunIo(fakeBun(out.sink, err.sink, []));
    io.out.write("username=a\n");
    io.err.write("warning\n");
    let drained = false;
    const draining = io.drain?.().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(drained).toBe(false);
    out.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(drained).toBe(false);
    err.release();
    await draining;
    expect(drained).toBe(true);
    expect(out.written).toEqual(["username=a\n"]);
    expect(err.written).toEqual(["warning\n"]);
  });

  it("drain() resolves at once when every flush completed synchronously", async () => {
    const out = fakeSink(false);
    const io = createBunIo(fakeBun(out.sink, fakeSink(false).sink, []));
    io.out.write("a");
    io.out.write("b");
    await expect(io.drain?.()).resolves.toBeUndefined();
    expect(out.written).toEqual(["a", "b"]);
  });

  it("drain() fails, saying so in one line, when stdout's pending output could not be written", async () => {
    const out = fakeSink(true);
    const io = createBunIo(fakeBun(out.sink, fakeSink(false).sink, []));
    io.out.write("username=a\npassword=b\n");
    const draining = io.drain?.();
    out.fail("EPIPE");
    await expect(draining).rejects.toThrow(/^could not write to standard output \(EPIPE\)$/);
  });

  it("drain() still succeeds when only stderr's pending output failed", async () => {
    const err = fakeSink(true);
    const io = createBunIo(fakeBun(fakeSink(false).sink, err.sink, []));
    io.err.write("warning\n");
    const draining = io.drain?.();
    err.fail("EPIPE");
    await expect(draining).resolves.toBeUndefined();
  });

  it("a write to stdout that fails at once throws the same one-line error", () => {
    const failing: FileSink = {
      write: () => {
        throw errno("ENOSPC");
      },
      flush: () => 0,
    };
    const io = createBunIo(fakeBun(failing, fakeSink(false).sink, []));
    expect(() => io.out.write("a")).toThrow(/^could not write to standard output \(ENOSPC\)$/);
  });

  it("opens a writer only for the streams written to, once each", () => {
    const opened: string[] = [];
    const io = createBunIo(fakeBun(fakeSink(false).sink, fakeSink(false).sink, opened));
    expect(opened).toEqual([]);
    io.out.write("a");
    io.out.write("b");
    expect(opened).toEqual(["stdout"]);
  });
});
