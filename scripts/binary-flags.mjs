// How the standalone binary is compiled; the bench compiles its hello-world floor the same way.
export const BINARY_FLAGS = [
  "--compile",
  "--minify",
  // Bytecode skips parsing at start-up (measured: ~60 ms → ~20 ms); it needs ESM output.
  "--bytecode",
  "--format=esm",
  // A .env or bunfig.toml in the repository git runs us in must not change what we do.
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
];
