// Hand-written doctor facts for the section checks' tests: a healthy machine with one host,
// which each test changes only where it matters.

import type { DoctorFacts, RepoFacts } from "../../src/cli/doctor/facts.js";
import type { Finding } from "../../src/cli/doctor/finding.js";
import type { ConfigEntry } from "../../src/git/inspect-config.js";
import { inspectGitVersion } from "../../src/git/inspect-git-version.js";

export const NOW = Date.UTC(2026, 10, 22, 12);
export const DAY = 24 * 60 * 60 * 1000;
export const GLOBAL = "/home/user/.gitconfig";
export const GIT_DIR = "/work/app/.git";

export const global = (key: string, value: string | undefined): ConfigEntry => ({
  scope: "global",
  origin: `file:${GLOBAL}`,
  key,
  value,
});
export const local = (key: string, value: string): ConfigEntry => ({
  scope: "local",
  origin: `file:${GIT_DIR}/config`,
  key,
  value,
});

export function facts(overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    nowMs: NOW,
    soonDays: 7,
    uid: 1000,
    selfPaths: ["/usr/local/bin/git-credential-pat"],
    git: { kind: "found", version: inspectGitVersion("git version 2.43.0"), output: "git version 2.43.0" },
    config: [],
    globalConfigFile: GLOBAL,
    tokenHosts: ["github.com"],
    helperHosts: ["github.com"],
    helperMatches: { "github.com": ["https://github.com"] },
    patOnPath: undefined,
    platformBinary: undefined,
    helperPaths: {},
    repository: { kind: "none", reason: "not inside a git repository" },
    accounts: { kind: "ok", tokens: [] },
    envTokens: [],
    storedTokens: [],
    configFile: { kind: "ok", config: {} },
    stores: [{ store: "keychain", source: "default" }],
    keychain: undefined,
    socketPath: undefined,
    files: [],
    ...overrides,
  };
}

export function repo(entries: ConfigEntry[], where: Partial<RepoFacts> = {}): DoctorFacts["repository"] {
  return {
    kind: "repo",
    gitDir: GIT_DIR,
    repos: [{ displayPath: undefined, dir: undefined, entries, ...where }],
    gitmodules: [],
  };
}

/** The parts of findings a person reads; the action only where --fix may run it. */
export const shown = (findings: Finding[]) =>
  findings.map(({ status, message, fix }) => ({ status, message, fix }));
