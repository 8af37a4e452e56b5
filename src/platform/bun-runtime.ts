// The few bun APIs the standalone binary uses, typed here (no bun-types dependency), and how to
// tell that we run under bun.
import type { Stats } from "node:fs";
import type { BunConnectOptions } from "./unix-exchange.js";

export interface BunRuntime {
  stdin: { stream(): ReadableStream<Uint8Array> };
  stderr: { writer(): { write(chunk: string): number; flush(): unknown } };
  file(path: string): { bytes(): Promise<Uint8Array>; stat(): Promise<Stats> };
  connect(options: BunConnectOptions): Promise<unknown>;
  spawn(
    cmd: string[],
    options: { stdin: "pipe"; stdout: "ignore"; stderr: "inherit" },
  ): { stdin: { end(): unknown }; unref(): void };
}

/** bun's global, or undefined under Node. */
export function bunRuntime(): BunRuntime | undefined {
  return (globalThis as { Bun?: BunRuntime }).Bun;
}

/** bun's console.write: stdout without a trailing newline, no stream objects. */
export function consoleWrite(text: string): void {
  (console as unknown as { write(text: string): number }).write(text);
}
