// Enforces the layer rules of STYLE.md §1 and the reveal() allow-list of §5 by reading the
// static imports under src/: a stray import of yargs or @octokit into git's path fails here.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Static imports and re-exports; `await import()` is deliberately not matched. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/^(?:import|export)\s(?:type\s)?[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gms),
  ];
  return specs
    .filter((match) => !/^(?:import|export)\s+type\s/.test(match[0]))
    .map((match) => match[1] ?? match[2] ?? "");
}

function resolveLocal(from: string, spec: string): string | undefined {
  return spec.startsWith(".") ? resolve(dirname(from), spec).replace(/\.js$/, ".ts") : undefined;
}

const rel = (file: string) => relative(SRC, file);

describe("layer boundaries", () => {
  const files = sourceFiles();

  it("keeps yargs, Octokit and the keyring addon off git's get/store/erase path", () => {
    const seen = new Set<string>();
    const external = new Map<string, string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file)) {
        const local = resolveLocal(file, spec);
        if (local) visit(local);
        else external.set(spec, rel(file));
      }
    };
    visit(join(SRC, "main.ts"));
    const forbidden = [...external].filter(([spec]) => /^(yargs|@octokit\/|@napi-rs\/keyring)/.test(spec));
    expect(forbidden).toEqual([]);
    expect([...seen].map(rel).filter((file) => /^(cli|github)\//.test(file))).toEqual([]);
  });

  it.each([
    { layer: "protocol/", allowed: /^(protocol\/|secret\.ts|errors\.ts)/ },
    { layer: "secret.ts", allowed: /^$/ },
    { layer: "errors.ts", allowed: /^$/ },
    {
      layer: "resolve/",
      // The pure account rules (not accounts-file.ts, which does I/O) and pure path arithmetic.
      allowed:
        /^(protocol\/|resolve\/|secret\.ts|errors\.ts|posix-path\.ts|stores\/token-store\.ts|platform\/deps\.ts|accounts\/accounts?\.ts)/,
    },
    { layer: "helper/", allowed: /^(?!cli\/|github\/)/ },
  ])("$layer imports only what its layer may", ({ layer, allowed }) => {
    const offending = files
      .filter((file) => rel(file).startsWith(layer))
      .flatMap((file) =>
        staticImports(file)
          .map((spec) => resolveLocal(file, spec))
          .filter((target): target is string => target !== undefined && !rel(target).startsWith(layer))
          .filter((target) => !allowed.test(rel(target)))
          .map((target) => `${rel(file)} → ${rel(target)}`),
      );
    expect(offending).toEqual([]);
  });

  it("calls reveal() only in serialize, the store backends and github/", () => {
    const allowed = /^(protocol\/serialize\.ts|stores\/|github\/|secret\.ts)/;
    const offending = files.filter(
      (file) => /\.reveal\(\)/.test(readFileSync(file, "utf8")) && !allowed.test(rel(file)),
    );
    expect(offending.map(rel)).toEqual([]);
  });

  it("reads process.env, Date.now() and child_process only in platform/ and main.ts", () => {
    const allowed = /^(platform\/|main\.ts)/;
    const offending = files.filter(
      (file) =>
        /process\.env|Date\.now\(\)|node:child_process/.test(readFileSync(file, "utf8")) &&
        !allowed.test(rel(file)),
    );
    expect(offending.map(rel)).toEqual([]);
  });
});
