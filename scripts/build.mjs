// Builds dist/cli.js (Node bundle, the npm bin) and dist/git-credential-pat (bun --compile).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const define = { __PAT_VERSION__: JSON.stringify(version) };
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// Node bundle: code-split so the CLI (yargs) and the keyring addon load only when used.
await build({
  entryPoints: { cli: join(root, "src/main.ts") },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  define,
  // The addon resolves its platform package (a .node file) at run time.
  external: ["@napi-rs/keyring"],
  chunkNames: "chunks/[name]-[hash]",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
chmodSync(join(dist, "cli.js"), 0o755);

// Standalone binary: bun embeds the runtime, the code and the keyring's .node file.
const bun = join(root, "node_modules", ".bin", "bun");
execFileSync(
  bun,
  [
    "build",
    "--compile",
    "--minify",
    // Bytecode skips parsing at start-up (~60 ms → ~20 ms measured); it needs ESM output.
    "--bytecode",
    "--format=esm",
    ...Object.entries(define).flatMap(([key, value]) => ["--define", `${key}=${value}`]),
    join(root, "src/main.ts"),
    "--outfile",
    join(dist, "git-credential-pat"),
  ],
  { stdio: ["ignore", "ignore", "inherit"], cwd: root },
);
console.log(`built dist/cli.js and dist/git-credential-pat (v${version})`);
