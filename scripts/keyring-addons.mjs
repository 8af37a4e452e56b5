// Each release target's keychain addon (@napi-rs/keyring-*), fetched with `npm pack` at the exact
// version package-lock.json pins and checked against its integrity; kept in a cache across builds.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));

/** The absolute path of the target's keychain addon (.node file), fetched once. */
export function keyringAddonFile(target) {
  const name = `@napi-rs/keyring-${target.keyring}`;
  const locked = lock.packages[`node_modules/${name}`] ?? missing(`${name} is not in package-lock.json`);
  const cache = join(
    process.env.XDG_CACHE_HOME || join(homedir(), ".cache"),
    "git-credential-pat-release",
    `${target.keyring}-${locked.version}`,
  );
  const unpacked = join(cache, "package");
  if (!existsSync(join(unpacked, "package.json"))) {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    const [{ filename }] = JSON.parse(
      execFileSync("npm", ["pack", `${name}@${locked.version}`, "--json", "--pack-destination", cache], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      }),
    );
    const tarball = readFileSync(join(cache, filename));
    const [algorithm, expected] = locked.integrity.split("-");
    if (createHash(algorithm).update(tarball).digest("base64") !== expected) {
      rmSync(cache, { recursive: true, force: true });
      throw new Error(`${name}@${locked.version}: the tarball does not match package-lock.json's integrity`);
    }
    // Unpacked aside and renamed: a build cut short leaves no half-unpacked addon behind.
    const partial = join(cache, "partial");
    mkdirSync(partial);
    execFileSync("tar", ["-xzf", join(cache, filename), "-C", partial]);
    renameSync(join(partial, "package"), unpacked);
  }
  const { main } = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"));
  return join(unpacked, main);
}

function missing(message) {
  throw new Error(message);
}
