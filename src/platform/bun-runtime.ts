// The few bun APIs the standalone binary uses, typed here (no bun-types dependency), and how to
// tell that we run under bun.
import type { Stats } from "node:fs";

export interface BunRuntime {
  stdin: { stream(): ReadableStream<Uint8Array> };
  stdout: { writer(): FileSink };
  stderr: { writer(): FileSink };
  file(path: string): { bytes(): Promise<Uint8Array>; stat(): Promise<Stats>; readonly lastModified: number };
  /** Maps a file (opened read-write); throws with an errno code such as ENOENT. */
  mmap(path: string): Uint8Array;
  connect(options: BunConnectOptions): Promise<unknown>;
  spawn(
    cmd: string[],
    options: { env: Record<string, string>; stdin: "pipe"; stdout: "ignore"; stderr: "inherit" },
  ): { stdin: { end(): unknown }; unref(): void };
  /** `detached`: setsid() on POSIX, so the child outlives us and our terminal's signals. */
  spawn(
    cmd: string[],
    options: {
      env: Record<string, string>;
      cwd: string;
      stdio: ["ignore", "ignore", "ignore"];
      detached: true;
      /** Windows: no console window for it (a detached child would get one of its own). */
      windowsHide?: boolean;
    },
  ): { unref(): void };
}

/** bun's buffered writer on a descriptor; flush() returns a promise while the OS is not ready. */
export interface FileSink {
  write(chunk: string): number;
  flush(): number | Promise<number>;
}

/** bun's global, or undefined under Node. */
export function bunRuntime(): BunRuntime | undefined {
  return (globalThis as { Bun?: BunRuntime }).Bun;
}

/** The part of bun's socket that unix-exchange.ts uses. */
export interface BunSocketLike {
  write(data: Uint8Array): number;
  shutdown(): void;
  terminate(): void;
}

export interface BunConnectOptions {
  unix: string;
  socket: {
    open(socket: BunSocketLike): void;
    drain(socket: BunSocketLike): void;
    data(socket: BunSocketLike, chunk: Uint8Array): void;
    close(socket: BunSocketLike): void;
    error(socket: BunSocketLike, error: Error): void;
    connectError(socket: BunSocketLike, error: Error): void;
  };
}
