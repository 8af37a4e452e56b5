// `git-credential-pat import [--file PATH] [--delete] [--force]`: move credentials out of a
// git-credential-store plaintext file into the configured store, keeping git's precedence (the
// first line of a slot wins), never losing a token and never replacing a stored one unasked.
// The decisions are import-plan.ts (pure); this file reads, stores, deletes and reports.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { SocketCacheClient } from "../cache/client.js";
import { defaultSocketPath } from "../cache/socket-path.js";
import { loadConfig } from "../config/config-file.js";
import { NotFoundError, PatError, SilentError, UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { joinPath, normalizePath } from "../posix-path.js";
import { readPrivateFile, resolveSymlinks, rewritePrivateFile } from "../private-files.js";
import { decodeUtf8, slotOf } from "../protocol/index.js";
import { type StoreName, userPath } from "../settings.js";
import { type CredentialLine, formatCredentialFile, parseCredentialFile } from "../stores/credential-file.js";
import { chooseStoreName, openStore, storeFilePath } from "../stores/open-store.js";
import type { StoredCredential, TokenStore } from "../stores/token-store.js";
import { holdsExactly, type PlannedLine, planImport, removeImported } from "./import-plan.js";
import { reportImport } from "./import-report.js";

export interface ImportOptions {
  /** The git-credential-store file; undefined = git's defaults. */
  file: string | undefined;
  delete: boolean;
  /** Replace a different token the store already holds in a line's slot. */
  force: boolean;
  json: boolean;
  store: string | undefined;
}

interface ImportArgs {
  file?: string;
  delete?: boolean;
  force?: boolean;
  json?: boolean;
  store?: string;
}

export function toImportOptions(argv: ImportArgs): ImportOptions {
  return {
    file: argv.file,
    delete: argv.delete ?? false,
    force: argv.force ?? false,
    json: argv.json ?? false,
    store: argv.store,
  };
}

export async function runImport(opts: ImportOptions, deps: Deps): Promise<void> {
  // The same rule as every configured path: a flag typed as --file=~/x reaches us unexpanded.
  const source =
    opts.file === undefined
      ? await defaultSource(deps)
      : userPath(opts.file, "--file", deps.paths, { isFlag: true });
  const content = await readPrivateFile(source, deps);
  if (content === undefined) throw new NotFoundError(`no credentials file at ${source}`);
  const { store, storeName } = await openTargetStore(opts.store, source, deps);

  const read = decodeFile(content, source);
  const plan = planImport(read, await store.list(), { force: opts.force });
  for (const credential of plan.toStore) await store.store(credential, { exactSlot: true });
  await forgetReplaced(plan.lines, deps);

  const deleted = opts.delete ? await deleteImported(source, store, plan.lines, read, deps) : undefined;
  const held = deleted?.storedNow ?? (await store.list());
  const notInStore = plan.lines
    .filter((line) => line.outcome.kind !== "not-https" && !holdsExactly(held, line.credential))
    .map((line) => line.lineNumber);

  reportImport(
    {
      source,
      storeName,
      lines: plan.lines,
      removed: deleted?.removed,
      shielding: deleted?.shielding ?? [],
      notInStore,
    },
    opts.json,
    deps.io.out,
  );
  // Nothing there to move: SPEC's "nothing to act on".
  if (!plan.lines.some((line) => line.outcome.kind !== "not-https")) throw new SilentError(3);
  // A token left behind (kept stored, or never served) is the user's call: say so in the status too.
  if (notInStore.length > 0) throw new SilentError(1);
}

/** The store to import into: one that persists, and not the file being imported. */
async function openTargetStore(
  flag: string | undefined,
  source: string,
  deps: Deps,
): Promise<{ store: TokenStore; storeName: StoreName }> {
  const config = await loadConfig(deps);
  const storeName = chooseStoreName(flag, config, deps.env);
  if (storeName === "memory")
    throw new UsageError('import needs a store that persists: "--store=keychain" or "--store=file"');
  if (storeName === "file" && (await isSameFile(source, storeFilePath(config, deps).path, deps))) {
    throw new UsageError(`${source} is the file store itself; nothing to import`);
  }
  return { store: await openStore(storeName, config, deps), storeName };
}

/**
 * --delete: takes out of the file the lines whose exact credential the store now holds. Returns
 * what the store held then, and the numbers (as import read them) of the lines removed and of
 * those kept because they shield a removed one.
 */
async function deleteImported(
  source: string,
  store: TokenStore,
  planned: readonly PlannedLine[],
  read: readonly CredentialLine[],
  deps: Deps,
): Promise<{
  storedNow: StoredCredential[] | undefined;
  removed: number[] | undefined;
  shielding: number[];
}> {
  let storedNow: StoredCredential[] | undefined;
  let removed: number[] | undefined;
  let shielding: number[] = [];
  const readTexts = planned.map((line) => line.text);
  // Through a symbolic link to the file itself, with git's lock beside it, as git and the file store do.
  const target = await resolveSymlinks(source, deps.fs);
  await rewritePrivateFile(
    target,
    async (current) => {
      // What the store holds now, read while nobody can add a line to the file: a line goes
      // only when its exact credential (slot and token) is there.
      storedNow = await store.list();
      const lines = decodeFile(current, source);
      const change = removeImported(lines, readTexts, storedNow);
      const numbers = originalLineNumbers(lines, read);
      removed = numbersOf(change.removed, numbers);
      shielding = numbersOf(change.shielding, numbers);
      return change.removed.length === 0 ? undefined : formatCredentialFile(change.kept);
    },
    { lockTimeoutMs: 5000 },
    deps,
  );
  return { storedNow, removed, shielding };
}

async function defaultSource(deps: Deps): Promise<string> {
  // git credential-store's own default order (git-credential-store(1), FILES).
  const candidates = [
    joinPath(deps.paths.home, ".git-credentials"),
    joinPath(deps.paths.xdgConfigHome, "git", "credentials"),
  ];
  for (const path of candidates) {
    if (
      await deps.fs.stat(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new NotFoundError(`no git-credential-store file found (looked for ${candidates.join(" and ")})`, {
    hint: "name one with --file PATH",
  });
}

/**
 * True when `a` and `b` name one file however they are spelled: `//` and `/./`, a symbolic link
 * (or a chain of them, or one in a parent directory) or a hard link. The last two only show as the
 * same device and inode; a file that does not exist is no other file.
 */
export async function isSameFile(a: string, b: string, deps: Pick<Deps, "fs">): Promise<boolean> {
  if (normalizePath(a) === normalizePath(b)) return true;
  const [realA, realB] = await Promise.all([resolveSymlinks(a, deps.fs), resolveSymlinks(b, deps.fs)]);
  if (normalizePath(realA) === normalizePath(realB)) return true;
  const [statA, statB] = await Promise.all([a, b].map((path) => deps.fs.stat(path).catch(() => undefined)));
  return statA !== undefined && statB !== undefined && statA.dev === statB.dev && statA.ino === statB.ino;
}

/** The file's lines; a file that is not text is refused, as the file store refuses one, never rewritten. */
function decodeFile(content: Buffer | undefined, source: string): CredentialLine[] {
  if (content === undefined) return [];
  const text = content.includes(0) ? undefined : decodeUtf8(content);
  if (text === undefined) {
    throw new PatError(`${source} is not a text file (NUL bytes or invalid UTF-8); it was left untouched`);
  }
  return parseCredentialFile(text);
}

/**
 * The line number each line of the file as re-read had when import read it, matched in order (git
 * adds a line at the top and drops lines, so the lines read keep their order); a line added since has none.
 */
function originalLineNumbers(
  current: readonly CredentialLine[],
  read: readonly CredentialLine[],
): Map<CredentialLine, number> {
  const numbers = new Map<CredentialLine, number>();
  let next = 0;
  for (const line of current) {
    const index = read.findIndex((candidate, i) => i >= next && candidate.text === line.text);
    if (index === -1) continue;
    numbers.set(line, index + 1);
    next = index + 1;
  }
  return numbers;
}

function numbersOf(lines: readonly CredentialLine[], numbers: Map<CredentialLine, number>): number[] {
  return lines.flatMap((line) => numbers.get(line) ?? []).sort((x, y) => x - y);
}

/** A replaced token may still sit in the cache daemon: drop the slot there, or git keeps getting it. */
async function forgetReplaced(lines: readonly PlannedLine[], deps: Deps): Promise<void> {
  const replaced = lines.filter((line) => line.outcome.kind === "replaced");
  if (replaced.length === 0) return;
  const cache = new SocketCacheClient({ socketPath: defaultSocketPath(deps.paths), timeoutMs: 1000 }, deps);
  for (const line of replaced) {
    await cache.erase(slotOf(line.credential)).catch(() => {
      // A cache we cannot reach holds nothing we could clear; its entries expire on their own.
    });
  }
}

export function importCommand(deps: Deps): CommandModule<object, ImportArgs> {
  return {
    command: "import",
    describe: "move credentials from a git-credential-store file (~/.git-credentials) into the store",
    builder: (yargs: Argv) =>
      yargs
        .option("file", { type: "string", describe: "the credentials file (default ~/.git-credentials)" })
        .option("delete", {
          type: "boolean",
          describe: "remove from that file the lines whose token the store now holds",
        })
        .option("force", {
          type: "boolean",
          describe: "replace a different token the store already holds for the same credential",
        })
        .option("store", { type: "string", describe: "keychain or file (default: the configured store)" })
        .option("json", { type: "boolean", describe: "print the result as JSON" })
        .example("$0 import --delete", "move ~/.git-credentials into the keychain") as Argv<ImportArgs>,
    handler: (argv: ArgumentsCamelCase<ImportArgs>) => runImport(toImportOptions(argv), deps),
  };
}
