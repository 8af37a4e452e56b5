import { describe, expect, it } from "vitest";
import { parseHelperArgs } from "./parse-helper-args.js";

describe("parseHelperArgs", () => {
  it.each([
    { name: "just the action", argv: ["get"], want: { action: "get", timeoutSeconds: 900 } },
    {
      name: "the last positional is the action, as in git",
      argv: ["extra", "store"],
      want: { action: "store" },
    },
    {
      name: "--name=value",
      argv: ["--timeout=60", "--store=file", "get"],
      want: { timeoutSeconds: 60, storeName: "file" },
    },
    {
      name: "--name value",
      argv: ["--socket", "/run/s", "get"],
      want: { socketPath: "/run/s", action: "get" },
    },
    { name: "-- ends options", argv: ["--", "--odd"], want: { action: "--odd" } },
    { name: "no action", argv: [], want: { action: undefined } },
    { name: "a value with =", argv: ["--socket=/a=b", "get"], want: { socketPath: "/a=b" } },
  ])("accepts $name", ({ argv, want }) => {
    expect(parseHelperArgs(argv)).toMatchObject(want);
  });

  it.each([
    { name: "an unknown option", argv: ["--bogus", "get"], want: "unknown option '--bogus'" },
    { name: "an option without its value", argv: ["--socket"], want: "option '--socket' needs a value" },
    { name: "a negative timeout", argv: ["--timeout=-1", "get"], want: "--timeout must be a whole number" },
    {
      name: "a fractional timeout",
      argv: ["--timeout=1.5", "get"],
      want: "--timeout must be a whole number",
    },
  ])("rejects $name as a usage error", ({ argv, want }) => {
    expect(() => parseHelperArgs(argv)).toThrow(
      expect.objectContaining({ exitCode: 2, message: expect.stringContaining(want) }),
    );
  });
});
