// The Fs on Windows: what NTFS does differently from POSIX, kept out of everything above.
// - Private directories. NTFS has no mode bits: Node and bun ignore mkdir's 0700 there, and stat
//   reports 0666/0777 for everything. What keeps a file private is its ACL, inherited from its
//   directory. So when we create a directory with an owner-only mode (mkdir 0700: only ever our
//   own, private-files.ts ensurePrivateDir), we give it an owner-only ACL, once, right after it
//   is created: `icacls DIR /inheritance:r /grant:r USER:(OI)(CI)F` drops the ACEs it inherited
//   from the profile (SYSTEM, Administrators) and grants the user full control, inherited by every
//   file and directory created in it later. Never on a directory that already existed, never per
//   write. If icacls fails, the directory is removed again, so the next write tries again.
// - Renaming over a file another program has open without FILE_SHARE_DELETE (git's own
//   credential-store reading ~/.git-credentials, an antivirus scanner) fails at once with
//   EPERM/EACCES/EBUSY on Windows, where POSIX just swaps the name (libuv's own opens do share
//   delete): tried again after 1, 10, 20, 40 and 80 ms, as Git for Windows' mingw_rename does.
// On Linux and macOS the Fs is returned as it is.
import { PatError } from "../errors.js";
import { windowsSystemProgram } from "../posix-path.js";
import type { Fs, Spawn } from "./deps.js";

/** The user the ACL names: DOMAIN\name when the domain is known (a domain account), else name. */
export function aclUser(username: string, domain: string | undefined): string {
  return domain ? `${domain}\\${username}` : username;
}

/** icacls's arguments that leave only `user` (full control, inherited by all below) on `dir`. */
export function ownerOnlyAclArgs(dir: string, user: string): string[] {
  return [dir, "/inheritance:r", "/grant:r", `${user}:(OI)(CI)F`, "/q"];
}

export interface WindowsFsOptions {
  platform: string;
  spawn: Spawn;
  /** %SystemRoot%, where icacls.exe lives. */
  systemRoot: string | undefined;
  /** Read only when a directory is created: os.userInfo() costs start-up. */
  user: () => string;
  sleep: (ms: number) => Promise<void>;
  /** Removes an empty directory: one we created and icacls could not make private. */
  rmdir: (path: string) => Promise<void>;
}

const ICACLS_TIMEOUT_MS = 10_000;

/**
 * `fs` as Windows needs it: mkdir gives a directory it creates with an owner-only mode an
 * owner-only ACL; rename retries while another process holds the target open.
 */
export function withWindowsFs(fs: Fs, options: WindowsFsOptions): Fs {
  if (options.platform !== "win32") return fs;
  return {
    ...fs,
    rename: async (from, to) => {
      for (const delayMs of RENAME_RETRY_DELAYS_MS) {
        try {
          return await fs.rename(from, to);
        } catch (error) {
          if (!isBusy(error)) throw error;
        }
        await options.sleep(delayMs);
      }
      return fs.rename(from, to);
    },
    mkdir: async (path, mkdirOptions) => {
      const created = await fs.mkdir(path, mkdirOptions);
      const isOwnerOnly = mkdirOptions.mode !== undefined && (mkdirOptions.mode & 0o077) === 0;
      // recursive: the first directory created, undefined when `path` existed already.
      const isNew = mkdirOptions.recursive ? created !== undefined : true;
      if (isOwnerOnly && isNew) {
        // Without its ACL the directory goes again (it is new and empty): left, the next mkdir
        // would find it there and take it for private, and a token would be written into it.
        await restrictToOwner(path, options).catch(async (error: unknown) => {
          await options.rmdir(path).catch(() => {});
          throw error;
        });
      }
      return created;
    },
  };
}

/** Git for Windows' mingw_rename waits this long between attempts while the target is in use. */
const RENAME_RETRY_DELAYS_MS = [1, 10, 20, 40, 80] as const;

function isBusy(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  return code === "EPERM" || code === "EACCES" || code === "EBUSY";
}

async function restrictToOwner(dir: string, options: WindowsFsOptions): Promise<void> {
  const icacls = windowsSystemProgram("icacls.exe", options.systemRoot);
  const args = ownerOnlyAclArgs(dir, options.user());
  const result = await options.spawn(icacls, args, {
    env: options.systemRoot ? { SystemRoot: options.systemRoot } : {},
    timeoutMs: ICACLS_TIMEOUT_MS,
  });
  if (result.code !== 0) {
    const why =
      result.stderr.trim().split("\n")[0] || result.stdout.trim().split("\n")[0] || `exit ${result.code}`;
    throw new PatError(`cannot make ${dir} private to you (icacls: ${why})`, {
      hint: `run: icacls "${dir}" ${args
        .slice(1)
        .map((arg) => (arg.includes(" ") ? `"${arg}"` : arg))
        .join(" ")}`,
    });
  }
}
