// What `import` prints: each credential line's outcome (tokens only as kind and fingerprint,
// secret.ts describe()), a summary, or the same as JSON.
import type { Io } from "../platform/deps.js";
import { printable, shownName } from "../protocol/index.js";
import { describe } from "../secret.js";
import type { StoredCredential } from "../stores/token-store.js";
import type { PlannedLine } from "./import-plan.js";

type Writer = Io["out"];

/** What happened to the file and the store, for the report. */
export interface ImportResult {
  source: string;
  storeName: string;
  lines: PlannedLine[];
  /** Line numbers removed from the file (--delete). */
  removed: number[] | undefined;
  /** Line numbers --delete kept although the store holds them: they shield a later token (removeImported). */
  shielding: number[];
  /** Line numbers of https credentials whose exact token the store does not hold: left in the file. */
  notInStore: number[];
}

/** `https://host/path (user)`, printable; a token kept as the username described, never shown. */
function where(credential: StoredCredential): string {
  const { protocol, host, path, username } = credential;
  return printable(`${protocol}://${host}${path ? `/${path}` : ""} (${shownName(username)})`);
}

function describeLine(line: PlannedLine, storeName: string): string {
  const { outcome, credential } = line;
  const at = where(credential);
  const token = describe(credential.password);
  switch (outcome.kind) {
    case "imported":
      return `imported ${at} into ${storeName}`;
    case "present":
      return `present  ${at}: ${storeName} already holds this token`;
    case "replaced":
      return `replaced ${at} in ${storeName}: ${describe(outcome.stored)} with the file's ${token} (--force)`;
    case "kept-stored":
      return `kept     the token already stored for ${at}, ${describe(outcome.stored)}; the file's is different (${token}, line ${line.lineNumber}); --force replaces it`;
    case "duplicate":
      return `skipped  ${at}, line ${line.lineNumber}: the same token as line ${outcome.firstLine}`;
    case "never-served":
      return `skipped  ${at}, line ${line.lineNumber}: git never served this token (${token}): line ${outcome.firstLine} comes first for the same credential`;
    case "not-https":
      return `skipped  ${at}: not https`;
  }
}

/** The report: one line per credential line of the file, then a summary; or all of it as JSON. */
export function reportImport(result: ImportResult, json: boolean, out: Writer): void {
  const { source, storeName, lines, removed, shielding, notInStore } = result;
  if (json) {
    const rows = lines.map((line) => jsonRow(line, removed));
    const summary = {
      source,
      store: storeName,
      deleted: (removed?.length ?? 0) > 0,
      removedLines: removed ?? [],
      shieldingLines: shielding,
      leftInFile: notInStore,
      credentials: rows,
    };
    out.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  for (const line of lines) out.write(`${describeLine(line, storeName)}\n`);
  if (!lines.some((line) => line.outcome.kind !== "not-https")) {
    out.write(`nothing to import: ${source} holds no https credential\n`);
    return;
  }
  const count = (kind: PlannedLine["outcome"]["kind"]) =>
    lines.filter((line) => line.outcome.kind === kind).length;
  const parts = [`${plural(count("imported") + count("replaced"), "credential")} imported from ${source}`];
  if (count("replaced") > 0) parts.push(`${count("replaced")} of them replacing another token`);
  if (count("present") > 0) parts.push(`${count("present")} already in ${storeName}`);
  let summary = parts.join(", ");
  const inStore = lines.length - notInStore.length - count("not-https");
  if (removed !== undefined) {
    summary +=
      removed.length > 0
        ? `; removed ${plural(removed.length, "line")} from it (${lineList(removed)})`
        : "; removed nothing from it";
  } else if (inStore > 0) summary += "; to remove them from it run again with --delete";
  out.write(`${summary}\n`);
  if (shielding.length > 0) {
    out.write(
      `kept ${lineList(shielding)} in it although ${storeName} holds ${shielding.length === 1 ? "its token" : "their tokens"}: a later line for the same credential holds a token git never served, which git's credential-store would serve without it; once you know that token is stale, delete its line and run again\n`,
    );
  }
  if (notInStore.length > 0) {
    out.write(
      `${source} still holds ${plural(notInStore.length, "token")} that ${storeName} does not (${lineList(notInStore)}); see above\n`,
    );
  }
}

/** "line 2", "lines 1, 4". */
function lineList(numbers: readonly number[]): string {
  return `${numbers.length === 1 ? "line" : "lines"} ${numbers.join(", ")}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function jsonRow(line: PlannedLine, removed: readonly number[] | undefined): Record<string, unknown> {
  const { credential, outcome } = line;
  const result = outcome.kind === "not-https" ? "skipped" : outcome.kind;
  return {
    line: line.lineNumber,
    protocol: credential.protocol,
    host: credential.host,
    username: shownName(credential.username),
    ...(credential.path === undefined ? {} : { path: credential.path }),
    result,
    ...(outcome.kind === "not-https" ? { reason: "not https" } : {}),
    token: describe(credential.password),
    ...("stored" in outcome ? { storedToken: describe(outcome.stored) } : {}),
    ...("firstLine" in outcome ? { firstLine: outcome.firstLine } : {}),
    ...(removed === undefined ? {} : { removed: removed.includes(line.lineNumber) }),
  };
}
