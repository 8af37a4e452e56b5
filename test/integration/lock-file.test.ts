// withLockFile (the keychain's and the cache daemon's lock) across real processes on a real file
// system: node and bun processes (both runtimes the helper ships on) take one lock file in turns,
// each marking its holds in a shared file. At most one may hold it at any time: over a lock left
// by a killed process, which exactly one of them takes over, and past staleMs while a live holder
// keeps it.
import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCommand } from "../helpers/artifacts.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const HOLDER = join(ROOT, "test", "helpers", "lock-holder.ts");
const BUN = join(ROOT, "node_modules", ".bin", "bun");

interface Holder {
  name: string;
  /** When it first asks for the lock, from the test's start time. */
  delayMs: number;
  rounds: number;
  holdMs: number;
  /** How long it is held back after its first look at the lock's age (see lock-holder.ts). */
  pauseMs: number;
}

describe("withLockFile across processes", () => {
  let bundleDir: string;
  let nodeHolder: string;
  let dir: string;
  let lockPath: string;
  let marksPath: string;

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), "pat-lock-holder-"));
    nodeHolder = join(bundleDir, "lock-holder.mjs");
    await build({
      entryPoints: [HOLDER],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: nodeHolder,
    });
  });
  afterAll(() => rm(bundleDir, { recursive: true, force: true }));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "pat-lock-"));
    lockPath = join(dir, "keychain.lock");
    marksPath = join(dir, "marks");
    await writeFile(marksPath, "");
    return () => rm(dir, { recursive: true, force: true });
  });

  /** Runs the holders, alternating node and bun; resolves to the marks they left. */
  async function runHolders(holders: readonly Holder[], staleMs: number): Promise<string[]> {
    // Far enough ahead for every process to have started and be spinning.
    const startAt = Date.now() + 2500;
    const results = await Promise.all(
      holders.map((holder, index) =>
        runCommand(
          [
            ...(index % 2 === 0 ? [process.execPath, nodeHolder] : [BUN, "run", HOLDER]),
            lockPath,
            marksPath,
            holder.name,
            String(startAt + holder.delayMs),
            String(holder.rounds),
            String(holder.holdMs),
            String(staleMs),
            String(holder.pauseMs),
          ],
          { env: { PATH: process.env.PATH ?? "" }, timeoutMs: 60_000 },
        ),
      ),
    );
    expect(results.map((result) => [result.code, result.stderr])).toEqual(holders.map(() => [0, ""]));
    return (await readFile(marksPath, "utf8")).split("\n").filter(Boolean);
  }

  /** Each "enter" is followed by the same holder's "leave": no two holds overlapped. */
  function expectTurns(marks: readonly string[], holders: readonly Holder[]): void {
    const turns = marks.flatMap((mark, index) =>
      index % 2 === 0 ? [[mark, marks[index + 1]].join(" / ")] : [],
    );
    const overlaps = turns.filter((turn) => !/^enter (\S+) \/ leave \1$/.test(turn));
    expect(overlaps).toEqual([]);
    expect(marks).toHaveLength(2 * holders.reduce((sum, holder) => sum + holder.rounds, 0));
  }

  const many = (count: number, rounds: number): Holder[] =>
    Array.from({ length: count }, (_, i) => ({ name: `p${i}`, delayMs: 0, rounds, holdMs: 5, pauseMs: 0 }));

  async function plantAbandoned(content: string): Promise<void> {
    await writeFile(lockPath, content, { mode: 0o600 });
    const longAgo = new Date(Date.now() - 3_600_000);
    await utimes(lockPath, longAgo, longAgo);
  }

  it.each([
    { name: "left empty by a holder killed as it created it", content: "" },
    { name: "left by a holder killed while it held it", content: "lock dead0\nbeat\n" },
  ])(
    "one of many processes takes over a lock $name, and they then take turns",
    async ({ content }) => {
      await plantAbandoned(content);
      const holders = many(12, 3);
      expectTurns(await runHolders(holders, 2000), holders);
      await expect(readFile(lockPath)).rejects.toMatchObject({ code: "ENOENT" });
    },
    90_000,
  );

  it("lets one waiter take over an abandoned lock when the others act on the same stale look after it", async () => {
    await plantAbandoned("lock dead0\n");
    // All look at once and find it abandoned; then p0 acts at once, p1 30 ms later, and so on,
    // while p0 (or whoever won) still holds it.
    const holders = Array.from({ length: 6 }, (_, i) => ({
      name: `p${i}`,
      delayMs: 0,
      rounds: 2,
      holdMs: 200,
      pauseMs: 30 * i,
    }));
    expectTurns(await runHolders(holders, 2000), holders);
  }, 90_000);

  it("keeps a live holder's lock past staleMs: it stamps the lock while it holds it", async () => {
    // staleMs 1 s: the first holder keeps the lock for 2.5 s, the others ask for it meanwhile.
    const holders: Holder[] = [
      { name: "long", delayMs: 0, rounds: 1, holdMs: 2500, pauseMs: 0 },
      ...many(5, 2).map((holder) => ({ ...holder, delayMs: 300 })),
    ];
    const marks = await runHolders(holders, 1000);
    expectTurns(marks, holders);
    expect(marks.slice(0, 2)).toEqual(["enter long", "leave long"]);
  }, 90_000);
});
