// Builds dist/cli.cjs + dist/commands.mjs (Node, the npm bin) and dist/git-credential-pat (bun --compile).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { compileBinary } from "./compile-binary.mjs";
import { RELEASE_TARGETS } from "./release-targets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dist = join(root, "dist");
const work = join(root, ".build");
rmSync(dist, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
mkdirSync(work, { recursive: true });

// Node: the git path is a CommonJS bundle. Node 20 starts CommonJS a good 10 ms faster than ESM
// (the ESM loader, and namespace objects for every builtin imported); measured with perf stat.
// People's commands (yargs) are an ESM bundle of their own, imported only when a command runs.
const nodeCommon = {
  bundle: true,
  platform: "node",
  target: "node20.19",
  // The addon resolves its platform package (a .node file) at run time.
  external: ["@napi-rs/keyring"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};
await build({
  ...nodeCommon,
  entryPoints: [join(root, "src/main.ts")],
  outfile: join(dist, "cli.cjs"),
  format: "cjs",
  define: { __PAT_VERSION__: JSON.stringify(version), __PAT_EXTERNAL_CLI__: "true" },
  banner: {
    js: 'globalThis.__PAT_CLI_PATH__=require("node:url").pathToFileURL(require("node:path").join(__dirname,"commands.mjs")).href;',
  },
});
await build({
  ...nodeCommon,
  entryPoints: [join(root, "src/cli/index.ts")],
  outfile: join(dist, "commands.mjs"),
  format: "esm",
  define: { __PAT_VERSION__: JSON.stringify(version) },
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: 'import{createRequire as __pat_cr}from"node:module";const require=__pat_cr(import.meta.url);',
  },
});
chmodSync(join(dist, "cli.cjs"), 0o755);

// The keychain addon of this machine, as the napi-rs loader would pick it among those installed.
const keyringAddon = hostKeyringBinding();
compileBinary({
  version,
  platform: hostTarget()?.id ?? `${process.platform}-${process.arch}`,
  keyringAddon,
  outfile: join(dist, "git-credential-pat"),
  work,
});
/** The release target this machine is, if it is one. */
function hostTarget() {
  const libc = process.platform === "linux" ? (isMusl() ? "musl" : "glibc") : undefined;
  return RELEASE_TARGETS.find((t) => t.os === process.platform && t.cpu === process.arch && t.libc === libc);
}

/** The @napi-rs/keyring platform package installed for this machine, as its loader would pick it. */
function hostKeyringBinding() {
  const { platform, arch } = process;
  const libc = platform === "linux" ? (isMusl() ? "-musl" : "-gnu") : platform === "win32" ? "-msvc" : "";
  const name = `@napi-rs/keyring-${platform}-${arch}${libc}`;
  return existsSync(join(root, "node_modules", name, "package.json")) ? name : undefined;
}

function isMusl() {
  try {
    return readFileSync("/usr/bin/ldd", "utf8").includes("musl");
  } catch {
    return false;
  }
}

console.log(`built dist/cli.cjs, dist/commands.mjs and dist/git-credential-pat (v${version})`);
