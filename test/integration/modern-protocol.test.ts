// The modern protocol's attributes with the real git (whichever git the project runs: 2.39 drops
// password_expiry_utc and knows no authtype, 2.47 speaks both), both artifacts, the file and
// keychain stores with the cache on: what git < 2.41 hands back must not erase what the store
// knows, and an authtype credential in the cache must not hide the store's token from a git that
// cannot use it.
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type Artifact,
  artifacts,
  describeStore,
  runArtifact,
  STORES,
  type StoreKind,
  storeEnv,
} from "../helpers/artifacts.js";
import { CANARY } from "../helpers/canary.js";
import { createSandbox, type Sandbox } from "../helpers/git-sandbox.js";

const HOST = "modern-protocol.example";

for (const artifact of artifacts()) {
  for (const store of STORES) {
    describeStore(store)(`modern protocol with the ${artifact.name} artifact and the ${store} store`, () => {
      defineTests(artifact, store);
    });
  }
}

function defineTests(artifact: Artifact, store: StoreKind): void {
  let sandbox: Sandbox;
  const helper = (action: string, input: string) =>
    runArtifact(artifact, [`--store=${store}`, action], { env: sandbox.env, input });
  const git = (args: string[], input: string) => sandbox.git(args, { input });

  beforeEach(async () => {
    sandbox = await createSandbox({ extraEnv: storeEnv(store) });
    await sandbox.git([
      "config",
      "--global",
      "credential.helper",
      `${artifact.helperCommand} --store=${store}`,
    ]);
  });
  afterEach(async () => {
    await helper("erase", `protocol=https\nhost=${HOST}\n`);
    await runArtifact(artifact, ["exit"], { env: sandbox.env });
    await sandbox.cleanup();
  });

  it("keeps a token's expiry when git hands the same token back without it", async () => {
    const stored = await helper(
      "store",
      `protocol=https\nhost=${HOST}\nusername=alice\npassword=${CANARY.classic}\npassword_expiry_utc=1893456000\n`,
    );
    expect(stored.code).toBe(0);
    // What git does after every successful fetch: fill, then approve what it filled.
    const filled = await git(["credential", "fill"], `protocol=https\nhost=${HOST}\n\n`);
    expect(filled.code).toBe(0);
    expect((await git(["credential", "approve"], filled.stdout)).code).toBe(0);
    await runArtifact(artifact, ["exit"], { env: sandbox.env });
    const got = await helper("get", `protocol=https\nhost=${HOST}\n`);
    expect(got.stdout.toString()).toBe(
      `username=alice\npassword=${CANARY.classic}\npassword_expiry_utc=1893456000\n`,
    );
  });

  it("serves the store's token to a git that does not speak authtype, past an authtype credential in the cache", async () => {
    expect(
      (await helper("store", `protocol=https\nhost=${HOST}\nusername=alice\npassword=${CANARY.classic}\n`))
        .code,
    ).toBe(0);
    const bearer = `capability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\nprotocol=https\nhost=${HOST}\n`;
    expect((await helper("store", bearer)).code).toBe(0);
    const filled = await git(["credential", "fill"], `protocol=https\nhost=${HOST}\n\n`);
    expect(filled.code).toBe(0);
    expect(filled.stdout).toContain(`username=alice\npassword=${CANARY.classic}\n`);
    // A git that speaks authtype gets the cached credential.
    const modern = await helper("get", `capability[]=authtype\nprotocol=https\nhost=${HOST}\n`);
    expect(modern.stdout.toString()).toBe(
      `capability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\n`,
    );
  });
}
