// Runs the contract against every backend: memory, file on memfs, file on a real tmp dir,
// keychain on a fake keyring, and keychain on the real Secret Service (gnome-keyring).

import * as nodeFs from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadNodeKeyring } from "../../src/platform/node-keyring.js";
import { FileTokenStore } from "../../src/stores/file-store.js";
import { KeyringTokenStore } from "../../src/stores/keyring-store.js";
import { MemoryTokenStore } from "../../src/stores/memory-store.js";
import { describeKeyring } from "../helpers/artifacts.js";
import { MemoryKeyring, makeTestDeps } from "../helpers/test-deps.js";
import { runTokenStoreContract } from "./token-store.contract.js";

runTokenStoreContract("memory", async () => ({ store: new MemoryTokenStore() }));

runTokenStoreContract("file (memfs)", async () => {
  const deps = makeTestDeps();
  const path = "/home/user/.local/share/git-credential-pat/credentials";
  return { store: new FileTokenStore({ path, dirPolicy: "private", lockTimeoutMs: 1000 }, deps) };
});

runTokenStoreContract("file (real directory)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pat-contract-"));
  const deps = {
    fs: nodeFs,
    clock: { now: Date.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
    uid: process.getuid?.(),
    deferSignals: <T>(work: () => Promise<T>) => work(),
  };
  const store = new FileTokenStore(
    { path: join(dir, "store", "credentials"), dirPolicy: "private", lockTimeoutMs: 2000 },
    deps,
  );
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

runTokenStoreContract("keychain (fake keyring)", async () => {
  const keyring = new MemoryKeyring();
  return { store: new KeyringTokenStore({ keyring: async () => keyring, warn: () => {} }) };
});

describeKeyring("real Secret Service", () => {
  runTokenStoreContract("keychain (Secret Service)", async () => {
    const real = await loadNodeKeyring(5000);
    return { store: new KeyringTokenStore({ keyring: async () => real, warn: () => {} }) };
  });
});
