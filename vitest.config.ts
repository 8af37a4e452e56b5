import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["test/helpers/canary-guard.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // .ci/run reads the JSON report to print "N passed, N failed".
    reporters: ["default", ["json", { outputFile: ".test-results.json" }]],
    coverage: {
      provider: "v8",
      include: ["src/protocol/**", "src/secret.ts"],
      thresholds: { lines: 100, branches: 100, functions: 100, statements: 100 },
    },
  },
});
