// The walls between the rooms of src/ (STYLE.md §1, issue 14), the reveal() allow-list of §5 and
// the side-effect rule of §3, checked by reading the static imports under src/. Type-only imports
// count for the walls: a type is a dependency of meaning. A wrong arrow fails here.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

/** A room is a folder of src/ or a module at its root. */
type Room =
  | "protocol"
  | "resolve"
  | "helper"
  | "stores"
  | "cache"
  | "github"
  | "git"
  | "accounts"
  | "config"
  | "cli"
  | "platform"
  | "main.ts"
  | "errors.ts"
  | "secret.ts"
  | "posix-path.ts"
  | "version.ts"
  | "command-names.ts"
  | "settings.ts"
  | "private-files.ts"
  | "lease-lock.ts";

/** platform/deps.ts through `import type` only: the Deps interface, never an implementation. */
const PLATFORM_TYPES = "platform/deps.ts (types)";
/** A room, a single file ("accounts/accounts.ts") or the platform's types. */
type Allowed = Room | typeof PLATFORM_TYPES | `${string}/${string}.ts`;

/** What the rooms at the edge (stores, cache, github, git, accounts, config) may use. */
const EDGE: readonly Allowed[] = [
  "protocol",
  "secret.ts",
  "errors.ts",
  "settings.ts",
  PLATFORM_TYPES,
  // Pure path arithmetic, and the private-file and lock helpers written on the platform's types.
  "posix-path.ts",
  "private-files.ts",
  "lease-lock.ts",
];

/**
 * What each room may import besides itself. The order is the layering, bottom up: a room only
 * imports rooms listed above it, so no arrow can close a cycle.
 */
const WALLS: Record<Room, readonly Allowed[]> = {
  // Leaves: they import nothing from the project, and every room may use them.
  "errors.ts": [],
  "secret.ts": [],
  "posix-path.ts": [],
  "version.ts": [],
  // The command names main.ts routes to the CLI, shared with cli/index.ts without loading it.
  "command-names.ts": [],
  // git's wire format, pure: no I/O.
  protocol: ["secret.ts", "errors.ts"],
  // Every environment variable and config key we read, with its default; no I/O.
  "settings.ts": ["errors.ts", "posix-path.ts"],
  // The side effects (Deps) and their real implementations, the only place touching the OS.
  platform: ["protocol", "secret.ts", "errors.ts", "posix-path.ts", "settings.ts"],
  // Private files written through Deps, and the lease lock on top of them (used by the edge).
  "private-files.ts": ["errors.ts", "posix-path.ts", PLATFORM_TYPES],
  "lease-lock.ts": ["errors.ts", "private-files.ts", PLATFORM_TYPES],
  // The edge: each depends only on the shared base, never on another edge room.
  stores: EDGE,
  cache: EDGE,
  github: EDGE,
  git: EDGE,
  accounts: EDGE,
  // config.json, read on git's path and by the commands; the stores never read it themselves.
  config: EDGE,
  // request → token: the protocol and the pure account rules (accounts-file.ts does I/O).
  resolve: [
    "protocol",
    "secret.ts",
    "errors.ts",
    "posix-path.ts",
    "accounts/account.ts",
    "accounts/accounts.ts",
  ],
  // git's path: get/store/erase and the cache daemon. Never the CLI or the GitHub API.
  helper: [...EDGE, "stores", "cache", "git", "accounts", "config", "resolve"],
  // The commands may use every room but the entry point.
  cli: [
    ...EDGE,
    "stores",
    "cache",
    "github",
    "git",
    "accounts",
    "config",
    "resolve",
    "helper",
    "platform",
    "version.ts",
    "command-names.ts",
  ],
  // Chooses git's path or the CLI; it loads cli/ only with `await import()`.
  "main.ts": [
    "helper",
    "platform",
    "protocol",
    "settings.ts",
    "secret.ts",
    "errors.ts",
    "version.ts",
    "command-names.ts",
  ],
};

/** The arrows issue 14 names as never allowed; the table above must keep them out. */
const NEVER: readonly [Room, Room][] = [
  ["helper", "cli"],
  ["helper", "github"],
  ["stores", "resolve"],
  ["cache", "resolve"],
  ["cache", "stores"],
];

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

interface Import {
  spec: string;
  /** `import type` / `export type`: erased at build time, but still a dependency of meaning. */
  isTypeOnly: boolean;
}

/** Static imports and re-exports; `await import()` is deliberately not matched. */
function staticImports(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/^(?:import|export)\s(?:type\s)?[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gms),
  ];
  return specs.map((match) => ({
    spec: match[1] ?? match[2] ?? "",
    isTypeOnly: /^(?:import|export)\s+type\s/.test(match[0]),
  }));
}

function resolveLocal(from: string, spec: string): string | undefined {
  return spec.startsWith(".") ? resolve(dirname(from), spec).replace(/\.js$/, ".ts") : undefined;
}

const rel = (file: string) => relative(SRC, file);
const roomOf = (relPath: string) => relPath.split("/")[0] as Room;

interface Arrow {
  from: string;
  to: string;
  isTypeOnly: boolean;
}

/** Every import from one file of src/ to another, type-only ones included. */
function localArrows(files: readonly string[]): Arrow[] {
  return files.flatMap((file) =>
    staticImports(file).flatMap(({ spec, isTypeOnly }) => {
      const target = resolveLocal(file, spec);
      return target ? [{ from: rel(file), to: rel(target), isTypeOnly }] : [];
    }),
  );
}

function isAllowed({ to, isTypeOnly }: Arrow, allowed: readonly Allowed[]): boolean {
  return allowed.some((entry) =>
    entry === PLATFORM_TYPES ? to === "platform/deps.ts" && isTypeOnly : entry === to || entry === roomOf(to),
  );
}

/** The cycles of a graph, each as its nodes in order (one per strongly connected part). */
function cycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      found.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of edges.keys()) visit(node, []);
  return found;
}

function graph(pairs: readonly [string, string][]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const [from, to] of pairs) {
    if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  }
  return edges;
}

const format = ({ from, to, isTypeOnly }: Arrow) => `${from} → ${to}${isTypeOnly ? " (type)" : ""}`;

describe("layer boundaries", () => {
  const files = sourceFiles();
  const arrows = localArrows(files);

  it("has a row for every folder and root module of src/", () => {
    const rooms = [...new Set(files.map((file) => roomOf(rel(file))))].sort();
    expect(rooms).toEqual(Object.keys(WALLS).sort());
  });

  it.each(Object.keys(WALLS) as Room[])("%s imports only what its row allows", (room) => {
    const offending = arrows
      .filter((arrow) => roomOf(arrow.from) === room && roomOf(arrow.to) !== room)
      .filter((arrow) => !isAllowed(arrow, WALLS[room]));
    expect(offending.map(format)).toEqual([]);
  });

  it.each(NEVER)("never lets %s import %s", (from, to) => {
    expect(WALLS[from]).not.toContain(to);
  });

  it("has no import cycle between rooms, type imports included", () => {
    const rooms = graph(arrows.map(({ from, to }) => [roomOf(from), roomOf(to)]));
    expect(cycles(rooms).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("has no import cycle between files, type imports included", () => {
    const modules = graph(arrows.map(({ from, to }) => [from, to]));
    expect(cycles(modules).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("keeps yargs, Octokit and the keyring addon off git's get/store/erase path", () => {
    const seen = new Set<string>();
    const external = new Map<string, string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { spec, isTypeOnly } of staticImports(file)) {
        // `import type` is erased at build time: it loads nothing.
        if (isTypeOnly) continue;
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
