// What `setup` changed, per git config file, so `setup --undo` can put it back:
// $XDG_STATE_HOME/git-credential-pat/setup.json (0600, rewritten atomically under its lock).
// Holds config keys and values and the changed lines of the file, never a token.
import { PatError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { joinPath } from "../posix-path.js";
import { ensurePrivateDir, readPrivateFile, rewritePrivateFile } from "../private-files.js";
import { DEFAULTS, ENV, positiveInt, stateDir } from "../settings.js";
import type { ConfigPatch, Hunk } from "./setup-patch.js";
import type { KeyChange } from "./setup-plan.js";

/** One run of setup on one file. */
export interface SetupEdit {
  atMs: number;
  hosts: string[];
  changes: KeyChange[];
  /** The file's bytes before and after; absent when git wrote a file we could not read (a symlink). */
  patch?: ConfigPatch;
}

interface SetupRecord {
  /** The config file, as an absolute path. */
  file: string;
  /** Oldest first. */
  edits: SetupEdit[];
}

interface SetupState {
  version: 1;
  targets: SetupRecord[];
}

export type SetupStateDeps = Pick<Deps, "env" | "paths" | "fs" | "clock" | "uid" | "deferSignals">;

export function setupStatePath(paths: Deps["paths"]): string {
  return joinPath(stateDir(paths), "setup.json");
}

/** What setup changed in `file` and has not undone, oldest first. */
export async function loadSetupEdits(file: string, deps: SetupStateDeps): Promise<SetupEdit[]> {
  const path = setupStatePath(deps.paths);
  const state = decodeSetupState(path, await readPrivateFile(path, deps));
  return state.targets.find((target) => target.file === file)?.edits ?? [];
}

/** Read-modify-write of `file`'s edits under the state file's lock; [] drops the record. */
export async function updateSetupEdits(
  file: string,
  mutate: (edits: SetupEdit[]) => SetupEdit[],
  deps: SetupStateDeps,
): Promise<void> {
  const path = setupStatePath(deps.paths);
  await ensurePrivateDir(stateDir(deps.paths), "private", deps);
  await rewritePrivateFile(
    path,
    (current) => {
      const state = decodeSetupState(path, current);
      const others = state.targets.filter((target) => target.file !== file);
      const edits = mutate([...(state.targets.find((target) => target.file === file)?.edits ?? [])]);
      const next: SetupState = {
        version: 1,
        targets: edits.length === 0 ? others : [...others, { file, edits }],
      };
      return `${JSON.stringify(next, null, 2)}\n`;
    },
    { lockTimeoutMs: positiveInt(deps.env[ENV.lockTimeoutMs], DEFAULTS.lockTimeoutMs) },
    deps,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/** Parses and checks every field: a file on disk is never trusted (people and other tools edit it). */
function decodeSetupState(path: string, content: Buffer | undefined): SetupState {
  if (content === undefined) return { version: 1, targets: [] };
  const fail = (what: string): never => {
    throw new PatError(`setup state ${path} ${what}`, {
      hint: `move it aside (mv "${path}" "${path}.bak"); setup --undo then has nothing to undo`,
    });
  };
  let data: unknown;
  try {
    data = JSON.parse(content.toString("utf8"));
  } catch {
    return fail("is not valid JSON");
  }
  if (!isRecord(data) || data.version !== 1 || !Array.isArray(data.targets)) {
    return fail('must be {"version": 1, "targets": [...]}');
  }
  const targets = data.targets.map((target: unknown, index: number): SetupRecord => {
    const where = `targets[${index}]`;
    if (!isRecord(target) || typeof target.file !== "string" || !Array.isArray(target.edits)) {
      return fail(`${where} must have a "file" and "edits"`);
    }
    return {
      file: target.file,
      edits: target.edits.map((edit: unknown, e: number) => decodeEdit(edit, `${where}.edits[${e}]`, fail)),
    };
  });
  return { version: 1, targets };
}

function decodeEdit(edit: unknown, where: string, fail: (what: string) => never): SetupEdit {
  if (
    !isRecord(edit) ||
    typeof edit.atMs !== "number" ||
    !isStrings(edit.hosts) ||
    !Array.isArray(edit.changes)
  ) {
    return fail(`${where} must have "atMs", "hosts" and "changes"`);
  }
  const changes = edit.changes.map((change: unknown, c: number): KeyChange => {
    if (
      !isRecord(change) ||
      typeof change.key !== "string" ||
      !isStrings(change.before) ||
      !isStrings(change.after)
    ) {
      return fail(`${where}.changes[${c}] must have "key", "before" and "after"`);
    }
    return { key: change.key, before: change.before, after: change.after };
  });
  const decoded: SetupEdit = { atMs: edit.atMs, hosts: edit.hosts, changes };
  if (edit.patch !== undefined) decoded.patch = decodePatch(edit.patch, `${where}.patch`, fail);
  return decoded;
}

function decodePatch(patch: unknown, where: string, fail: (what: string) => never): ConfigPatch {
  const isSha = (value: unknown): value is string =>
    typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
  if (
    !isRecord(patch) ||
    !(patch.beforeSha256 === null || isSha(patch.beforeSha256)) ||
    !isSha(patch.afterSha256) ||
    !Array.isArray(patch.hunks)
  ) {
    return fail(`${where} must have "beforeSha256", "afterSha256" and "hunks"`);
  }
  const hunks = patch.hunks.map((hunk: unknown, h: number): Hunk => {
    if (
      !isRecord(hunk) ||
      typeof hunk.at !== "number" ||
      !Number.isInteger(hunk.at) ||
      hunk.at < 0 ||
      !isStrings(hunk.before) ||
      !isStrings(hunk.after)
    ) {
      return fail(`${where}.hunks[${h}] must have "at", "before" and "after"`);
    }
    return { at: hunk.at, before: hunk.before, after: hunk.after };
  });
  return { beforeSha256: patch.beforeSha256 as string | null, afterSha256: patch.afterSha256, hunks };
}
