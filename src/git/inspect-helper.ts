// What a `credential.helper` value runs, and the chain of helpers git asks for one URL
// (credential.c credential_do, credential_config_callback). Pure: no I/O.
import { type HelperOptionName, readHelperArgs } from "../protocol/index.js";
import { type ConfigEntry, splitConfigKey } from "./inspect-config.js";

export type HelperKind =
  /** git-credential-pat itself. */
  | "pat"
  /** git-credential-store: plaintext ~/.git-credentials. */
  | "store"
  /** git-credential-cache: in memory for --timeout seconds. */
  | "cache"
  /** An OS keychain or credential manager that keeps what it is given. */
  | "keychain"
  | "other";

export interface Helper {
  kind: HelperKind;
  /** The name git knows it by (`store`, `manager`, `pat`), or the command for a shell helper. */
  name: string;
  /** Words after the helper's program. */
  args: string[];
  /** For git-credential-pat run by its path (the binary, or the Node build's script): that path. */
  path?: string;
}

/** Helpers that keep what git gives them, by their `git credential-NAME` name. */
const KEEPING_HELPERS = new Set([
  "manager",
  "manager-core",
  "osxkeychain",
  "libsecret",
  "wincred",
  "gnome-keyring",
]);

/**
 * Classifies a helper value the way git runs it: `!cmd` is a shell command, an absolute path
 * runs as is, anything else is `git credential-<value>`. `selfPaths` are the paths this
 * program runs from, so an absolute-path configuration of it is recognised.
 */
export function inspectHelper(value: string, selfPaths: readonly string[] = []): Helper {
  const isShell = value.startsWith("!");
  const words = splitWords(isShell ? value.slice(1) : value);
  const command =
    isShell || value.startsWith("/") ? words : ["git", `credential-${words[0] ?? ""}`, ...words.slice(1)];
  // A Windows helper path is written with forward slashes (setup-plan binaryHelperCommand).
  const base = (word: string) => word.slice(word.lastIndexOf("/") + 1).replace(/\.exe$/i, "");
  let name: string | undefined;
  let args: string[] = [];
  if (base(command[0] ?? "") === "git" && command[1]?.startsWith("credential-")) {
    name = command[1].slice("credential-".length);
    args = command.slice(2);
  } else if (base(command[0] ?? "").startsWith("git-credential-")) {
    name = base(command[0] ?? "").slice("git-credential-".length);
    args = command.slice(1);
  }
  const isSelf = (word: string) =>
    base(word) === "git-credential-pat" ||
    selfPaths.includes(word) ||
    // The npm package's Node entry: …/node_modules/git-credential-pat/dist/cli.cjs.
    /\/git-credential-pat\/dist\/cli\.cjs$/.test(word);
  const self = command.findIndex(isSelf);
  if (name === "pat" || self !== -1) {
    const path = command[self];
    const isPath = path?.includes("/") === true;
    return {
      kind: "pat",
      name: "pat",
      args: name === "pat" ? args : command.slice(self + 1),
      ...(isPath ? { path } : {}),
    };
  }
  if (name === undefined) return { kind: "other", name: value.replace(/^!/, "").trim(), args: [] };
  const kind: HelperKind =
    name === "store"
      ? "store"
      : name === "cache"
        ? "cache"
        : KEEPING_HELPERS.has(name)
          ? "keychain"
          : "other";
  return { kind, name, args };
}

/** Shell words with '…', "…" and backslash quoting: enough to read a helper's options. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (char === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The value the helper takes for one of its options from these words (readHelperArgs). */
export function helperOption(args: readonly string[], name: HelperOptionName): string | undefined {
  return readHelperArgs(args).values[name];
}

export interface ChainLink {
  value: string;
  entry: ConfigEntry;
}

/**
 * The helpers git runs for one URL, in order. Every `credential.helper` and every
 * `credential.<url>.helper` whose URL matches is appended in config order (credential.c
 * select_all: no "most specific wins" here), and an empty value clears what came before.
 * `matchingUrls` are the `<url>` subsections git itself said match (urlmatch.c).
 */
export function helperChain(entries: readonly ConfigEntry[], matchingUrls: ReadonlySet<string>): ChainLink[] {
  let chain: ChainLink[] = [];
  for (const entry of entries) {
    const { section, subsection, name } = splitConfigKey(entry.key);
    if (section !== "credential" || name !== "helper") continue;
    if (subsection !== undefined && !matchingUrls.has(subsection)) continue;
    // A bare `helper` line (no value) is an error to git, which skips it.
    if (entry.value === undefined) continue;
    if (entry.value === "") chain = [];
    else chain.push({ value: entry.value, entry });
  }
  return chain;
}

/** The distinct `<url>` subsections of `credential.<url>.helper` entries, in order. */
export function helperUrls(entries: readonly ConfigEntry[]): string[] {
  const urls = entries.flatMap((entry) => {
    const { section, subsection, name } = splitConfigKey(entry.key);
    return section === "credential" && name === "helper" && subsection !== undefined ? [subsection] : [];
  });
  return [...new Set(urls)];
}
