// One git config file (--global, --local or --file PATH), read and changed through the real git
// (`git config`), so git's own syntax, quoting and locking apply to every edit we make.
import { PatError } from "../errors.js";
import type { Deps } from "../platform/deps.js";
import { runGit } from "./run-git.js";

export type ConfigTarget = { scope: "global" } | { scope: "local" } | { scope: "file"; path: string };

/** The git option naming the target. */
export function targetArgs(target: ConfigTarget): string[] {
  return target.scope === "file" ? ["--file", target.path] : [`--${target.scope}`];
}

export class GitConfig {
  constructor(
    readonly target: ConfigTarget,
    private readonly deps: Pick<Deps, "spawn" | "env">,
  ) {}

  /** Every value of `key` in this file, in file order; [] when it is not set. */
  async getAll(key: string): Promise<string[]> {
    // -z: values may hold newlines; each one ends with NUL.
    const result = await this.git(["--null", "--get-all", key], [0, 1]);
    if (result.code === 1) return [];
    return result.stdout.split("\0").slice(0, -1);
  }

  /**
   * The file git reports for `key` (`--show-origin`), or undefined when the key is not set
   * there or git names it in a form we do not parse (a quoted path).
   */
  async originOf(key: string): Promise<string | undefined> {
    const result = await this.git(["--null", "--show-origin", "--get-all", key], [0, 1]);
    const origin = result.stdout.split("\0")[0] ?? "";
    return result.code === 0 && origin.startsWith("file:") && !origin.startsWith('file:"')
      ? origin.slice("file:".length)
      : undefined;
  }

  /** Makes `values` the values of `key`, in order ([] unsets it). */
  async setAll(key: string, values: readonly string[]): Promise<void> {
    const [first, ...rest] = values;
    if (first === undefined) {
      // Exit 5: the key was not set, which is what we wanted.
      await this.git(["--unset-all", key], [0, 5]);
      return;
    }
    await this.git(["--replace-all", key, first], [0]);
    for (const value of rest) await this.git(["--add", key, value], [0]);
  }

  private async git(args: string[], okCodes: number[]) {
    const full = ["config", ...targetArgs(this.target), ...args];
    const result = await runGit(full, this.deps);
    if (!okCodes.includes(result.code)) {
      const why = result.stderr.trim().split("\n")[0] || `exit ${result.code}`;
      const shown = full.map((arg) => (arg === "" ? '""' : arg)).join(" ");
      throw new PatError(`git ${shown} failed: ${why}`);
    }
    return result;
  }
}
