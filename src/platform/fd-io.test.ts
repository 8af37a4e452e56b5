import { closeSync, openSync } from "node:fs";
import tty from "node:tty";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isTerminal } from "./fd-io.js";

describe("isTerminal", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("win32: asks the console (node:tty), as there is no /dev/null to compare with", () => {
    const isatty = vi.spyOn(tty, "isatty").mockReturnValue(true);
    expect(isTerminal(0, "win32")).toBe(true);
    expect(isatty).toHaveBeenCalledWith(0);
  });

  it.each(["linux", "darwin"])("%s: fstat tells, node:tty stays unloaded", (platform) => {
    const isatty = vi.spyOn(tty, "isatty").mockReturnValue(true);
    // A regular file: no terminal, whatever this test's own stdin is.
    const fd = openSync(import.meta.filename, "r");
    try {
      expect(isTerminal(fd, platform)).toBe(false);
    } finally {
      closeSync(fd);
    }
    expect(isatty).not.toHaveBeenCalled();
  });
});
