// doctor's "files" section: our config directory and files, the file store and the cache's socket,
// each checked as the helper checks it before trusting it (private, ours, the right kind).
import { dirname } from "node:path";
import { accountsFilePath } from "../../accounts/accounts-file.js";
import { defaultSocketPath } from "../../cache/socket-path.js";
import { type Helper, helperOption } from "../../git/inspect-helper.js";
import type { Deps } from "../../platform/deps.js";
import { octal } from "../../private-files.js";
import {
  type CheckedPath,
  type Config,
  checkConfigDir,
  checkUserPath,
  configFilePath,
  ENV,
} from "../../settings.js";
import { checkStoreFilePath } from "../../stores/open-store.js";
import { quoteArg } from "./command-line.js";
import type { DoctorFacts, FileRole, PathFact, StatFact, StoreUse } from "./facts.js";
import type { Finding } from "./finding.js";

type WantedPath = Omit<PathFact, "stat"> & { refused?: StatFact };
type Refused = Extract<CheckedPath, { kind: "refused" }>;

/** The --socket of each of our helpers that caches (undefined: the default), once each. */
export function cachingSockets(ours: readonly Helper[]): Array<string | undefined> {
  return [
    ...new Set(
      (ours.length === 0 ? [[] as string[]] : ours.map((helper) => helper.args))
        .filter((args) => helperOption(args, "timeout") !== "0")
        .map((args) => helperOption(args, "socket")),
    ),
  ];
}

/** The socket the first caching helper listens on, when its path is usable. */
export function socketPathOf(sockets: ReadonlyArray<string | undefined>, deps: Deps): string | undefined {
  const socket = sockets.length === 0 ? undefined : configuredSocket(sockets[0], deps);
  return socket?.kind === "ok" ? socket.path : undefined;
}

export async function gatherFiles(
  config: Config,
  stores: readonly StoreUse[],
  /** The --socket of each helper that caches (undefined: the default); the first is checked. */
  sockets: ReadonlyArray<string | undefined>,
  deps: Deps,
): Promise<PathFact[]> {
  const wanted = [
    ...configPaths(deps),
    ...(stores.some((use) => use.store === "file") ? storePaths(config, deps) : []),
    ...(sockets.length > 0 ? socketPaths(sockets[0], deps) : []),
  ];
  return Promise.all(
    wanted.map(async ({ refused, ...fact }) => ({
      ...fact,
      stat: refused ?? (await statFact(fact.path, fact.role, deps)),
    })),
  );
}

// A path configured relative (or as ~user) is reported as it is and never looked at: the
// helper refuses it too.
const refusedPath = (role: FileRole, path: string, checked: Refused): WantedPath => ({
  role,
  path,
  policy: "private",
  isOurs: false,
  refused: checked,
});

function configPaths(deps: Deps): WantedPath[] {
  const dir = checkConfigDir(deps.env, deps.paths);
  if (dir.kind !== "ok") return [refusedPath("config dir", deps.env[ENV.configDir] ?? "", dir)];
  return [
    { role: "config dir", path: dir.path, policy: "private", isOurs: true },
    { role: "config file", path: configFilePath(deps), policy: "private", isOurs: true },
    { role: "accounts file", path: accountsFilePath(deps), policy: "private", isOurs: true },
  ];
}

function storePaths(config: Config, deps: Deps): WantedPath[] {
  const store = checkStoreFilePath(config, deps);
  if (store.kind !== "ok") return [refusedPath("store file", deps.env[ENV.file] || config.file || "", store)];
  const { path, isDefault } = store;
  return [
    {
      role: "store dir",
      path: dirname(path),
      policy: isDefault ? "private" : "shared-parent",
      isOurs: isDefault,
    },
    { role: "store file", path, policy: "private", isOurs: isDefault },
  ];
}

function socketPaths(configured: string | undefined, deps: Deps): WantedPath[] {
  // Windows: the cache is a named pipe, with no file or directory to check (docs/cache.md).
  if (deps.ipc.kind === "named-pipe") return [];
  const checked = configuredSocket(configured, deps);
  if (checked.kind !== "ok") return [refusedPath("socket", configured ?? "", checked)];
  const isDefault = configured === undefined;
  return [
    { role: "socket dir", path: dirname(checked.path), policy: "private", isOurs: isDefault },
    { role: "socket", path: checked.path, policy: "private", isOurs: isDefault },
  ];
}

/** A helper's --socket as the helper reads it (undefined: the default). */
function configuredSocket(configured: string | undefined, deps: Deps): CheckedPath {
  return configured === undefined
    ? { kind: "ok", path: defaultSocketPath(deps.paths) }
    : checkUserPath(configured, "--socket in credential.helper", deps.paths);
}

async function statFact(path: string, role: FileRole, deps: Deps): Promise<StatFact> {
  try {
    // The socket itself is judged as it is; a directory or file may be reached through a symlink.
    const stats = role === "socket" ? await deps.fs.lstat(path) : await deps.fs.stat(path);
    const kind = stats.isDirectory()
      ? "dir"
      : stats.isFile()
        ? "file"
        : stats.isSocket()
          ? "socket"
          : "other";
    return { kind, mode: stats.mode & 0o777, uid: stats.uid };
  } catch (error) {
    const code =
      typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown";
    return code === "ENOENT" ? { kind: "missing" } : { kind: "error", code };
  }
}

const EXPECTED_KIND: Record<FileRole, "dir" | "file" | "socket"> = {
  "config dir": "dir",
  "config file": "file",
  "accounts file": "file",
  "store dir": "dir",
  "store file": "file",
  "socket dir": "dir",
  socket: "socket",
};

export function checkFile(fact: PathFact, uid: number | undefined): Finding {
  const area = "files";
  const { role, path, stat } = fact;
  if (stat.kind === "refused") return { area, status: "fail", message: stat.problem, fix: stat.fix };
  if (stat.kind === "missing") {
    const later = role === "socket" ? "no cache daemon is running" : "it is created private on first use";
    return { area, status: "ok", message: `${role} ${path} does not exist yet (${later})` };
  }
  if (stat.kind === "error")
    return { area, status: "warn", message: `cannot check ${role} ${path} (${stat.code})` };
  const aside = `mv ${quoteArg(path)} ${quoteArg(`${path}.bak`)}`;
  const expected = EXPECTED_KIND[role];
  if (stat.kind !== expected) {
    const noun = expected === "dir" ? "a directory" : expected === "file" ? "a regular file" : "a socket";
    return { area, status: "fail", message: `${role} ${path} is not ${noun}`, fix: aside };
  }
  if (uid !== undefined && stat.uid !== uid) {
    return {
      area,
      status: "fail",
      message: `${role} ${path} belongs to another user (uid ${stat.uid}); git-credential-pat refuses it`,
      fix: aside,
    };
  }
  // A socket is as private as the 0700 directory it sits in (git's credential-cache relies on the same).
  if (role === "socket") return { area, status: "ok", message: `${role} ${path} is ours` };
  // Windows (no uid): stat reports 0666/0777 for everything on NTFS, so a mode says nothing there;
  // an ACL protects the file (private-files.ts), and reading ACLs is not done here.
  if (uid === undefined) {
    const acl = fact.isOurs
      ? "the owner-only ACL git-credential-pat gives the directories it creates"
      : "the ACL it inherits from its directory";
    return {
      area,
      status: "ok",
      message: `${role} ${path} is protected by ${acl} (Windows has no file modes)`,
    };
  }
  const unsafe = fact.policy === "private" ? stat.mode & 0o077 : stat.mode & 0o022;
  if (unsafe === 0)
    return { area, status: "ok", message: `${role} ${path} is private (${octal(stat.mode)})` };
  const mode = fact.policy === "shared-parent" ? undefined : expected === "dir" ? 0o700 : 0o600;
  const fix = `chmod ${mode === undefined ? "go-w" : (mode & 0o777).toString(8)} ${quoteArg(path)}`;
  return {
    area,
    status: "fail",
    message: `${role} ${path} is open to other users (mode ${octal(stat.mode)}); git-credential-pat refuses to use it`,
    fix,
    ...(fact.isOurs && mode !== undefined ? { action: { kind: "chmod", path, mode } } : {}),
  };
}

export function checkFiles(facts: Pick<DoctorFacts, "files" | "uid">): Finding[] {
  return facts.files.map((fact) => checkFile(fact, facts.uid));
}
