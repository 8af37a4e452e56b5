// Shows a web page in the person's browser: $BROWSER first (as gh and git's web--browse do), else
// the platform's opener. Never through a shell, never waiting long (Spawn's isDetached: no pipes
// held, nothing killed); when no opener runs, the URL already printed is enough.
import type { Deps } from "../platform/deps.js";
import { windowsSystemProgram } from "../posix-path.js";
import { pickEnv, WINDOWS_CHILD_ENV } from "../settings.js";

/**
 * How long we wait for an opener to say it failed (xdg-open and open exit at once); a browser
 * started directly ($BROWSER=firefox) and still running then has started, and the prompt that
 * follows should not wait for it.
 */
export const OPENER_TIMEOUT_MS = 2000;

export interface Opener {
  file: string;
  args: string[];
  /** How the person knows it: "$BROWSER (firefox)", "xdg-open". */
  name: string;
}

/**
 * The command that opens `url`: $BROWSER (a program and its arguments, split at spaces as gh
 * does; never a shell) with the URL last, else `open` on macOS, rundll32's URL handler on
 * Windows, `xdg-open` elsewhere.
 */
export function openerFor(url: string, env: Deps["env"], platform: string): Opener {
  const browser = env.BROWSER?.trim();
  if (browser) {
    const [file, ...args] = browser.split(/\s+/) as [string, ...string[]];
    return { file, args: [...args, url], name: `$BROWSER (${browser})` };
  }
  if (platform === "darwin") return { file: "open", args: [url], name: "open" };
  // Not `cmd /c start "" URL`: cmd would read the & between the URL's parameters as a command separator.
  // By its full path: Windows looks a bare name up in the working directory first.
  if (platform === "win32") {
    const file = windowsSystemProgram("rundll32.exe", env.SystemRoot);
    return { file, args: ["url.dll,FileProtocolHandler", url], name: "rundll32" };
  }
  return { file: "xdg-open", args: [url], name: "xdg-open" };
}

/** What an opener needs to reach the desktop session; an allow-list, so no token variable goes. */
const OPENER_ENV = [
  "PATH",
  "HOME",
  "LANG",
  "LC_ALL",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "DBUS_SESSION_BUS_ADDRESS",
  "XDG_RUNTIME_DIR",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_CONFIG_DIRS",
  "XDG_DATA_DIRS",
  "XDG_CURRENT_DESKTOP",
  "XDG_SESSION_TYPE",
  "BROWSER",
  ...WINDOWS_CHILD_ENV,
];

export type OpenResult =
  | { kind: "opened"; opener: string }
  | { kind: "failed"; opener: string; reason: string };

/** Opens `url`; never throws: an opener that is missing or fails is a result. */
export async function openInBrowser(
  url: string,
  deps: Pick<Deps, "env" | "platform" | "spawn">,
): Promise<OpenResult> {
  const opener = openerFor(url, deps.env, deps.platform);
  try {
    const { code } = await deps.spawn(opener.file, opener.args, {
      env: pickEnv(deps.env, OPENER_ENV),
      timeoutMs: OPENER_TIMEOUT_MS,
      isDetached: true,
    });
    if (code === 0) return { kind: "opened", opener: opener.name };
    return {
      kind: "failed",
      opener: opener.name,
      reason: code === 127 ? "not found" : `exit status ${code}`,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: "failed", opener: opener.name, reason };
  }
}
