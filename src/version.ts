// Replaced at build time by esbuild/bun `define`; "dev" when running from source (tests).
declare const __PAT_VERSION__: string | undefined;
// The release target a standalone binary was compiled for ("linux-arm64"); absent in the Node build.
declare const __PAT_PLATFORM__: string | undefined;

export const VERSION: string = typeof __PAT_VERSION__ === "string" ? __PAT_VERSION__ : "0.0.0-dev";

/** `--version`: the version first (what scripts read), then the platform and which build runs. */
export function versionLine(): string {
  const build =
    typeof __PAT_PLATFORM__ === "string"
      ? `${__PAT_PLATFORM__}, standalone`
      : `${process.platform}-${process.arch}, node ${process.version}`;
  return `${VERSION} (${build})`;
}
