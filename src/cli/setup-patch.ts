// What `setup` changed in a git config file, byte for byte: a line diff from the file before to
// the file after, kept so that `setup --undo` can give the file back exactly as it was. Only the
// changed lines are kept (ours, and the old values of keys we replaced), never the whole file.
// Pure; works on latin1 strings so every byte survives the round trip.
import { createHash } from "node:crypto";

/** At line `at` of the file after setup, `after` replaced `before` (both runs of whole lines). */
export interface Hunk {
  at: number;
  before: string[];
  after: string[];
}

export interface ConfigPatch {
  /** sha256 of the file before; null when there was no file. */
  beforeSha256: string | null;
  afterSha256: string;
  hunks: Hunk[];
}

/** Above this many cells the middle of the diff is kept as one hunk instead of searched line by line. */
const MAX_LCS_CELLS = 4_000_000;

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Lines with their terminators, so joining them gives the exact bytes back. */
function linesOf(bytes: Buffer): string[] {
  const text = bytes.toString("latin1");
  return text === "" ? [] : text.split(/(?<=\n)/);
}

/** The patch taking `before` (undefined: no file) to `after`. */
export function makeConfigPatch(before: Buffer | undefined, after: Buffer): ConfigPatch {
  return {
    beforeSha256: before === undefined ? null : sha256(before),
    afterSha256: sha256(after),
    hunks: diffLines(linesOf(before ?? Buffer.alloc(0)), linesOf(after)),
  };
}

/**
 * The file before setup, from the file after it: undefined when `current` is not the file
 * setup left (someone edited it since) or when the result does not hash to what it was.
 * `{ absent: true }` means there was no file before.
 */
export function revertConfigPatch(
  current: Buffer,
  patch: ConfigPatch,
): { absent: true } | { absent: false; bytes: Buffer } | undefined {
  if (sha256(current) !== patch.afterSha256) return undefined;
  const lines = linesOf(current);
  // From the last hunk back, so earlier line numbers stay valid.
  for (const hunk of [...patch.hunks].sort((a, b) => b.at - a.at)) {
    const removed = lines.splice(hunk.at, hunk.after.length, ...hunk.before);
    if (removed.join("") !== hunk.after.join("")) return undefined;
  }
  const bytes = Buffer.from(lines.join(""), "latin1");
  if (patch.beforeSha256 === null) return bytes.length === 0 ? { absent: true } : undefined;
  return sha256(bytes) === patch.beforeSha256 ? { absent: false, bytes } : undefined;
}

/** Hunks (positions in `b`) turning `a` into `b`: common prefix and suffix, then an LCS of the middle. */
export function diffLines(a: readonly string[], b: readonly string[]): Hunk[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  if (midA.length === 0 && midB.length === 0) return [];
  if (midA.length * midB.length > MAX_LCS_CELLS) return [{ at: start, before: midA, after: midB }];
  return lcsHunks(midA, midB).map((hunk) => ({ ...hunk, at: hunk.at + start }));
}

function lcsHunks(a: readonly string[], b: readonly string[]): Hunk[] {
  const width = b.length + 1;
  // lengths[i * width + j]: LCS length of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  const flush = () => {
    if (current) hunks.push(current);
    current = undefined;
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
      continue;
    }
    current ??= { at: j, before: [], after: [] };
    const down = lengths[(i + 1) * width + j] ?? 0;
    const right = lengths[i * width + j + 1] ?? 0;
    if (j >= b.length || (i < a.length && down >= right)) current.before.push(a[i++] as string);
    else current.after.push(b[j++] as string);
  }
  flush();
  return hunks;
}
