// `git-credential-pat import [--file PATH] [--delete]`: move credentials out of a
// git-credential-store plaintext file into the configured store.
import { join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadConfig } from "../config/config-file.js";
import { NotFoundError, UsageError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { readPrivateFile, rewritePrivateFile } from "../private-files.js";
import { isSafeTransport, printable } from "../protocol/index.js";
import { userPath } from "../settings.js";
import { formatCredentialFile, parseCredentialFile } from "../stores/credential-file.js";
import { chooseStoreName, openStore, storeFilePath } from "../stores/open-store.js";
import type { StoredCredential } from "../stores/token-store.js";

export interface ImportOptions {
  /** The git-credential-store file; undefined = git's defaults. */
  file: string | undefined;
  delete: boolean;
  json: boolean;
  store: string | undefined;
}

interface ImportArgs {
  file?: string;
  delete?: boolean;
  json?: boolean;
  store?: string;
}

export function toImportOptions(argv: ImportArgs): ImportOptions {
  return { file: argv.file, delete: argv.delete ?? false, json: argv.json ?? false, store: argv.store };
}

type Outcome = {
  credential: StoredCredential;
  line: string;
  result: "imported" | "skipped";
  reason?: string;
};

export async function runImport(opts: ImportOptions, deps: Deps): Promise<void> {
  // The same rule as every configured path: a flag typed as --file=~/x reaches us unexpanded.
  const source =
    opts.file === undefined
      ? await defaultSource(deps)
      : userPath(opts.file, "--file", deps.paths.home, { isFlag: true });
  const content = await readPrivateFile(source, deps);
  if (content === undefined) throw new NotFoundError(`no credentials file at ${source}`);

  const config = await loadConfig(deps);
  const storeName = chooseStoreName(opts.store, config, deps.env);
  if (storeName === "memory")
    throw new UsageError('import needs a store that persists: "--store=keychain" or "--store=file"');
  if (storeName === "file" && storeFilePath(config, deps).path === source) {
    throw new UsageError(`${source} is already the file store; nothing to import`);
  }
  const store = await openStore(storeName, config, deps);

  const outcomes: Outcome[] = [];
  for (const line of parseCredentialFile(content.toString("utf8"))) {
    if (line.kind !== "credential") continue;
    const { credential } = line;
    if (!isSafeTransport(credential.protocol, credential.host)) {
      outcomes.push({ credential, line: line.text, result: "skipped", reason: "not https" });
      continue;
    }
    await store.store(credential);
    outcomes.push({ credential, line: line.text, result: "imported" });
  }

  const moved = new Set(outcomes.filter((o) => o.result === "imported").map((o) => o.line));
  if (opts.delete && moved.size > 0) {
    // Re-read under the lock and drop exactly the lines we moved; anything added meanwhile stays.
    await rewritePrivateFile(
      source,
      (current) => {
        const kept = parseCredentialFile((current ?? Buffer.alloc(0)).toString("utf8")).filter(
          (l) => !moved.has(l.text),
        );
        return formatCredentialFile(kept);
      },
      { lockTimeoutMs: 5000 },
      deps,
    );
  }
  report(outcomes, { source, storeName, deleted: opts.delete && moved.size > 0, json: opts.json }, deps);
}

async function defaultSource(deps: Deps): Promise<string> {
  // git credential-store's own default order (git-credential-store(1), FILES).
  const candidates = [
    join(deps.paths.home, ".git-credentials"),
    join(deps.paths.xdgConfigHome, "git", "credentials"),
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

function report(
  outcomes: readonly Outcome[],
  context: { source: string; storeName: string; deleted: boolean; json: boolean },
  deps: Deps,
): void {
  const describe = ({ credential }: Outcome) => ({
    protocol: credential.protocol,
    host: credential.host,
    username: credential.username,
    ...(credential.path === undefined ? {} : { path: credential.path }),
  });
  if (context.json) {
    const rows = outcomes.map((o) => ({
      ...describe(o),
      result: o.result,
      ...(o.reason ? { reason: o.reason } : {}),
    }));
    deps.io.out.write(
      `${JSON.stringify({ source: context.source, store: context.storeName, deleted: context.deleted, credentials: rows }, null, 2)}\n`,
    );
    return;
  }
  for (const outcome of outcomes) {
    const { protocol, host, username, path } = describe(outcome);
    const where = printable(`${protocol}://${host}${path ? `/${path}` : ""} (${username})`);
    deps.io.out.write(
      outcome.result === "imported"
        ? `imported ${where} into ${context.storeName}\n`
        : `skipped  ${where}: ${outcome.reason}\n`,
    );
  }
  const count = outcomes.filter((o) => o.result === "imported").length;
  deps.io.out.write(`${count} credential${count === 1 ? "" : "s"} imported from ${context.source}`);
  deps.io.out.write(
    context.deleted
      ? "; removed them from that file\n"
      : count > 0
        ? `; to remove them from it run again with --delete\n`
        : "\n",
  );
}

export function importCommand(deps: Deps): CommandModule<object, ImportArgs> {
  return {
    command: "import",
    describe: "move credentials from a git-credential-store file (~/.git-credentials) into the store",
    builder: (yargs: Argv) =>
      yargs
        .option("file", { type: "string", describe: "the credentials file (default ~/.git-credentials)" })
        .option("delete", { type: "boolean", describe: "remove the moved lines from that file" })
        .option("store", { type: "string", describe: "keychain or file (default: the configured store)" })
        .option("json", { type: "boolean", describe: "print the result as JSON" })
        .example("$0 import --delete", "move ~/.git-credentials into the keychain") as Argv<ImportArgs>,
    handler: (argv: ArgumentsCamelCase<ImportArgs>) => runImport(toImportOptions(argv), deps),
  };
}
