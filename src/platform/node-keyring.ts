// The real keychain through @napi-rs/keyring, loaded on first use. On Linux it is pinned to
// the Secret Service: the library's default silently falls back to the kernel keyring, which
// loses every token at logout. Every call is bounded by a timeout.
import { BackendUnavailableError } from "../errors.js";
import type { Keyring, KeyringItem } from "./deps.js";

const ALTERNATIVES =
  'start a keyring (gnome-keyring, KWallet, KeePassXC) in this session, or pick another store: "--store=memory" (cache only, nothing on disk) or "--store=file" (plaintext file, 0600)';

export const HEADLESS_HINT =
  'git config --global credential.helper "pat --store=memory", or set "store" in ~/.config/git-credential-pat/config.json';

export function keyringUnavailable(what: string, cause?: unknown): BackendUnavailableError {
  return new BackendUnavailableError(`${what}; ${ALTERNATIVES}`, { hint: HEADLESS_HINT, cause });
}

type Addon = typeof import("@napi-rs/keyring");

export async function loadNodeKeyring(timeoutMs: number, platform = process.platform): Promise<Keyring> {
  let addon: Addon;
  try {
    addon = await import("@napi-rs/keyring");
  } catch (error) {
    throw keyringUnavailable("the OS keychain library could not be loaded on this platform", error);
  }
  const options = platform === "linux" ? { linux: { store: "secret-service" as const } } : undefined;
  const entry = (service: string, account: string) => {
    try {
      return new addon.AsyncEntry(service, account, options);
    } catch (error) {
      throw unavailable(error);
    }
  };
  // findCredentials takes no store option: make sure the Secret Service is there before
  // enumerating, so an empty answer can never come from the kernel keyring.
  entry("git-credential-pat", "probe");

  return {
    findAll: (service) =>
      bounded(timeoutMs, (signal) => addon.findCredentialsAsync(service, undefined, signal)) as Promise<
        KeyringItem[]
      >,
    set: (service, account, password) =>
      bounded(timeoutMs, (signal) => entry(service, account).setPassword(password, signal)),
    delete: (service, account) =>
      bounded(timeoutMs, (signal) => entry(service, account).deleteCredential(signal)),
  };
}

function unavailable(error: unknown): BackendUnavailableError {
  const text = error instanceof Error ? error.message : String(error);
  if (/locked|prompt|dismissed/i.test(text)) return keyringUnavailable("the keychain is locked", error);
  return keyringUnavailable("no Secret Service is available (the OS keychain on Linux)", error);
}

/**
 * Runs a keychain call with a deadline. A locked keyring with a display can block a call on an
 * unlock prompt forever, and neither AbortSignal nor process.exit() ends it; main.ts therefore
 * kills the process if anything still holds it after the answer (see exitWatchdog).
 */
async function bounded<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(keyringUnavailable(`the keychain did not answer within ${timeoutMs / 1000} s (is it locked?)`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      call(controller.signal).catch((error: unknown) => Promise.reject(unavailable(error))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
