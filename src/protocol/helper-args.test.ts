import { describe, expect, it } from "vitest";
import { readHelperArgs } from "./helper-args.js";

describe("readHelperArgs", () => {
  it.each([
    { name: "just the action", argv: ["get"], want: { action: "get", values: {} } },
    { name: "no action", argv: [], want: { action: undefined, values: {} } },
    {
      name: "the last positional is the action, as in git",
      argv: ["extra", "store"],
      want: { action: "store" },
    },
    {
      name: "--name=value and --name value",
      argv: ["--timeout=60", "--socket", "/run/s", "get"],
      want: { action: "get", values: { timeout: "60", socket: "/run/s" } },
    },
    { name: "one dash is an option too", argv: ["-store=file", "get"], want: { values: { store: "file" } } },
    { name: "a value keeps its =", argv: ["--socket=/a=b"], want: { values: { socket: "/a=b" } } },
    {
      name: "a repeated option's last value wins, as git's parse_options",
      argv: ["--store=file", "--store", "memory", "get"],
      want: { values: { store: "memory" } },
    },
    { name: "-- ends options", argv: ["--", "--odd"], want: { action: "--odd", values: {} } },
    { name: "a lone - is a positional", argv: ["-"], want: { action: "-" } },
  ])("reads $name", ({ argv, want }) => {
    const args = readHelperArgs(argv);
    expect(args).toMatchObject(want);
    expect(args.problem).toBeUndefined();
  });

  it.each([
    {
      name: "an unknown option, reading on past it",
      argv: ["--bogus=1", "--store=file", "get"],
      want: { action: "get", values: { store: "file" }, problem: "unknown option '--bogus'" },
    },
    {
      name: "an option without its value",
      argv: ["--socket"],
      want: { values: {}, problem: "option '--socket' needs a value" },
    },
    {
      name: "the first of several problems",
      argv: ["--one", "--two", "--timeout"],
      want: { problem: "unknown option '--one'" },
    },
  ])("says $name", ({ argv, want }) => {
    expect(readHelperArgs(argv)).toMatchObject(want);
  });
});
