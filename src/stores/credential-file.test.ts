import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { Secret } from "../secret.js";
import { formatCredentialLine, parseCredentialFile } from "./credential-file.js";
import type { StoredCredential } from "./token-store.js";

const credential = (host: string, path?: string): StoredCredential => ({
  protocol: "https",
  host,
  username: "alice",
  password: new Secret(CANARY.classic),
  ...(path === undefined ? {} : { path }),
});

describe("formatCredentialLine", () => {
  it.each([
    { name: "keeps a host with a port as git users know it", host: "127.0.0.1:8080", want: "127.0.0.1:8080" },
    { name: "keeps an IPv6 host", host: "[::1]:3000", want: "[::1]:3000" },
    {
      name: "encodes a % so it is not decoded on reading (%0D would read back as a CR)",
      host: "a%0Db",
      want: "a%250Db",
    },
    {
      name: "encodes a / so the host does not turn into a path",
      host: "github.com/x",
      want: "github.com%2Fx",
    },
    { name: "encodes ? and # so they do not end the host", host: "h?x#y", want: "h%3Fx%23y" },
  ])("$name", ({ host, want }) => {
    const line = formatCredentialLine(credential(host, "acme/app.git"));
    expect(line).toBe(`https://alice:${CANARY.classic}@${want}/acme/app.git`);
    const [read] = parseCredentialFile(`${line}\n`);
    expect(read?.kind === "credential" && [read.credential.host, read.credential.path]).toEqual([
      host,
      "acme/app.git",
    ]);
  });
});
