// Which opener shows a page on each platform ($BROWSER first), run through the injected spawn:
// detached, bounded, no shell, an allow-listed environment; a missing opener is a result.
import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { OPENER_TIMEOUT_MS, openerFor, openInBrowser } from "./open-url.js";

const URL = "https://github.com/settings/tokens/new?scopes=repo&description=a%20b";

describe("openerFor", () => {
  it.each([
    { name: "Linux uses xdg-open", env: {}, platform: "linux", want: { file: "xdg-open", args: [URL] } },
    { name: "a BSD uses xdg-open", env: {}, platform: "freebsd", want: { file: "xdg-open", args: [URL] } },
    { name: "macOS uses open", env: {}, platform: "darwin", want: { file: "open", args: [URL] } },
    {
      name: "Windows uses rundll32's URL handler, never cmd (it would split the URL at &)",
      env: {},
      platform: "win32",
      want: { file: "C:\\Windows\\System32\\rundll32.exe", args: ["url.dll,FileProtocolHandler", URL] },
    },
    {
      name: "Windows runs rundll32 from %SystemRoot%, never a rundll32.exe in the working directory",
      env: { SystemRoot: "D:\\WINDOWS" },
      platform: "win32",
      want: { file: "D:\\WINDOWS\\System32\\rundll32.exe", name: "rundll32" },
    },
    {
      name: "$BROWSER wins on every platform, the URL its only argument",
      env: { BROWSER: "/usr/bin/firefox" },
      platform: "darwin",
      want: { file: "/usr/bin/firefox", args: [URL] },
    },
    {
      name: "$BROWSER with arguments: split at spaces (as gh does), the URL last, no shell",
      env: { BROWSER: "firefox --new-window" },
      platform: "linux",
      want: { file: "firefox", args: ["--new-window", URL] },
    },
    {
      name: "an empty $BROWSER is not set",
      env: { BROWSER: "  " },
      platform: "linux",
      want: { file: "xdg-open", args: [URL] },
    },
  ])("$name", ({ env, platform, want }) => {
    expect(openerFor(URL, env, platform)).toMatchObject(want);
  });
});

describe("openInBrowser", () => {
  it("spawns the opener detached and bounded, with no token variable in its environment", async () => {
    const deps = makeTestDeps({ spawnResults: [{ code: 0, stdout: "", stderr: "" }] });
    Object.assign(deps, {
      env: { PATH: "/usr/bin", DISPLAY: ":0", GH_TOKEN: CANARY.classic, GIT_CREDENTIAL_PAT_STORE: "file" },
    });
    const seen: unknown[] = [];
    const spawn = deps.spawn;
    deps.spawn = (file, args, options) => {
      seen.push(options);
      return spawn(file, args, options);
    };
    expect(await openInBrowser(URL, deps)).toEqual({ kind: "opened", opener: "xdg-open" });
    expect(deps.spawnCalls).toEqual([{ file: "xdg-open", args: [URL] }]);
    expect(seen).toEqual([
      { env: { PATH: "/usr/bin", DISPLAY: ":0" }, timeoutMs: OPENER_TIMEOUT_MS, isDetached: true },
    ]);
  });

  it.each([
    { name: "a missing opener (127) is not found", code: 127, want: "not found" },
    { name: "an opener that fails says its status", code: 3, want: "exit status 3" },
  ])("$name", async ({ code, want }) => {
    const deps = makeTestDeps({ spawnResults: [{ code, stdout: "", stderr: "" }] });
    Object.assign(deps, { env: { BROWSER: "nosuchbrowser" } });
    expect(await openInBrowser(URL, deps)).toEqual({
      kind: "failed",
      opener: "$BROWSER (nosuchbrowser)",
      reason: want,
    });
  });
});
