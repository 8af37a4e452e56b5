// Each release target's keychain addon (@napi-rs/keyring-*), fetched with `npm pack` at the exact
// version package-lock.json pins and checked against its integrity; the tarball is kept in a cache
// across builds and checked again on every build, and the addon it holds compared with the one
// unpacked in the cache, so what the binary embeds is always what the lock file vouches for.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));

/** The absolute path of the target's keychain addon (.node file), unpacked from the checked tarball. */
export function keyringAddonFile(target) {
  const name = `@napi-rs/keyring-${target.keyring}`;
  const locked = lock.packages[`node_modules/${name}`] ?? missing(`${name} is not in package-lock.json`);
  const cache = join(
    process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "git-credential-pat-release",
    `${target.keyring}-${locked.version}`,
  );
  // npm pack's name for it: the scope's @ dropped and its / made a -.
  const tarball = join(cache, `${name.slice(1).replace("/", "-")}-${locked.version}.tgz`);
  if (!existsSync(tarball) || !matchesIntegrity(tarball, locked.integrity)) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    execFileSync("npm", ["pack", `${name}@${locked.version}`, "--json", "--pack-destination", cache], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (!existsSync(tarball) || !matchesIntegrity(tarball, locked.integrity)) {
      rmSync(cache, { recursive: true, force: true });
      throw new Error(`${name}@${locked.version}: the tarball does not match package-lock.json's integrity`);
    }
  }
  // Unpacked aside from the tarball just checked; the cached copy is kept while it is the same
  // (another build may be reading it), else replaced by a rename: a build cut short leaves no
  // half-unpacked addon behind. Always at the same path: the build is reproducible.
  const unpacked = join(cache, "package");
  const partial = join(cache, `partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  try {
    execFileSync("tar", ["-xzf", tarball, "-C", partial]);
    const { main } = JSON.parse(readFileSync(join(partial, "package", "package.json"), "utf8"));
    const fresh = readFileSync(join(partial, "package", main));
    const cached = join(unpacked, main);
    if (!existsSync(cached) || !readFileSync(cached).equals(fresh)) {
      rmSync(unpacked, { recursive: true, force: true });
      renameSync(join(partial, "package"), unpacked);
    }
    return cached;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

function matchesIntegrity(file, integrity) {
  const [algorithm, expected] = integrity.split("-");
  return createHash(algorithm).update(readFileSync(file)).digest("base64") === expected;
}

function missing(message) {
  throw new Error(message);
}
