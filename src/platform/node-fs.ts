// node:fs, loaded on first use. Under bun, importing node:fs costs ~1.5 ms of CPU at start-up
// (its module set-up is hot enough to start JSC's JIT threads), and the standalone binary's
// `get` needs none of it (platform/bun-io.ts, bun-fs.ts). Under Node it is loaded anyway.
export function nodeFs(): typeof import("node:fs") {
  // The runtime loads it once and hands back the same module after.
  return process.getBuiltinModule("node:fs");
}
