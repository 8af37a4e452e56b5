// node:fs, loaded on first use. Under bun, importing node:fs costs ~1.5 ms of CPU at start-up
// (its module set-up is hot enough to start JSC's JIT threads), and the standalone binary's
// `get` needs none of it (platform/bun-io.ts, bun-fs.ts). Under Node it is loaded anyway.
type NodeFs = typeof import("node:fs");

let loaded: NodeFs | undefined;

export function nodeFs(): NodeFs {
  loaded ??= process.getBuiltinModule("node:fs");
  return loaded;
}
