// What `import` does with each line of a git-credential-store file, decided without I/O so the
// whole decision is tested in tables (import-plan.test.ts); import.ts reads, stores and deletes.
//
// git's credential-store answers a request with the FIRST line that matches it, and stores a
// credential by writing its line first and dropping the lines of the same slot (protocol, host,
// path, username). So in a file only the first line of each slot was ever served; import keeps
// exactly those, never replaces a different token already stored without --force, and stores
// them so that the store answers as the file did (planImport's `toStore`).
import { isSafeTransport, isSameSlot } from "../protocol/index.js";
import type { Secret } from "../secret.js";
import type { CredentialLine } from "../stores/credential-file.js";
import type { StoredCredential } from "../stores/token-store.js";

/** What import does with one credential line. */
export type LineOutcome =
  /** The first line of its slot, and the store holds nothing there: stored. */
  | { kind: "imported" }
  /** The first line of its slot, and the store already holds this very token there. */
  | { kind: "present" }
  /** The first line of its slot; the store held another token there, which --force replaces. */
  | { kind: "replaced"; stored: Secret }
  /** The first line of its slot; the store holds another token there, kept (no --force). */
  | { kind: "kept-stored"; stored: Secret }
  /** A later line of a slot with the first line's token: nothing more to import. */
  | { kind: "duplicate"; firstLine: number }
  /** A later line of a slot with another token: git never served it, so it is not imported. */
  | { kind: "never-served"; firstLine: number }
  /** Plain http to a real host: never kept (SPEC, `store`). */
  | { kind: "not-https" };

export interface PlannedLine {
  /** 1-based, as editors count. */
  lineNumber: number;
  text: string;
  credential: StoredCredential;
  outcome: LineOutcome;
}

export interface ImportPlan {
  /** Every credential line of the file, in file order (comments and unreadable lines are left out). */
  lines: PlannedLine[];
  /**
   * What to store, in this order, each with `exactSlot` (a line without a path must not drop the
   * file's repository lines of the same user): the last line first, because a store puts each new
   * entry first, so the file store ends up in the file's order and answers every request with
   * the line git's credential-store answered it with.
   */
  toStore: StoredCredential[];
}

/** Same slot and same token: the exact credential, as --delete requires before removing a line. */
export function holdsExactly(entries: readonly StoredCredential[], credential: StoredCredential): boolean {
  return entries.some((entry) => isSameSlot(entry, credential) && entry.password.equals(credential.password));
}

/**
 * Decides every credential line of `lines` (a parsed git-credential-store file) against what the
 * store holds now (`stored`). `force` lets a line replace a different token stored in its slot.
 */
export function planImport(
  lines: readonly CredentialLine[],
  stored: readonly StoredCredential[],
  options: { force: boolean },
): ImportPlan {
  const planned: PlannedLine[] = [];
  const firstOfSlot: PlannedLine[] = [];
  lines.forEach((line, index) => {
    if (line.kind !== "credential") return;
    const { credential, text } = line;
    const lineNumber = index + 1;
    const decide = (outcome: LineOutcome): PlannedLine => ({ lineNumber, text, credential, outcome });
    if (!isSafeTransport(credential.protocol, credential.host)) {
      planned.push(decide({ kind: "not-https" }));
      return;
    }
    const first = firstOfSlot.find((earlier) => isSameSlot(earlier.credential, credential));
    if (first) {
      const sameToken = first.credential.password.equals(credential.password);
      const firstLine = first.lineNumber;
      planned.push(
        decide(sameToken ? { kind: "duplicate", firstLine } : { kind: "never-served", firstLine }),
      );
      return;
    }
    const inSlot = stored.filter((known) => isSameSlot(known, credential));
    const other = inSlot.find((known) => !known.password.equals(credential.password));
    const outcome: LineOutcome =
      other === undefined
        ? inSlot.length > 0
          ? { kind: "present" }
          : { kind: "imported" }
        : options.force
          ? { kind: "replaced", stored: other.password }
          : { kind: "kept-stored", stored: other.password };
    const decided = decide(outcome);
    firstOfSlot.push(decided);
    planned.push(decided);
  });
  const toStore = firstOfSlot
    .filter((line) => line.outcome.kind !== "kept-stored")
    .map((line) => line.credential)
    .reverse();
  return { lines: planned, toStore };
}

/**
 * The file as it is now (`current`, re-read under its lock) without the lines --delete may remove:
 * lines import read (`readTexts`; a line added since, even an identical one beyond the count read,
 * stays) whose exact credential, slot and token, the store holds now (`storedNow`). One more
 * stays: the first line of a slot while a line of that slot with another token stays after it
 * (`shielding`). Without it git's credential-store would serve that other token, never served
 * so far, from the file, and a later import would take it for the slot's first line.
 */
export function removeImported(
  current: readonly CredentialLine[],
  readTexts: readonly string[],
  storedNow: readonly StoredCredential[],
): { kept: CredentialLine[]; removed: CredentialLine[]; shielding: CredentialLine[] } {
  const budget = new Map<string, number>();
  for (const text of readTexts) budget.set(text, (budget.get(text) ?? 0) + 1);
  const removable = new Set<CredentialLine>();
  for (const line of current) {
    const left = budget.get(line.text) ?? 0;
    if (line.kind === "credential" && left > 0 && holdsExactly(storedNow, line.credential)) {
      budget.set(line.text, left - 1);
      removable.add(line);
    }
  }
  const shielding: CredentialLine[] = [];
  const credentialLines = current.filter(
    (line): line is Extract<CredentialLine, { kind: "credential" }> => line.kind === "credential",
  );
  for (const [index, first] of credentialLines.entries()) {
    if (!removable.has(first)) continue;
    const isFirst = !credentialLines
      .slice(0, index)
      .some((line) => isSameSlot(line.credential, first.credential));
    const shields = credentialLines
      .slice(index + 1)
      .some(
        (line) =>
          !removable.has(line) &&
          isSameSlot(line.credential, first.credential) &&
          !line.credential.password.equals(first.credential.password),
      );
    if (isFirst && shields) {
      removable.delete(first);
      shielding.push(first);
    }
  }
  return {
    kept: current.filter((line) => !removable.has(line)),
    removed: current.filter((line) => removable.has(line)),
    shielding,
  };
}
