// The `file` store: a git-credential-store compatible plaintext file, 0600 in a private directory.

import { PatError } from "../errors.js";
import { dirnamePath } from "../posix-path.js";
import {
  type DirPolicy,
  ensurePrivateDir,
  type RewriteDeps,
  readPrivateFile,
  rewritePrivateFile,
} from "../private-files.js";
import { type Credential, decodeUtf8, matchCredential } from "../protocol/index.js";
import {
  type CredentialLine,
  formatCredentialFile,
  formatCredentialLine,
  parseCredentialFile,
} from "./credential-file.js";
import { type StoredCredential, slotOf, type TokenStore } from "./token-store.js";

export interface FileStoreOptions {
  path: string;
  /** "private" for our own directory; "shared-parent" for a user-chosen file such as ~/.git-credentials. */
  dirPolicy: DirPolicy;
  lockTimeoutMs: number;
}

export class FileTokenStore implements TokenStore {
  readonly name = "file" as const;

  constructor(
    private readonly options: FileStoreOptions,
    private readonly deps: RewriteDeps,
  ) {}

  async get(pattern: Credential): Promise<StoredCredential | undefined> {
    return (await this.list()).find((entry) => matchCredential(pattern, entry));
  }

  async list(): Promise<StoredCredential[]> {
    const lines = this.decode(await readPrivateFile(this.options.path, this.deps));
    return lines.flatMap((line) => (line.kind === "credential" ? [line.credential] : []));
  }

  async store(credential: StoredCredential): Promise<void> {
    const newLine: CredentialLine = {
      kind: "credential",
      credential,
      text: formatCredentialLine(credential),
    };
    // git's store_credential: the new line first, then every line that is not the same slot.
    await this.rewrite((lines) => [
      newLine,
      ...lines.filter(
        (line) => line.kind === "other" || !matchCredential(slotOf(credential), line.credential),
      ),
    ]);
  }

  async erase(pattern: Credential): Promise<number> {
    // Nothing stored, nothing to erase: do not create the directory just to find that out.
    if (!(await this.list()).some((entry) => matchCredential(pattern, entry, { matchPassword: true })))
      return 0;
    let removed = 0;
    await this.rewrite((lines) => {
      const kept = lines.filter(
        (line) =>
          line.kind === "other" || !matchCredential(pattern, line.credential, { matchPassword: true }),
      );
      removed = lines.length - kept.length;
      return kept;
    });
    return removed;
  }

  /** Applies `change` under the lock, writing only when the content really changes. */
  private async rewrite(change: (lines: CredentialLine[]) => CredentialLine[]): Promise<void> {
    await ensurePrivateDir(dirnamePath(this.options.path), this.options.dirPolicy, this.deps);
    await rewritePrivateFile(
      this.options.path,
      (current) => {
        const before = current === undefined ? undefined : formatCredentialFile(this.decode(current));
        const after = formatCredentialFile(change(this.decode(current)));
        return after === before || (before === undefined && after === "") ? undefined : after;
      },
      { lockTimeoutMs: this.options.lockTimeoutMs },
      this.deps,
    );
  }

  /** Refuses a file that is not text: we never rewrite what we cannot read back faithfully. */
  private decode(content: Buffer | undefined): CredentialLine[] {
    if (content === undefined) return [];
    const hasNul = content.includes(0);
    const text = hasNul ? undefined : decodeUtf8(content);
    if (text === undefined) {
      const corrupt = hasNul ? "contains NUL bytes" : "is not valid UTF-8";
      throw new PatError(`credential file ${this.options.path} ${corrupt}; it was left untouched`, {
        hint: `move it aside ("mv ${this.options.path} ${this.options.path}.bad") and store your tokens again`,
      });
    }
    return parseCredentialFile(text);
  }
}
