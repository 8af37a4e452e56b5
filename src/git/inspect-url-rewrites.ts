// `url.<base>.insteadOf` / `url.<base>.pushInsteadOf` rules and how git applies them to a
// remote's URLs (remote.c alias_url, alias_all_urls). Pure: no I/O.
import { type ConfigEntry, splitConfigKey } from "./inspect-config.js";

export interface UrlRewrite {
  kind: "insteadOf" | "pushInsteadOf";
  /** What matching URLs become. */
  base: string;
  /** The prefix it replaces. */
  prefix: string;
  /** The config entry that holds it (for the fix). */
  entry: ConfigEntry;
}

/** The rewrite rules among config entries, in config order. */
export function inspectUrlRewrites(entries: readonly ConfigEntry[]): UrlRewrite[] {
  return entries.flatMap((entry) => {
    const { section, subsection, name } = splitConfigKey(entry.key);
    if (section !== "url" || subsection === undefined || entry.value === undefined) return [];
    if (name !== "insteadof" && name !== "pushinsteadof") return [];
    return [
      {
        kind: name === "insteadof" ? "insteadOf" : "pushInsteadOf",
        base: subsection,
        prefix: entry.value,
        entry,
      } satisfies UrlRewrite,
    ];
  });
}

export interface Rewritten {
  url: string;
  /** The rule that applied; undefined when the URL is used as written. */
  rule: UrlRewrite | undefined;
}

/** git's alias_url: the rule with the longest matching prefix wins (the first of equals). */
export function rewriteUrl(url: string, rules: readonly UrlRewrite[], kind: UrlRewrite["kind"]): Rewritten {
  let best: UrlRewrite | undefined;
  for (const rule of rules) {
    if (rule.kind !== kind || !url.startsWith(rule.prefix)) continue;
    if (best === undefined || rule.prefix.length > best.prefix.length) best = rule;
  }
  return best === undefined
    ? { url, rule: undefined }
    : { url: best.base + url.slice(best.prefix.length), rule: best };
}

/**
 * The URLs git pushes to (remote.c alias_all_urls): configured pushurls get insteadOf; without
 * any, each url gets pushInsteadOf when one matches, and insteadOf otherwise.
 */
export function effectivePushUrls(
  urls: readonly string[],
  pushUrls: readonly string[],
  rules: readonly UrlRewrite[],
): Array<Rewritten & { raw: string; isPushUrl: boolean }> {
  if (pushUrls.length > 0) {
    return pushUrls.map((raw) => ({ raw, isPushUrl: true, ...rewriteUrl(raw, rules, "insteadOf") }));
  }
  return urls.map((raw) => {
    const push = rewriteUrl(raw, rules, "pushInsteadOf");
    return { raw, isPushUrl: false, ...(push.rule ? push : rewriteUrl(raw, rules, "insteadOf")) };
  });
}
