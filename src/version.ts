// Replaced at build time by esbuild/bun `define`; "dev" when running from source (tests).
declare const __PAT_VERSION__: string | undefined;

export const VERSION: string = typeof __PAT_VERSION__ === "string" ? __PAT_VERSION__ : "0.0.0-dev";
