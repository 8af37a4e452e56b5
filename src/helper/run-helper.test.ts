import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { makeTestDeps } from "../../test/helpers/test-deps.js";
import { runHelper } from "./run-helper.js";

const FILE = "/home/user/.local/share/git-credential-pat/credentials";

async function helper(
  action: string,
  stdin: string,
  deps = makeTestDeps(),
  flags = ["--store=file", "--timeout=0"],
) {
  deps.setStdin(stdin);
  await runHelper([...flags, action], deps);
  return deps;
}

describe("runHelper", () => {
  it("stores what git approves and gives it back on get", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
    );
    const out = await helper("get", "protocol=https\nhost=github.com\n\n", deps);
    expect(out.stdout()).toBe(`username=alice\npassword=${CANARY.classic}\n`);
  });

  it.each([
    { name: "no match prints nothing", stdin: "protocol=https\nhost=example.com\n" },
    { name: "a request without host prints nothing", stdin: "protocol=https\n" },
    { name: "empty input prints nothing", stdin: "" },
  ])("get: $name and exits quietly", async ({ stdin }) => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
    );
    const out = await helper("get", stdin, deps);
    expect(out.stdout()).toBe("");
    expect(out.stderr()).toBe("");
  });

  it("never prints url= or anything but username and password", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
    );
    const out = await helper(
      "get",
      "url=https://github.com\nwwwauth[]=Basic realm=x\ncapability[]=authtype\n",
      deps,
    );
    expect(out.stdout()).toBe(`username=alice\npassword=${CANARY.classic}\n`);
  });

  it("ignores an unknown action without reading stdin", async () => {
    const deps = makeTestDeps();
    deps.setStdin("garbage without equals\n");
    await runHelper(["frobnicate"], deps);
    expect(deps.stdout() + deps.stderr()).toBe("");
  });

  it("warns once about ssh and gives no credential", async () => {
    const deps = await helper("get", "protocol=ssh\nhost=github.com\npath=acme/app.git\n");
    expect(deps.stdout()).toBe("");
    expect(deps.stderr()).toBe(
      "git-credential-pat: personal access tokens only work over HTTPS, not ssh://github.com; switch the remote: git remote set-url origin https://github.com/acme/app.git\n",
    );
  });

  it("does not keep a token for plain http to a real host, and says so", async () => {
    const deps = await helper(
      "store",
      `protocol=http\nhost=example.com\nusername=a\npassword=${CANARY.classic}\n`,
    );
    expect(deps.vol.existsSync(FILE)).toBe(false);
    expect(deps.stderr()).toMatch(/not storing a token for http:\/\/example.com/);
  });

  it("keeps a token for http to a loopback test server", async () => {
    const deps = await helper(
      "store",
      `protocol=http\nhost=127.0.0.1:8080\nusername=a\npassword=${CANARY.classic}\n`,
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`http://a:${CANARY.classic}@127.0.0.1:8080\n`);
  });

  it.each([
    { name: "without a password", stdin: "protocol=https\nhost=github.com\nusername=a\n" },
    { name: "without a username", stdin: `protocol=https\nhost=github.com\npassword=${CANARY.classic}\n` },
  ])("store ignores a credential $name, like git's daemon", async ({ stdin }) => {
    const deps = await helper("store", stdin);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it("refuses to store a host with a lone CR and leaves the store untouched", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
    );
    deps.setStdin(`protocol=https\nhost=evil.com\rx\nusername=a\npassword=${CANARY.classic2}\n`);
    await expect(runHelper(["--store=file", "store"], deps)).rejects.toThrow(
      "host contains a control character",
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://a:${CANARY.classic}@github.com\n`);
  });

  it("erase with an empty pattern erases nothing", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
    );
    await helper("erase", "username=a\n", deps);
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://a:${CANARY.classic}@github.com\n`);
  });

  it("erase with a stale password keeps the newer token", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic2}\n`,
    );
    await helper("erase", `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`, deps);
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://a:${CANARY.classic2}@github.com\n`);
  });

  it("rejects a malformed request without echoing it", async () => {
    const deps = makeTestDeps();
    deps.setStdin(`protocol=https\n${CANARY.classic}\n`);
    const error = await runHelper(["--store=file", "get"], deps).catch((e: unknown) => e);
    expect(String(error)).toMatch(/invalid request from git: line 2 has no "="/);
    expect(String(error)).not.toContain(CANARY.classic);
  });

  it("uses the keychain by default", async () => {
    const deps = await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
      makeTestDeps(),
      [],
    );
    expect([...(deps.keyringImpl.services.get("git-credential-pat")?.keys() ?? [])]).toEqual([
      "https://a@github.com",
    ]);
    expect(deps.vol.existsSync(FILE)).toBe(false);
  });

  it.each([
    { name: "an unknown option", flags: ["--bogus"], want: "unknown option '--bogus'" },
    { name: "a bad timeout", flags: ["--timeout=soon"], want: "--timeout must be a whole number" },
    {
      name: "an unknown store",
      flags: ["--store=cloud"],
      want: '--store must be one of keychain, file, memory (got "cloud")',
    },
  ])("reports $name as a usage error", async ({ flags, want }) => {
    const deps = makeTestDeps();
    deps.setStdin("protocol=https\nhost=github.com\n");
    await expect(runHelper([...flags, "get"], deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining(want),
    });
  });

  it("takes the store from config.json", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync("/home/user/.config/git-credential-pat/config.json", '{"store":"file"}', {
      mode: 0o600,
    });
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=a\npassword=${CANARY.classic}\n`,
      deps,
      [],
    );
    expect(deps.vol.existsSync(FILE)).toBe(true);
  });

  it("names a broken config.json and how to fix it", async () => {
    const deps = makeTestDeps();
    deps.vol.mkdirSync("/home/user/.config/git-credential-pat", { recursive: true, mode: 0o700 });
    deps.vol.writeFileSync("/home/user/.config/git-credential-pat/config.json", "{store", { mode: 0o600 });
    deps.setStdin("protocol=https\nhost=github.com\n");
    await expect(runHelper(["get"], deps)).rejects.toMatchObject({
      message: "config file /home/user/.config/git-credential-pat/config.json is not valid JSON",
      hint: expect.stringContaining("mv "),
    });
  });
});

describe("runHelper with environment tokens", () => {
  it("serves GH_TOKEN ahead of the store and never persists it", async () => {
    const deps = makeTestDeps({ env: { GH_TOKEN: CANARY.classic2 } });
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`,
      deps,
    );
    await helper("get", "protocol=https\nhost=github.com\n", deps);
    expect(deps.stdout()).toBe(`username=x-access-token\npassword=${CANARY.classic2}\n`);
    await helper(
      "store",
      `protocol=https\nhost=github.com\nusername=x-access-token\npassword=${CANARY.classic2}\n`,
      deps,
    );
    expect(deps.vol.readFileSync(FILE, "utf8")).toBe(`https://alice:${CANARY.classic}@github.com\n`);
  });
});
