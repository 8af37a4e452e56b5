// Suite-wide guard: tests hand captured stderr/log text to recordOutput(); after each test
// none of it may contain a canary token.
import { afterEach, expect } from "vitest";
import { findCanaries } from "./canary.js";

const captured: Array<{ label: string; text: string }> = [];

/** Registers text a test captured (stderr, logs, error messages) for the leak check. */
export function recordOutput(label: string, text: string): void {
  captured.push({ label, text });
}

afterEach(() => {
  const leaks = captured.flatMap(({ label, text }) => findCanaries(text).map(() => label));
  captured.length = 0;
  expect(leaks, "a canary token leaked into captured output").toEqual([]);
});
