// A look that failed, kept as a fact for the checks to report instead of thrown.
import { hintOf } from "../../errors.js";

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The error's message and its hint (the next step), as the checks show them. */
export const problemOf = (error: unknown) => ({ message: errorMessage(error), hint: hintOf(error) });

/** The first line of git's output, for a one-line finding. */
export const firstLine = (text: string) => text.trim().split("\n")[0] ?? "";
