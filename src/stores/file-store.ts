// The `file` store: a git-credential-store compatible plaintext file, 0600 in a private directory,
// and beside it FILE.attributes for what that format cannot hold (attributes-file.ts).

import { PatError } from "../errors.js";
import { dirnamePath } from "../posix-path.js";
import {
  type DirPolicy,
  ensurePrivateDir,
  type RewriteDeps,
  readPrivateFile,
  resolveSymlinks,
  rewritePrivateFile,
} from "../private-files.js";
import {
  type Credential,
  decodeUtf8,
  isSameSlot,
  keptExtras,
  type MatchOptions,
  matchCredential,
  pickFields,
  slotOf,
} from "../protocol/index.js";
import {
  extrasOf,
  extrasText,
  formatAttributesFile,
  type LineAttributes,
  lineKey,
  parseAttributesFile,
} from "./attributes-file.js";
import {
  type CredentialLine,
  formatCredentialFile,
  formatCredentialLine,
  parseCredentialFile,
} from "./credential-file.js";
import type { StoredCredential, StoreOptions, TokenStore } from "./token-store.js";

export interface FileStoreOptions {
  path: string;
  /** "private" for our own directory; "shared-parent" for a user-chosen file such as ~/.git-credentials. */
  dirPolicy: DirPolicy;
  lockTimeoutMs: number;
}

type Entry = Extract<CredentialLine, { kind: "credential" }>;

/** The line a store writes, and the credential it was made from (for its attributes). */
interface StoredLine {
  text: string;
  credential: StoredCredential;
}

export class FileTokenStore implements TokenStore {
  readonly name = "file" as const;

  constructor(
    private readonly options: FileStoreOptions,
    private readonly deps: RewriteDeps,
  ) {}

  /** The attributes file beside the credentials file. */
  get attributesPath(): string {
    return `${this.options.path}.attributes`;
  }

  async get(pattern: Credential, options?: MatchOptions): Promise<StoredCredential | undefined> {
    // With the attributes first: an expiry decides whether an entry still matches (liveAtMs).
    return (await this.list()).find((credential) => matchCredential(pattern, credential, options));
  }

  async list(): Promise<StoredCredential[]> {
    return this.withAttributes(await this.entries(), await this.readAttributes());
  }

  async store(credential: StoredCredential, options: StoreOptions = {}): Promise<boolean> {
    const newLine: Entry = { kind: "credential", credential, text: formatCredentialLine(credential) };
    const replaces = (entry: Credential) =>
      options.exactSlot ? isSameSlot(credential, entry) : matchCredential(slotOf(credential), entry);
    let isNewToken = true;
    await this.rewrite((lines) => {
      // Decided from the lines read under the lock, like the rewrite itself.
      const held = lines.find(
        (line): line is Entry =>
          line.kind === "credential" &&
          isSameSlot(line.credential, credential) &&
          line.credential.password.equals(credential.password),
      );
      isNewToken = held === undefined;
      if (options.onlyIfHeld) {
        // The line stays as it is and where it is; only its attributes change.
        return { lines, stored: held && { text: held.text, credential } };
      }
      // git's store_credential: the new line first, then every line that is not the same slot.
      return {
        lines: [newLine, ...lines.filter((line) => line.kind === "other" || !replaces(line.credential))],
        stored: { text: newLine.text, credential },
      };
    });
    return isNewToken;
  }

  async erase(pattern: Credential, options?: MatchOptions): Promise<number> {
    const erases = (line: CredentialLine) =>
      line.kind === "credential" &&
      matchCredential(pattern, line.credential, { ...options, matchPassword: true });
    // Nothing stored, nothing to erase: do not create the directory just to find that out.
    if (!(await this.entries()).some(erases)) return 0;
    let removed = 0;
    await this.rewrite((lines) => {
      const kept = lines.filter((line) => !erases(line));
      removed = lines.length - kept.length;
      return { lines: kept };
    });
    return removed;
  }

  private async entries(): Promise<Entry[]> {
    const lines = this.decode(await readPrivateFile(this.options.path, this.deps));
    return lines.filter((line): line is Entry => line.kind === "credential");
  }

  /**
   * Applies `change` under the lock, writing only when the content really changes; `stored` is
   * the line a store wrote (or kept), whose attributes are the credential's.
   */
  private async rewrite(
    change: (lines: CredentialLine[]) => { lines: CredentialLine[]; stored?: StoredLine | undefined },
  ): Promise<void> {
    // Through a symlink to the file itself (git's credential-store does the same), never over the link.
    const path = await resolveSymlinks(this.options.path, this.deps.fs);
    await ensurePrivateDir(dirnamePath(path), this.options.dirPolicy, this.deps);
    await rewritePrivateFile(
      path,
      async (current) => {
        const lines = this.decode(current);
        const { lines: changed, stored } = change(lines);
        await this.rewriteAttributes(changed, stored);
        const before = current === undefined ? undefined : formatCredentialFile(lines);
        const after = formatCredentialFile(changed);
        return after === before || (before === undefined && after === "") ? undefined : after;
      },
      { lockTimeoutMs: this.options.lockTimeoutMs },
      this.deps,
    );
  }

  /**
   * Keeps the attributes of the lines the file will hold and no others (an erased token leaves no
   * trace), and sets the stored line's: what the store hands over, plus what was known for that
   * very line (same slot, same token) and is not handed over again (withKnownExtras). Called with
   * the credentials lock held, before the credentials file is renamed into place.
   */
  private async rewriteAttributes(
    lines: readonly CredentialLine[],
    stored: StoredLine | undefined,
  ): Promise<void> {
    const storedExtras = stored && pickFields(stored.credential, keptExtras("file"));
    // The common case, a store with nothing beyond the password and no attributes file: no work.
    if (extrasText(storedExtras ?? {}) === "" && !(await this.hasAttributesFile())) return;
    await rewritePrivateFile(
      this.attributesPath,
      (current) => {
        const old = current === undefined ? new Map() : parseAttributesFile(current.toString("utf8"));
        const next: LineAttributes = new Map();
        for (const line of lines) {
          if (line.kind !== "credential") continue;
          const key = lineKey(line.text);
          const items =
            line.text === stored?.text
              ? extrasText({ ...extrasOf(old.get(key)), ...storedExtras })
              : old.get(key);
          if (items) next.set(key, items);
        }
        const text = formatAttributesFile(next);
        if (text === "") return null;
        return current !== undefined && text === current.toString("utf8") ? undefined : text;
      },
      { lockTimeoutMs: this.options.lockTimeoutMs },
      this.deps,
    );
  }

  private async hasAttributesFile(): Promise<boolean> {
    return this.deps.fs.stat(this.attributesPath).then(
      () => true,
      () => false,
    );
  }

  private async readAttributes(): Promise<LineAttributes | undefined> {
    if (!(await this.hasAttributesFile())) return undefined;
    const content = await readPrivateFile(this.attributesPath, this.deps);
    return content && parseAttributesFile(content.toString("utf8"));
  }

  private withAttributes(
    entries: readonly Entry[],
    attributes: LineAttributes | undefined,
  ): StoredCredential[] {
    if (attributes === undefined || attributes.size === 0) return entries.map((line) => line.credential);
    return entries.map((line) => ({ ...line.credential, ...extrasOf(attributes.get(lineKey(line.text))) }));
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
