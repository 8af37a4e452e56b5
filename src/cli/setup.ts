// `git-credential-pat setup`: configure git to use this helper, and only it, for the known
// hosts (gh auth setup-git's per-URL shape); `--undo` puts the config back as it was.
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadAccounts } from "../accounts/accounts-file.js";
import { SilentError, UsageError } from "../errors.js";
import { type ConfigTarget, GitConfig } from "../git/git-config.js";
import { configFilePath, readConfigFile, writeConfigFile } from "../git/git-config-file.js";
import { maskCommand } from "../git/url-secret.js";
import type { Deps } from "../platform/deps.js";
import { isRunnable, pathCandidates } from "../platform/path-lookup.js";
import { shellQuote } from "../protocol/index.js";
import { installedBinary } from "./installed-binary.js";
import { makeConfigPatch, revertConfigPatch } from "./setup-patch.js";
import {
  binaryHelperCommand,
  describeChange,
  describeUndoStep,
  helperCommand,
  type KeyChange,
  keysToRead,
  ownerRoutedHosts,
  planSetup,
  planUndo,
  setupHosts,
  type UndoStep,
} from "./setup-plan.js";
import { loadSetupEdits, type SetupEdit, updateSetupEdits } from "./setup-state.js";

export interface SetupOptions {
  /** Only these hosts; [] = every known host. */
  hosts: string[];
  target: ConfigTarget;
  undo: boolean;
  json: boolean;
}

interface SetupArgs {
  host?: string[];
  global?: boolean;
  local?: boolean;
  file?: string;
  undo?: boolean;
  json?: boolean;
}

/** The executable git runs for `credential.helper = pat`. */
const EXECUTABLE = "git-credential-pat";

export function toSetupOptions(argv: SetupArgs): SetupOptions {
  const scopes = [argv.global && "--global", argv.local && "--local", argv.file !== undefined && "--file"];
  const chosen = scopes.filter(Boolean);
  if (chosen.length > 1) {
    throw new UsageError(`use one of --global, --local and --file (got ${chosen.join(" and ")})`);
  }
  if (argv.file !== undefined && argv.file.trim() === "") throw new UsageError("--file needs a path");
  const hosts = (argv.host ?? []).map((host) => host.trim().toLowerCase());
  for (const host of hosts) {
    if (!/^[a-z0-9.-]+(:\d+)?$/.test(host))
      throw new UsageError(`--host must be a host name, like ghe.acme.com (got "${host}")`);
  }
  if (argv.undo && hosts.length > 0) {
    throw new UsageError("--undo takes back everything setup changed in that config; it takes no --host");
  }
  const target: ConfigTarget = argv.local
    ? { scope: "local" }
    : argv.file !== undefined
      ? { scope: "file", path: argv.file }
      : { scope: "global" };
  return { hosts, target, undo: argv.undo ?? false, json: argv.json ?? false };
}

export async function runSetup(opts: SetupOptions, deps: Deps): Promise<void> {
  const file = await configFilePath(opts.target, deps);
  if (opts.undo) return undoSetup(opts, file, deps);

  const accounts = await loadAccounts(deps);
  const hosts = setupHosts(opts.hosts, accounts, deps.env);
  const ownerHosts = ownerRoutedHosts(accounts);
  const helper = await helperToWrite(deps);
  const config = new GitConfig(opts.target, deps);
  const current = new Map<string, string[]>();
  for (const key of keysToRead(hosts, ownerHosts)) current.set(key, await config.getAll(key));
  const changes = planSetup({ hosts, ownerHosts, helper, current });

  const applied: KeyChange[] = [];
  let failure: unknown;
  if (changes.length > 0) {
    const before = await readConfigFile(file, deps);
    for (const change of changes) {
      try {
        await config.setAll(change.key, change.after);
        applied.push(change);
      } catch (error) {
        failure = error;
        // A key git changed only in part (reset, but the helper not added) is recorded as it is now.
        const now = await config.getAll(change.key).catch(() => change.before);
        if (JSON.stringify(now) !== JSON.stringify(change.before)) applied.push({ ...change, after: now });
        break;
      }
    }
    // Even a setup that failed half way is recorded, so that --undo can take back what it did.
    if (applied.length > 0) await record(file, before, applied, hosts, config, deps);
  }

  if (opts.json) {
    // Values as shown everywhere: a helper someone wrote may hold a secret (maskCommand).
    const changes = applied.map((change) => ({
      ...change,
      before: change.before.map(maskCommand),
      after: change.after.map(maskCommand),
    }));
    const report = { file, scope: opts.target.scope, helper, hosts, changes };
    deps.io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (changes.length === 0) {
    deps.io.out.write(`git already uses ${EXECUTABLE} for ${hosts.join(", ")} in ${file}; nothing changed\n`);
  } else {
    const lines = [
      `Setting up ${EXECUTABLE} for ${hosts.join(", ")} in ${file}`,
      ...applied.flatMap(describeChange),
      ...(failure ? [] : [`Undo with: ${undoCommand(opts.target)}`]),
    ];
    deps.io.out.write(`${lines.join("\n")}\n`);
  }
  if (failure) throw failure;
}

async function record(
  file: string,
  before: Awaited<ReturnType<typeof readConfigFile>>,
  changes: KeyChange[],
  hosts: string[],
  config: GitConfig,
  deps: Deps,
): Promise<void> {
  const after = await readConfigFile(file, deps);
  // For --global we predicted git's file; keep bytes only when git confirms it wrote that one.
  const first = changes.find((change) => change.after.length > 0);
  const isConfirmed =
    config.target.scope !== "global" || (first !== undefined && (await config.originOf(first.key)) === file);
  const edit: SetupEdit = { atMs: deps.clock.now(), hosts, changes };
  if (isConfirmed && before.kind !== "other" && after.kind === "file") {
    edit.patch = makeConfigPatch(before.kind === "file" ? before.bytes : undefined, after.bytes);
  }
  await updateSetupEdits(file, (edits) => [...edits, edit], deps);
}

async function undoSetup(opts: SetupOptions, file: string, deps: Deps): Promise<void> {
  const edits = await loadSetupEdits(file, deps);
  if (edits.length === 0) {
    if (opts.json) deps.io.out.write(`${JSON.stringify({ file, restored: [], notRestored: [] }, null, 2)}\n`);
    else deps.io.out.write(`Nothing to undo: setup has not changed ${file}\n`);
    return;
  }
  const steps = new Map<string, UndoStep>();
  const remaining = await revertPatches(file, edits, steps, deps);
  const isByteExact = remaining.length === 0;
  // Otherwise key by key through git, leaving alone whatever was changed since.
  if (!isByteExact) await undoKeyByKey(new GitConfig(opts.target, deps), file, remaining, steps, deps);

  const all = [...steps.values()];
  const notRestored = all.filter((step) => step.kind === "conflict");
  if (opts.json) {
    const restored = all.flatMap((step) =>
      step.kind === "conflict" ? [] : [{ key: step.key, values: step.values.map(maskCommand) }],
    );
    const conflicts = notRestored.map((step) => ({
      ...step,
      now: step.now.map(maskCommand),
      setupSet: step.setupSet.map(maskCommand),
      before: step.before.map(maskCommand),
    }));
    const report = { file, byteExact: isByteExact, restored, notRestored: conflicts };
    deps.io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `Undoing setup in ${file}`,
      ...all.filter((step) => step.kind !== "conflict").map(describeUndoStep),
      ...(isByteExact ? [`${file} is back to exactly what it was before setup`] : []),
    ];
    deps.io.out.write(`${lines.join("\n")}\n`);
    for (const step of notRestored) deps.io.err.write(`${EXECUTABLE}: ${describeUndoStep(step)}\n`);
  }
  if (notRestored.length > 0) throw new SilentError(1);
}

/**
 * Undoes setups byte for byte while the file is exactly what the latest setup left, newest setup
 * first, recording each key restored in `steps`. Returns the setups still to undo.
 */
async function revertPatches(
  file: string,
  edits: readonly SetupEdit[],
  steps: Map<string, UndoStep>,
  deps: Deps,
): Promise<SetupEdit[]> {
  const remaining = [...edits];
  for (let edit = remaining.at(-1); edit?.patch !== undefined; edit = remaining.at(-1)) {
    const state = await readConfigFile(file, deps);
    const reverted = state.kind === "file" ? revertConfigPatch(state.bytes, edit.patch) : undefined;
    if (state.kind !== "file" || reverted === undefined) break;
    await writeConfigFile(file, reverted.absent ? undefined : reverted.bytes, state.mode, deps);
    for (const change of edit.changes) {
      steps.set(change.key, { kind: "restore", key: change.key, values: change.before });
    }
    remaining.pop();
    await updateSetupEdits(file, () => [...remaining], deps);
  }
  return remaining;
}

/** Undoes `remaining` key by key through git (planUndo), recording each step in `steps`. */
async function undoKeyByKey(
  config: GitConfig,
  file: string,
  remaining: readonly SetupEdit[],
  steps: Map<string, UndoStep>,
  deps: Deps,
): Promise<void> {
  const current = new Map<string, string[]>();
  for (const change of remaining.flatMap((edit) => edit.changes)) {
    if (!current.has(change.key)) current.set(change.key, await config.getAll(change.key));
  }
  for (const step of planUndo(remaining, current)) {
    if (step.kind === "restore") await config.setAll(step.key, step.values);
    steps.set(step.key, step);
  }
  await updateSetupEdits(file, () => [], deps);
}

function undoCommand(target: ConfigTarget): string {
  const scope =
    target.scope === "global"
      ? ""
      : target.scope === "local"
        ? " --local"
        : ` --file ${shellQuote(target.path)}`;
  return `${EXECUTABLE} setup --undo${scope}`;
}

/**
 * The platform binary npm installed with this Node build, by its absolute path: on PATH is only
 * the Node launcher. Otherwise this program: the standalone binary, or the Node build where no
 * binary is installed. A new path after an upgrade replaces the old one on the next setup.
 */
async function helperToWrite(deps: Deps): Promise<string> {
  const binary = await installedBinary(deps);
  if (binary !== undefined) return binaryHelperCommand(binary.path, deps.platform);
  return helperCommand(deps.selfCommand, await isOnPath(EXECUTABLE, deps));
}

/** Whether git finds `name` through PATH (platform/path-lookup.ts: `;` and NAME.exe on Windows). */
export async function isOnPath(name: string, deps: Pick<Deps, "env" | "fs" | "platform">): Promise<boolean> {
  for (const candidate of pathCandidates(name, deps.env.PATH, deps.platform)) {
    try {
      if (isRunnable(await deps.fs.stat(candidate), deps.platform)) return true;
    } catch {
      // Not in this directory.
    }
  }
  return false;
}

export function setupCommand(deps: Deps): CommandModule<object, SetupArgs> {
  return {
    command: "setup",
    describe: "configure git to use this helper, and no other, for the known hosts",
    builder: (yargs: Argv) =>
      yargs
        .option("host", {
          type: "string",
          array: true,
          describe:
            "set up only this host; repeatable (default: github.com, account hosts, and GH_HOST when an enterprise token is set)",
        })
        .option("global", { type: "boolean", describe: "change the global config (the default)" })
        .option("local", { type: "boolean", describe: "change the current repository's config" })
        .option("file", { type: "string", describe: "change this config file" })
        .option("undo", { type: "boolean", describe: "put back what setup changed in that config" })
        .option("json", { type: "boolean", describe: "print what changed as JSON" })
        .example("$0 setup", "use git-credential-pat for github.com and every logged-in host")
        .example("$0 setup --undo", "put the global config back as it was") as Argv<SetupArgs>,
    handler: (argv: ArgumentsCamelCase<SetupArgs>) => runSetup(toSetupOptions(argv), deps),
  };
}
