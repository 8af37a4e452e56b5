// How `doctor` prints its findings: grouped by area, one line each with the fix under it, and a
// summary. Marks (✓ ! ✗) and colour only on a terminal; plain ok/warn/fail otherwise. Every line
// goes through scrub() (a URL or helper command may carry a token the user put there) and
// printable() (a remote URL or username may carry escape sequences).
import { printable } from "../../protocol/index.js";
import { scrub } from "../../secret.js";
import { paint } from "../format.js";
import { AREAS, type Finding, type Status } from "./finding.js";

const MARKS: Record<Status, { tty: string; plain: string; colour: "green" | "yellow" | "red" }> = {
  ok: { tty: "✓", plain: "ok  ", colour: "green" },
  warn: { tty: "!", plain: "warn", colour: "yellow" },
  fail: { tty: "✗", plain: "fail", colour: "red" },
};

export function formatDoctorReport(
  findings: readonly Finding[],
  options: { isTTY: boolean; fixMode: boolean },
): string {
  const { isTTY } = options;
  const lines: string[] = [];
  for (const area of AREAS) {
    const inArea = findings.filter((finding) => finding.area === area);
    if (inArea.length === 0) continue;
    if (lines.length > 0) lines.push("");
    lines.push(isTTY ? `\u001b[1m${area}\u001b[0m` : area);
    for (const finding of inArea) {
      const mark = MARKS[finding.status];
      const prefix = isTTY ? paint(mark.tty, mark.colour, true) : mark.plain;
      const indent = " ".repeat(isTTY ? 4 : 7);
      lines.push(`  ${prefix} ${printable(finding.message)}`);
      const auto = finding.action !== undefined && !options.fixMode ? " (--fix)" : "";
      if (finding.fix !== undefined) lines.push(`${indent}fix${auto}: ${printable(finding.fix)}`);
    }
  }
  const count = (status: Status) => findings.filter((finding) => finding.status === status).length;
  const warnings = count("warn");
  const summary = `${count("fail")} failed, ${warnings} warning${warnings === 1 ? "" : "s"}, ${count("ok")} ok`;
  lines.push("", summary);
  const fixable = findings.filter((finding) => finding.action !== undefined).length;
  if (!options.fixMode && fixable > 0) {
    lines.push(
      `run "git-credential-pat doctor --fix" to apply the fix${fixable === 1 ? "" : "es"} marked (--fix)`,
    );
  }
  return `${lines.map(scrub).join("\n")}\n`;
}

/** `--json`: an array of {area, status, message, fix?}; the internal action is left out. */
export function formatDoctorJson(findings: readonly Finding[]): string {
  const rows = findings.map(({ area, status, message, fix }) => ({
    area,
    status,
    message: scrub(message),
    ...(fix === undefined ? {} : { fix: scrub(fix) }),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
