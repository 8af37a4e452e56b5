// npm run release: a standalone binary for every platform in release/, with SHA256SUMS, and the
// npm packages (one per platform, plus the main package listing them) in release/npm/.
//   node scripts/release.mjs [--target ID]... [--no-npm] [--out DIR]   (DIR defaults to release/)
// Needs dist/ from scripts/build.mjs (the Node build goes into the main npm package).
// Offline except for the npm registry: bun fetches each target's runtime from it, and we fetch each
// target's keychain addon (@napi-rs/keyring-*) with `npm pack`, checked against package-lock.json.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { compileBinary } from "./compile-binary.mjs";
import { keyringAddonFile } from "./keyring-addons.mjs";
import { binaryFileName, npmBinaryPath, npmPackageName, RELEASE_TARGETS } from "./release-targets.mjs";

const root = join(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const { version } = manifest;

const { values } = parseArgs({
  options: {
    target: { type: "string", multiple: true },
    "no-npm": { type: "boolean" },
    out: { type: "string", default: join(root, "release") },
  },
});
const release = resolve(values.out);
const targets = values.target
  ? values.target.map((id) => RELEASE_TARGETS.find((t) => t.id === id) ?? fail(`unknown target ${id}`))
  : RELEASE_TARGETS;
if (!values["no-npm"] && !existsSync(join(root, "dist", "cli.cjs"))) fail("run `npm run build` first");

rmSync(release, { recursive: true, force: true });
mkdirSync(join(release, "npm"), { recursive: true });
for (const target of targets) {
  const started = Date.now();
  compileBinary({
    version,
    platform: target.id,
    bunTarget: target.bun,
    keyringAddon: keyringAddonFile(target),
    outfile: join(release, binaryFileName(target)),
    // Under the repository, always at the same place relative to src/: the build is reproducible.
    work: join(root, ".build", `release-${target.id}`),
  });
  console.log(`release: ${binaryFileName(target)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
writeChecksums();
if (!values["no-npm"]) {
  for (const target of targets) packPlatformPackage(target);
  packMainPackage();
}

/** sha256sum's format (`sha256sum -c SHA256SUMS` checks it), binaries only, sorted by name. */
function writeChecksums() {
  const lines = readdirSync(release)
    .filter((name) => name.startsWith("git-credential-pat-"))
    .sort()
    .map((name) => `${sha("sha256", readFileSync(join(release, name))).toString("hex")}  ${name}\n`);
  writeFileSync(join(release, "SHA256SUMS"), lines.join(""));
}

/** @git-credential-pat/<platform>: the binary only, picked by npm from os/cpu/libc; no scripts. */
function packPlatformPackage(target) {
  const dir = join(release, "npm", target.id);
  mkdirSync(join(dir, "bin"), { recursive: true });
  cpSync(join(release, binaryFileName(target)), join(dir, npmBinaryPath(target)));
  writeJson(join(dir, "package.json"), {
    name: npmPackageName(target),
    version,
    description: `The ${target.id} binary of git-credential-pat (installed by it; not to be installed by hand).`,
    license: manifest.license,
    repository: manifest.repository,
    os: [target.os],
    cpu: [target.cpu],
    ...(target.libc ? { libc: [target.libc] } : {}),
    files: ["bin"],
    preferUnplugged: true,
  });
  npmPack(dir);
}

/** git-credential-pat itself: the Node build, with every platform package as an optional dependency. */
function packMainPackage() {
  const dir = join(release, "npm", "git-credential-pat");
  mkdirSync(dir, { recursive: true });
  // Built files as they are; everything else only as committed (an untracked file in docs/ never ships).
  for (const file of manifest.files) {
    if (file.startsWith("dist/")) cpSync(join(root, file), join(dir, file));
    else for (const tracked of trackedFiles(file)) cpSync(join(root, tracked), join(dir, tracked));
  }
  // What only this repository's own install and build use stays out of the published manifest.
  const { scripts: _s, devDependencies: _d, overrides: _o, allowScripts: _a, ...published } = manifest;
  writeJson(join(dir, "package.json"), {
    ...published,
    optionalDependencies: Object.fromEntries(RELEASE_TARGETS.map((t) => [npmPackageName(t), version])),
  });
  npmPack(dir);
}

/** The committed files at `path` (a file or a directory) as git lists them. */
function trackedFiles(path) {
  const out = execFileSync("git", ["ls-files", "-z", "--", path], { cwd: root, encoding: "utf8" });
  const files = out.split("\0").filter(Boolean);
  if (files.length === 0) fail(`${path} (in package.json "files") is not committed`);
  return files;
}

function npmPack(dir) {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", join(release, "npm")], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  console.log(`release: npm/${JSON.parse(out)[0].filename}`);
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function sha(algorithm, data) {
  return createHash(algorithm).update(data).digest();
}

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}
