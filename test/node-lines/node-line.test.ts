// The Node-line projects (vitest.config.ts) are what they say: their node binary is of their
// line, and the tiers they run drive the Node build with it, never with the node running vitest.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { artifacts } from "../helpers/artifacts.js";
import { nodeLineEnv, TEST_NODE_ENV, TEST_NODE_LINE_ENV } from "../helpers/node-lines.js";

const line = process.env[TEST_NODE_LINE_ENV] ?? "";
const node = process.env[TEST_NODE_ENV];

describe(`the node ${line} project`, () => {
  it("has its line's node binary (scripts/node-lines.sh)", () => {
    if (node === undefined) {
      throw new Error(`no ${nodeLineEnv(line)}: run the tests with npm test (scripts/node-lines.sh)`);
    }
    expect(execFileSync(node, ["--version"], { encoding: "utf8" })).toMatch(
      new RegExp(`^v${line}\\.\\d+\\.\\d+\\n$`),
    );
  });

  it("runs only the Node build, with that binary", () => {
    expect(artifacts().map((artifact) => [artifact.name, artifact.argv[0]])).toEqual([["node", node]]);
    expect(node).not.toBe(process.execPath);
  });
});
