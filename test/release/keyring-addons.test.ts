// The keychain addon each release binary embeds comes from a cache across builds
// (scripts/keyring-addons.mjs): what it hands the build must be what package-lock.json's
// integrity vouches for every time, not only on the build that filled the cache.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keyringAddonFile } from "../../scripts/keyring-addons.mjs";
import { RELEASE_TARGETS } from "../../scripts/release-targets.mjs";

const root = join(import.meta.dirname, "..", "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version: string }>;
};
const target = RELEASE_TARGETS.find((t) => t.id === "linux-x64");
const keyring = target?.keyring ?? "none";
const { version } = lock.packages[`node_modules/@napi-rs/keyring-${keyring}`] ?? { version: "none" };

describe("keyringAddonFile with a cache changed since it was filled", () => {
  let cacheHome: string;
  let saved: string | undefined;

  beforeEach(() => {
    saved = process.env.XDG_CACHE_HOME;
    cacheHome = mkdtempSync(join(tmpdir(), "gcp-addon-cache-"));
    process.env.XDG_CACHE_HOME = cacheHome;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(cacheHome, { recursive: true, force: true });
  });

  it("never hands the build an unpacked addon the lock file's integrity did not check", () => {
    const unpacked = join(cacheHome, "git-credential-pat-release", `${keyring}-${version}`, "package");
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(join(unpacked, "package.json"), JSON.stringify({ main: `keyring.${keyring}.node` }));
    writeFileSync(join(unpacked, `keyring.${keyring}.node`), "not the addon npm published");
    // The genuine addon (an ELF shared object for linux-x64), checked and unpacked again.
    const file = keyringAddonFile({ keyring });
    expect(readFileSync(file).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
  }, 120_000);
});
