// Every platform we ship a standalone binary for: bun's compile target, the @napi-rs/keyring
// package that carries its keychain addon, and the npm package (an optional dependency of
// git-credential-pat, picked by npm from os/cpu/libc the way esbuild's and Biome's are).
export const RELEASE_TARGETS = [
  { id: "linux-x64", bun: "bun-linux-x64", keyring: "linux-x64-gnu", os: "linux", cpu: "x64", libc: "glibc" },
  {
    id: "linux-arm64",
    bun: "bun-linux-arm64",
    keyring: "linux-arm64-gnu",
    os: "linux",
    cpu: "arm64",
    libc: "glibc",
  },
  {
    id: "linux-x64-musl",
    bun: "bun-linux-x64-musl",
    keyring: "linux-x64-musl",
    os: "linux",
    cpu: "x64",
    libc: "musl",
  },
  {
    id: "linux-arm64-musl",
    bun: "bun-linux-arm64-musl",
    keyring: "linux-arm64-musl",
    os: "linux",
    cpu: "arm64",
    libc: "musl",
  },
  { id: "darwin-x64", bun: "bun-darwin-x64", keyring: "darwin-x64", os: "darwin", cpu: "x64" },
  { id: "darwin-arm64", bun: "bun-darwin-arm64", keyring: "darwin-arm64", os: "darwin", cpu: "arm64" },
  {
    id: "windows-x64",
    bun: "bun-windows-x64",
    keyring: "win32-x64-msvc",
    os: "win32",
    cpu: "x64",
    exe: true,
  },
];

/** release/ file name of a target's binary. */
export const binaryFileName = (target) => `git-credential-pat-${target.id}${target.exe ? ".exe" : ""}`;

/** npm name of a target's package: @git-credential-pat/linux-x64, …/win32-x64 (npm's os name). */
export const npmPackageName = (target) => `@git-credential-pat/${target.id.replace(/^windows-/, "win32-")}`;

/** The binary's path inside its npm package. */
export const npmBinaryPath = (target) => `bin/git-credential-pat${target.exe ? ".exe" : ""}`;
