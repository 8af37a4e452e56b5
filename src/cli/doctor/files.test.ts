// The "files" section over hand-written facts: what it reports, how bad, and the exact fix.
import { describe, expect, it } from "vitest";
import { makeTestDeps } from "../../../test/helpers/test-deps.js";
import { ipcRules } from "../../platform/ipc-endpoint.js";
import type { PathFact } from "./facts.js";
import { checkFile, gatherFiles } from "./files.js";

describe("checkFile", () => {
  const dir = (mode: number, extra: Partial<PathFact> = {}): PathFact => ({
    role: "config dir",
    path: "/home/user/.config/git-credential-pat",
    policy: "private",
    isOurs: true,
    stat: { kind: "dir", mode, uid: 1000 },
    ...extra,
  });
  it.each([
    {
      name: "passes a 0700 directory",
      fact: dir(0o700),
      want: { status: "ok", message: "config dir /home/user/.config/git-credential-pat is private (0700)" },
    },
    {
      name: "fails a 0755 directory of ours, and --fix may chmod it",
      fact: dir(0o755),
      want: {
        status: "fail",
        fix: "chmod 700 /home/user/.config/git-credential-pat",
        action: { kind: "chmod", path: "/home/user/.config/git-credential-pat", mode: 0o700 },
      },
    },
    {
      name: "fails a 0644 file with chmod 600",
      fact: {
        ...dir(0o644),
        role: "accounts file" as const,
        path: "/c/accounts.json",
        stat: { kind: "file" as const, mode: 0o644, uid: 1000 },
      },
      want: {
        status: "fail",
        fix: "chmod 600 /c/accounts.json",
        action: { kind: "chmod", path: "/c/accounts.json", mode: 0o600 },
      },
    },
    {
      name: "shows but never runs a chmod for a path that is not ours",
      fact: dir(0o755, { role: "socket dir", path: "/tmp/mine", isOurs: false }),
      want: { status: "fail", fix: "chmod 700 /tmp/mine", noAction: true },
    },
    {
      name: "accepts a group-readable parent of a user-chosen store file",
      fact: dir(0o755, { role: "store dir", path: "/home/user", policy: "shared-parent", isOurs: false }),
      want: { status: "ok" },
    },
    {
      name: "fails a group-writable parent of a user-chosen store file with go-w",
      fact: dir(0o775, { role: "store dir", path: "/home/user", policy: "shared-parent", isOurs: false }),
      want: { status: "fail", fix: "chmod go-w /home/user", noAction: true },
    },
    {
      name: "fails a directory owned by someone else",
      fact: dir(0o700, { stat: { kind: "dir", mode: 0o700, uid: 0 } }),
      want: { status: "fail", message: expect.stringContaining("belongs to another user (uid 0)") },
    },
    {
      name: "fails a file where a directory belongs",
      fact: dir(0o600, { stat: { kind: "file", mode: 0o600, uid: 1000 } }),
      want: { status: "fail", message: expect.stringContaining("is not a directory") },
    },
    {
      name: "passes what does not exist yet",
      fact: dir(0, { stat: { kind: "missing" } }),
      want: { status: "ok", message: expect.stringContaining("does not exist yet") },
    },
    {
      name: "passes our own socket",
      fact: dir(0o755, {
        role: "socket",
        path: "/run/gcp/socket",
        stat: { kind: "socket", mode: 0o755, uid: 1000 },
      }),
      want: { status: "ok", message: "socket /run/gcp/socket is ours" },
    },
    {
      name: "fails a store file configured as a relative path, with the fix, and never offers a chmod",
      fact: dir(0, {
        role: "store file",
        path: "creds",
        isOurs: false,
        stat: {
          kind: "refused",
          problem: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("creds")',
          fix: "use an absolute path or one starting with ~/",
        },
      }),
      want: {
        status: "fail",
        message: 'GIT_CREDENTIAL_PAT_FILE is a relative path ("creds")',
        fix: "use an absolute path or one starting with ~/",
        noAction: true,
      },
    },
  ])("$name", ({ fact, want }) => {
    const { noAction, ...rest } = want as typeof want & { noAction?: boolean };
    const finding = checkFile(fact, 1000);
    expect(finding).toEqual(expect.objectContaining(rest));
    if (noAction) expect(finding.action).toBeUndefined();
  });

  describe("on Windows (no uid: NTFS reports 0666/0777 for everything)", () => {
    it.each([
      {
        name: "passes our directory and says what protects it",
        fact: dir(0o777, { path: "C:/Users/u/.config/git-credential-pat" }),
        want: "config dir C:/Users/u/.config/git-credential-pat is protected by the owner-only ACL git-credential-pat gives the directories it creates (Windows has no file modes)",
      },
      {
        name: "passes a user-chosen file and says its directory's ACL protects it",
        fact: dir(0o666, {
          role: "store file",
          path: "C:/Users/u/.git-credentials",
          isOurs: false,
          stat: { kind: "file", mode: 0o666, uid: 0 },
        }),
        want: "store file C:/Users/u/.git-credentials is protected by the ACL it inherits from its directory (Windows has no file modes)",
      },
    ])("$name, never offering a chmod", ({ fact, want }) => {
      const finding = checkFile(fact, undefined);
      expect(finding).toEqual({ area: "files", status: "ok", message: want });
    });

    it("still fails a file where a directory belongs", () => {
      const fact = dir(0o666, { stat: { kind: "file", mode: 0o666, uid: 0 } });
      expect(checkFile(fact, undefined)).toMatchObject({ status: "fail" });
    });
  });
});

describe("gatherFiles", () => {
  it.each([
    { platform: "linux", want: ["socket dir", "socket"] },
    { platform: "darwin", want: ["socket dir", "socket"] },
    // A named pipe is not in the file system: nothing of the cache's to check there.
    { platform: "win32", want: [] },
  ])("checks the cache's socket and its directory on $platform: $want", async ({ platform, want }) => {
    const deps = makeTestDeps({ ipc: ipcRules(platform) });
    const facts = await gatherFiles({}, [], [undefined], deps);
    expect(facts.map((fact) => fact.role).filter((role) => role.startsWith("socket"))).toEqual(want);
  });
});
