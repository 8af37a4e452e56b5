// The real keychain through @napi-rs/keyring, loaded on first use. On Linux it is pinned to
// the Secret Service: the library's default silently falls back to the kernel keyring, which
// loses every token at logout. Every call is bounded by a timeout.
import { BackendUnavailableError } from "../errors.js";
import { KEYRING_WATCHDOG_GRACE_MS } from "../settings.js";
import { bunRuntime } from "./bun-runtime.js";
import type { Keyring } from "./deps.js";
import { startKeyringWatchdog } from "./keyring-watchdog.js";

const OTHER_STORES =
  'or pick another store: "--store=memory" (cache only, nothing on disk) or "--store=file" (plaintext file, 0600)';
const START_KEYRING = `start a keyring (gnome-keyring, KWallet, KeePassXC) in this session, ${OTHER_STORES}`;
const UNLOCK_KEYRING = `unlock it (log in to the desktop session, or "gnome-keyring-daemon --unlock" from a terminal), ${OTHER_STORES}`;

/** What a missing or locked keychain is called, and its fix, on each platform. */
export function keychainWords(platform: string): { missing: string; start: string; unlock: string } {
  if (platform === "darwin") {
    return {
      missing: "the macOS keychain is not available",
      start: `run this in your macOS login session, with a login keychain (Keychain Access), ${OTHER_STORES}`,
      unlock: `unlock the login keychain (Keychain Access, or "security unlock-keychain"), ${OTHER_STORES}`,
    };
  }
  if (platform === "win32") {
    return {
      missing: "Windows Credential Manager is not available",
      start: `run this in your own Windows logon session (Credential Manager is per user), ${OTHER_STORES}`,
      unlock: `check Credential Manager (Control Panel > Credential Manager), ${OTHER_STORES}`,
    };
  }
  return {
    missing: "no Secret Service is available (the OS keychain on Linux)",
    start: START_KEYRING,
    unlock: UNLOCK_KEYRING,
  };
}

export const HEADLESS_HINT =
  'git config --global credential.helper "pat --store=memory", or set "store" in ~/.config/git-credential-pat/config.json';

export function keyringUnavailable(
  what: string,
  cause?: unknown,
  alternatives = START_KEYRING,
): BackendUnavailableError {
  return new BackendUnavailableError(`${what}; ${alternatives}`, { hint: HEADLESS_HINT, cause });
}

type Addon = typeof import("@napi-rs/keyring");

export async function loadNodeKeyring(
  timeoutMs: number,
  platform: string = process.platform,
): Promise<Keyring> {
  let addon: Addon;
  try {
    addon = await loadAddon();
  } catch (error) {
    throw keyringUnavailable("the OS keychain library could not be loaded on this platform", error);
  }
  const options = platform === "linux" ? { linux: { store: "secret-service" as const } } : undefined;
  const words = keychainWords(platform);
  const watchdog = startKeyringWatchdog(
    timeoutMs + KEYRING_WATCHDOG_GRACE_MS,
    `git-credential-pat: ${keyringUnavailable(`the keychain did not answer within ${timeoutMs / 1000} s`, undefined, words.unlock).message}\n`,
    { platform },
  );
  const entry = (service: string, account: string) =>
    watchdog.guardBlocking(() => {
      try {
        return new addon.AsyncEntry(service, account, options);
      } catch (error) {
        throw unavailable(error, platform);
      }
    });
  // findCredentials takes no store option and falls back to the kernel keyring when there is no
  // Secret Service. Our items are only ever written pinned to the Secret Service, so a listing
  // with items in it came from there; an empty one is checked with a pinned entry, which
  // throws without one. (Checking first cost every keychain hit a second D-Bus connection,
  // ~9 ms: npm run bench.)
  // Under Node the check still comes first: a listing stuck in the addon's fallback choice
  // (a frozen keyring) keeps Node from exiting even after the error is reported.
  // Only Linux has that fallback: elsewhere the listing comes from the one OS keychain.
  let secretServiceChecked = platform !== "linux";
  const ensureSecretService = () => {
    if (secretServiceChecked) return;
    entry("git-credential-pat", "probe");
    secretServiceChecked = true;
  };
  if (!bunRuntime()) ensureSecretService();

  // The watchdog follows the native call itself: when bounded() gives up and the error is shown,
  // a call that never returns would still hold the process; the watchdog then ends it quietly.
  // Every call is tried again when an item vanished under it (retryVanished): reading, writing
  // and deleting all look the item up first, and another process may erase it in between.
  const call = <T>(run: (signal: AbortSignal) => Promise<T>) =>
    retryVanished(
      () =>
        bounded(timeoutMs, words.unlock, platform, (signal) => watchdog.guard(() => run(signal))).catch(
          (error: unknown) => {
            watchdog.markReported();
            throw error;
          },
        ),
      timeoutMs,
    );
  return {
    findAll: async (service) => {
      const items = await call((signal) => addon.findCredentialsAsync(service, undefined, signal));
      if (items.length === 0) ensureSecretService();
      return items;
    },
    set: (service, account, password) =>
      call((signal) => entry(service, account).setPassword(password, signal)),
    delete: (service, account) => call((signal) => entry(service, account).deleteCredential(signal)),
  };
}

/**
 * The standalone binary's build hands over its platform's addon to load directly
 * (scripts/build.mjs); elsewhere the package's loader picks it.
 */
function loadAddon(): Promise<Addon> {
  const direct = (globalThis as { __PAT_LOAD_KEYRING__?: () => Addon }).__PAT_LOAD_KEYRING__;
  return direct ? Promise.resolve().then(direct) : import("@napi-rs/keyring");
}

/**
 * Listing reads each item after enumerating them; an item another git process erased in
 * between makes the whole listing fail. That is a race, not a missing keyring: try again.
 * Many helpers erasing at once (git runs one per credential action) kept colliding when
 * retried at once, a few times: 50 concurrent git processes lost stores and erases that way
 * (test/integration/concurrency.test.ts). So wait a short random while between attempts and
 * keep trying for as long as one keychain call may take.
 */
async function retryVanished<T>(run: () => Promise<T>, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof VanishedItemError) || Date.now() >= deadline) throw error;
    }
    const pauseMs = Math.min(5 * 2 ** attempt, 100) * (0.5 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

class VanishedItemError extends BackendUnavailableError {}

function unavailable(error: unknown, platform: string): BackendUnavailableError {
  if (error instanceof BackendUnavailableError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (/does not exist at path|No such interface|UnknownObject|NoSuchObject/i.test(text)) {
    return new VanishedItemError("a keychain item disappeared while it was being read", { cause: error });
  }
  const words = keychainWords(platform);
  if (/\blocked\b|\bprompt|dismissed/i.test(text))
    return keyringUnavailable("the keychain is locked", error, words.unlock);
  if (/no result found/i.test(text)) {
    return keyringUnavailable(
      "the Secret Service has no default keyring",
      error,
      `create one in your keyring manager (e.g. seahorse), ${OTHER_STORES}`,
    );
  }
  return keyringUnavailable(words.missing, error, words.start);
}

/**
 * Runs a keychain call with a deadline, then reports it. A locked keyring with a display can
 * block a call on an unlock prompt forever, and AbortSignal does not end it; the watchdog
 * (keyring-watchdog.ts) then ends the process once the report is out.
 */
async function bounded<T>(
  timeoutMs: number,
  unlockAdvice: string,
  platform: string,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        keyringUnavailable(
          `the keychain did not answer within ${timeoutMs / 1000} s`,
          undefined,
          unlockAdvice,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      call(controller.signal).catch((error: unknown) => Promise.reject(unavailable(error, platform))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
