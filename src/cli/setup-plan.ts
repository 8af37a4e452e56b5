// What `setup` changes in git's config and what `--undo` puts back, decided without I/O: the
// hosts, the helper command, the per-URL keys (gh auth setup-git's shape), and the undo plan.
import type { Account } from "../accounts/account.js";
import { maskCommand } from "../git/url-secret.js";
import { shellQuote } from "../protocol/index.js";
import { envTokens, GITHUB_HOST } from "../resolve/env-token-source.js";

/** One config key setup changed: its values before and after (in file order; [] = not set). */
export interface KeyChange {
  key: string;
  before: string[];
  after: string[];
}

export function helperKey(host: string): string {
  return `credential.https://${host}.helper`;
}

export function useHttpPathKey(host: string): string {
  return `credential.https://${host}.useHttpPath`;
}

/**
 * The hosts to set up: those named with --host, else github.com, every host with an account,
 * and GH_HOST when an enterprise token variable serves it. github.com first, then by name.
 */
export function setupHosts(
  flagHosts: readonly string[],
  accounts: readonly Account[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (flagHosts.length > 0) return [...new Set(flagHosts)];
  const others = new Set([...accounts.map((a) => a.host), ...envTokens(env).map((t) => t.host)]);
  others.delete(GITHUB_HOST);
  return [GITHUB_HOST, ...[...others].sort()];
}

/** Hosts where an account has owners: routing needs git to send the path (credential.useHttpPath). */
export function ownerRoutedHosts(accounts: readonly Account[]): Set<string> {
  return new Set(accounts.filter((a) => a.owners.length > 0).map((a) => a.host));
}

/**
 * The credential.helper value that runs us: `pat` when git-credential-pat is on PATH (git runs
 * `git credential-pat`), else our own command. git runs a value starting with `/` or `!` through
 * the shell with the action appended (credential.c credential_do), so the words are shell-quoted,
 * and a first word that needs quoting gets the `!` form (a leading quote is not an absolute path).
 */
export function helperCommand(selfCommand: readonly string[], isOnPath: boolean): string {
  if (isOnPath) return "pat";
  const words = selfCommand.map(shellQuote);
  const command = words.join(" ");
  return words[0]?.startsWith("/") ? command : `!${command}`;
}

/**
 * A path as a helper value holds it. git for Windows runs an absolute-path helper through its
 * sh, where a backslash is an escape: the path goes with forward slashes, which Windows takes too.
 */
export function gitHelperPath(path: string, platform: string): string {
  return platform === "win32" ? path.replaceAll("\\", "/") : path;
}

/**
 * The credential.helper value that runs the platform binary at `path` (a Windows drive path gets
 * the `!` form, quoted when it has spaces, as C:/Users/Jane Doe/… often does).
 */
export function binaryHelperCommand(path: string, platform: string): string {
  return helperCommand([gitHelperPath(path, platform)], false);
}

/** git's boolean true (config.c git_parse_maybe_bool_text). */
export function isGitTrue(value: string): boolean {
  return ["true", "yes", "on", "1"].includes(value.trim().toLowerCase());
}

export interface SetupPlanInput {
  hosts: readonly string[];
  ownerHosts: ReadonlySet<string>;
  helper: string;
  /** Current values of every key in `keysToRead(…)`; a missing key counts as not set. */
  current: ReadonlyMap<string, readonly string[]>;
}

/** The keys whose current values planSetup needs. */
export function keysToRead(hosts: readonly string[], ownerHosts: ReadonlySet<string>): string[] {
  return hosts.flatMap((host) => [helperKey(host), ...(ownerHosts.has(host) ? [useHttpPathKey(host)] : [])]);
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * The changes that make git use only this helper for each host: the helper list reset with an
 * empty value (so a credential.helper = store/cache/manager configured for all URLs is not
 * handed the PAT too; credential.c resets the list on an empty value), then this helper; and
 * useHttpPath where owners are routed. Keys already right are left alone: running it twice
 * changes nothing the second time.
 */
export function planSetup(input: SetupPlanInput): KeyChange[] {
  const changes: KeyChange[] = [];
  for (const host of input.hosts) {
    const helper = helperKey(host);
    const before = [...(input.current.get(helper) ?? [])];
    const after = ["", input.helper];
    if (!sameValues(before, after)) changes.push({ key: helper, before, after });
    if (input.ownerHosts.has(host)) {
      const key = useHttpPathKey(host);
      const values = [...(input.current.get(key) ?? [])];
      // git uses the last value of a single-valued key.
      const last = values.at(-1);
      if (last === undefined || !isGitTrue(last)) changes.push({ key, before: values, after: ["true"] });
    }
  }
  return changes;
}

/** Values as they are shown: a helper someone wrote may hold a secret (maskCommand). */
function quoted(values: readonly string[]): string {
  return values.length === 0 ? "unset" : values.map((value) => JSON.stringify(maskCommand(value))).join(", ");
}

/** One line per git config command the change runs. */
export function describeChange(change: KeyChange): string[] {
  const was = change.before.length > 0 ? `was ${quoted(change.before)}` : "";
  if (change.after.length === 0) return [`unset ${change.key}${was ? ` (${was})` : ""}`];
  const isHelper = /\.helper$/.test(change.key);
  const isPath = /\.usehttppath$/i.test(change.key);
  return change.after.map((value, index) => {
    const why = [
      isHelper && value === "" ? "reset the helper list" : "",
      isPath ? "git sends the repository path, for owner routing" : "",
      index === 0 ? was : "",
    ].filter(Boolean);
    return `${index === 0 ? "set" : "add"} ${change.key} = ${JSON.stringify(value)}${why.length ? ` (${why.join("; ")})` : ""}`;
  });
}

export type UndoStep =
  | { kind: "restore"; key: string; values: string[] }
  /** The key already has its value from before setup (someone put it back by hand). */
  | { kind: "unchanged"; key: string; values: string[] }
  /** Changed since setup: left as it is, and said so. */
  | { kind: "conflict"; key: string; now: string[]; setupSet: string[]; before: string[] };

/**
 * How to undo `edits` (oldest first) key by key, given each key's current values: a key still
 * holding what setup wrote goes back to what it held before; a key someone changed since is
 * left alone and reported. One step per key, in the order the keys were first changed back.
 */
export function planUndo(
  edits: ReadonlyArray<{ changes: readonly KeyChange[] }>,
  current: ReadonlyMap<string, readonly string[]>,
): UndoStep[] {
  const values = new Map<string, readonly string[]>(current);
  const steps = new Map<string, UndoStep>();
  for (const edit of [...edits].reverse()) {
    for (const change of edit.changes) {
      const known = steps.get(change.key);
      if (known?.kind === "conflict") {
        // Report what the key held before the first setup, not before a later one.
        known.before = [...change.before];
        continue;
      }
      const now = values.get(change.key) ?? [];
      if (sameValues(now, change.after)) {
        steps.set(change.key, { kind: "restore", key: change.key, values: [...change.before] });
        values.set(change.key, change.before);
      } else if (known !== undefined) {
        // Someone changed the key between two setups: the later setup's "before" is theirs; keep it.
      } else if (sameValues(now, change.before)) {
        steps.set(change.key, { kind: "unchanged", key: change.key, values: [...now] });
      } else {
        steps.set(change.key, {
          kind: "conflict",
          key: change.key,
          now: [...now],
          setupSet: [...change.after],
          before: [...change.before],
        });
      }
    }
  }
  return [...steps.values()];
}

export function describeUndoStep(step: UndoStep): string {
  switch (step.kind) {
    case "restore":
      return step.values.length === 0
        ? `unset ${step.key} (it was not set before setup)`
        : `restored ${step.key} = ${quoted(step.values)}`;
    case "unchanged":
      return `${step.key} is already as before setup (${quoted(step.values)})`;
    case "conflict":
      return `could not restore ${step.key}: it was changed after setup (now ${quoted(step.now)}; setup set ${quoted(step.setupSet)}; before setup: ${quoted(step.before)}); left as it is`;
  }
}
