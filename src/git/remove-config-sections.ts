// Removes whole sections from the bytes of a git config file, leaving every other byte as it was:
// for a section git's CLI can only name on its command line (`url.https://TOKEN@host/`).
// Follows git's own reader (config.c git_parse_source, get_base_var, get_value, parse_value);
// anything it does not understand makes it refuse rather than guess. Pure: no I/O.

export type SectionRemoval =
  | { kind: "ok"; bytes: Buffer; removed: number }
  | { kind: "unreadable"; reason: string };

/** A section header's name (lower case, as git folds it) and its subsection (UTF-8, case kept; undefined for `[core]`). */
export type SectionFilter = (name: string, subsection: string | undefined) => boolean;

interface Item {
  kind: "header" | "variable";
  /** Offsets in the latin1 text: where the item starts and where its last line ends (after the LF). */
  start: number;
  end: number;
  /** Whether the item is the first thing on its line (only whitespace before it). */
  startsLine: boolean;
  /** Whether nothing but whitespace or a comment follows it on its last line. */
  endsLine: boolean;
  name?: string;
  subsection?: string | undefined;
}

class Unreadable extends Error {}

/**
 * `bytes` without every section `isTarget` picks: each header line, the variables under it and
 * anything between them (git --remove-section drops them too), up to the end of its last
 * variable's line. Comments and blank lines after the section's last variable stay with what
 * follows. A section sharing a line with other items is refused.
 */
export function removeConfigSections(bytes: Buffer, isTarget: SectionFilter): SectionRemoval {
  // latin1 maps every byte to one character and back, so untouched bytes survive exactly.
  const text = bytes.toString("latin1");
  let items: Item[];
  try {
    items = scan(text);
  } catch (error) {
    return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  }
  const cuts: Array<[number, number]> = [];
  for (let i = 0; i < items.length; i++) {
    const header = items[i] as Item;
    if (header.kind !== "header") continue;
    // git prints names as UTF-8; the text here is latin1 so that every byte round-trips.
    const subsection =
      header.subsection === undefined ? undefined : Buffer.from(header.subsection, "latin1").toString("utf8");
    if (!isTarget(header.name ?? "", subsection)) continue;
    let last = header;
    while (items[i + 1]?.kind === "variable") last = items[++i] as Item;
    if (!header.startsLine || !last.endsLine) {
      return { kind: "unreadable", reason: "the section shares a line with something else" };
    }
    // A byte order mark before the first header stays.
    cuts.push([Math.max(lineStart(text, header.start), bomLength(text)), last.end]);
  }
  let out = "";
  let from = 0;
  for (const [start, end] of cuts) {
    out += text.slice(from, start);
    from = end;
  }
  out += text.slice(from);
  return { kind: "ok", bytes: Buffer.from(out, "latin1"), removed: cuts.length };
}

/** A UTF-8 byte order mark (as latin1 characters) is skipped, as git does. */
function bomLength(text: string): number {
  return text.startsWith("\xef\xbb\xbf") ? 3 : 0;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\v" || c === "\f";
const isAlpha = (c: string | undefined) => c !== undefined && /^[A-Za-z]$/.test(c);
const isKeyChar = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9-]$/.test(c);

/** The headers and variables of a config file, in order, with their extents. */
function scan(text: string): Item[] {
  const items: Item[] = [];
  let i = bomLength(text);
  let lineHasItem = false;
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      i++;
      lineHasItem = false;
    } else if (isSpace(c)) {
      i++;
    } else if (c === "#" || c === ";") {
      i = endOfLine(text, i);
    } else if (c === "[") {
      const start = i;
      const header = readHeader(text, i);
      i = header.next;
      items.push({
        kind: "header",
        start,
        end: i,
        startsLine: !lineHasItem,
        endsLine: false,
        name: header.name,
        subsection: header.subsection,
      });
      lineHasItem = true;
    } else if (isAlpha(c)) {
      const start = i;
      i = readVariable(text, i);
      items.push({ kind: "variable", start, end: i, startsLine: !lineHasItem, endsLine: true });
      // A variable runs to the end of its (last) line: the next item starts a new line.
      lineHasItem = false;
    } else {
      throw new Unreadable(`unexpected character at offset ${i}`);
    }
  }
  // A header is alone on its line when only whitespace or a comment follows it.
  for (const item of items) {
    if (item.kind !== "header") continue;
    let j = item.end;
    while (isSpace(text[j])) j++;
    const rest = text[j];
    if (rest === undefined || rest === "\n" || rest === "#" || rest === ";") {
      item.endsLine = true;
      item.end = endOfLine(text, j);
    }
  }
  return items;
}

/** Offset just after the LF ending the line that `i` is on (or the end of the text). */
function endOfLine(text: string, i: number): number {
  const newline = text.indexOf("\n", i);
  return newline === -1 ? text.length : newline + 1;
}

/** `[name]`, `[name "subsection"]` or the old `[name.subsection]`; returns the offset after `]`. */
function readHeader(
  text: string,
  open: number,
): { name: string; subsection: string | undefined; next: number } {
  let i = open + 1;
  let name = "";
  for (;;) {
    const c = text[i];
    if (c === undefined || c === "\n") throw new Unreadable("unterminated section header");
    if (c === "]") return { name: name.toLowerCase(), subsection: undefined, next: i + 1 };
    if (isSpace(c)) return readQuotedSubsection(text, i, name.toLowerCase());
    if (c === ".") {
      // The deprecated dotted form folds the subsection to lower case.
      const close = text.indexOf("]", i);
      const sub = close === -1 ? "" : text.slice(i + 1, close);
      if (close === -1 || !/^[A-Za-z0-9.-]*$/.test(sub)) throw new Unreadable("bad section header");
      return { name: name.toLowerCase(), subsection: sub.toLowerCase(), next: close + 1 };
    }
    if (!isKeyChar(c)) throw new Unreadable("bad section name");
    name += c;
    i++;
  }
}

/** ` "sub\"section"]`: backslash takes the next character as it is (config.c get_extended_base_var). */
function readQuotedSubsection(
  text: string,
  from: number,
  name: string,
): { name: string; subsection: string; next: number } {
  let i = from;
  while (isSpace(text[i])) i++;
  if (text[i] !== '"') throw new Unreadable("bad section header");
  i++;
  let sub = "";
  for (;;) {
    const c = text[i];
    if (c === undefined || c === "\n") throw new Unreadable("unterminated subsection");
    if (c === '"') break;
    if (c === "\\") {
      i++;
      const escaped = text[i];
      if (escaped === undefined || escaped === "\n") throw new Unreadable("unterminated subsection");
      sub += escaped;
    } else {
      sub += c;
    }
    i++;
  }
  if (text[i + 1] !== "]") throw new Unreadable("bad section header");
  return { name, subsection: sub, next: i + 2 };
}

/**
 * `name [= value]` through the end of its last line: a backslash before the newline continues the
 * value, but not inside a comment; a newline inside quotes is an error (config.c parse_value).
 */
function readVariable(text: string, from: number): number {
  let i = from;
  while (isKeyChar(text[i])) i++;
  while (isSpace(text[i])) i++;
  const c = text[i];
  if (c === undefined || c === "\n" || c === "#" || c === ";") return endOfLine(text, i);
  if (c !== "=") throw new Unreadable("bad variable line");
  i++;
  let isQuoted = false;
  for (;;) {
    const d = text[i];
    if (d === undefined) {
      if (isQuoted) throw new Unreadable("unterminated quote");
      return i;
    }
    if (d === "\n") {
      if (isQuoted) throw new Unreadable("unterminated quote");
      return i + 1;
    }
    if (!isQuoted && (d === "#" || d === ";")) return endOfLine(text, i);
    if (d === "\\") {
      const next = text[i + 1] === "\r" && text[i + 2] === "\n" ? "\n" : text[i + 1];
      if (next === "\n") {
        i += text[i + 1] === "\r" ? 3 : 2;
        continue;
      }
      if (next === undefined || !'tbn\\"'.includes(next)) throw new Unreadable("bad escape in a value");
      i += 2;
      continue;
    }
    if (d === '"') isQuoted = !isQuoted;
    i++;
  }
}
