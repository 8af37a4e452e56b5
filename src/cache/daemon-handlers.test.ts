import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { CacheTable } from "./cache-table.js";
import { createCacheHandlers } from "./daemon-handlers.js";
import { decodeCacheRequest, encodeCacheRequest } from "./wire.js";

const T0 = 1_000_000;

/** Runs wire requests (git's format, as our client sends them) through the handlers; returns the replies. */
function serve(requests: string[]): string[] {
  const handlers = createCacheHandlers(new CacheTable(), () => {});
  return requests.map((text) => {
    const decoded = decodeCacheRequest(Buffer.from(text));
    if (decoded.kind === "invalid") throw new Error(decoded.reason);
    return handlers[decoded.request.action](decoded.request, T0);
  });
}

const storeAlice = `action=store\ntimeout=900\nprotocol=https\nhost=github.com\nusername=alice\npassword=${CANARY.classic}\n`;

// Each case mirrors git's credential-cache--daemon (git 2.47 builtin/credential-cache--daemon.c).
describe("cache daemon handlers", () => {
  it.each([
    {
      name: "answers username and password, announcing authtype as git's daemon does",
      requests: [storeAlice, "action=get\ntimeout=0\nprotocol=https\nhost=github.com\n"],
      want: `capability[]=authtype\nusername=alice\npassword=${CANARY.classic}\n`,
    },
    {
      name: "gives back password_expiry_utc and oauth_refresh_token",
      requests: [
        `${storeAlice}password_expiry_utc=9999999999\noauth_refresh_token=refresh-1\n`,
        "action=get\ntimeout=0\nprotocol=https\nhost=github.com\n",
      ],
      want: `capability[]=authtype\nusername=alice\npassword=${CANARY.classic}\noauth_refresh_token=refresh-1\npassword_expiry_utc=9999999999\n`,
    },
    {
      name: "keeps an authtype credential and answers it to a client that announced the capability",
      requests: [
        `action=store\ntimeout=900\ncapability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\nprotocol=https\nhost=git.example.com\n`,
        "action=get\ntimeout=0\ncapability[]=authtype\nprotocol=https\nhost=git.example.com\n",
      ],
      want: `capability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\n`,
    },
    {
      name: "leaves authtype and credential out for a client that did not announce the capability",
      requests: [
        `action=store\ntimeout=900\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\nprotocol=https\nhost=git.example.com\nusername=u\npassword=${CANARY.classic}\n`,
        "action=get\ntimeout=0\nprotocol=https\nhost=git.example.com\n",
      ],
      want: `capability[]=authtype\nusername=u\npassword=${CANARY.classic}\n`,
    },
    {
      name: "does not keep an ephemeral credential",
      requests: [`${storeAlice}ephemeral=1\n`, "action=get\ntimeout=0\nprotocol=https\nhost=github.com\n"],
      want: "",
    },
    {
      name: "does not keep a partial credential (no password, no authtype)",
      requests: [
        "action=store\ntimeout=900\nprotocol=https\nhost=github.com\nusername=alice\n",
        "action=get\ntimeout=0\nprotocol=https\nhost=github.com\n",
      ],
      want: "",
    },
    {
      name: "does not erase a credential distinct from input",
      requests: [
        `action=store\ntimeout=900\ncapability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\nprotocol=https\nhost=git.example.com\n`,
        `action=erase\ntimeout=0\nprotocol=https\nhost=git.example.com\ncredential=${CANARY.plain}\n`,
        "action=get\ntimeout=0\ncapability[]=authtype\nprotocol=https\nhost=git.example.com\n",
      ],
      want: `capability[]=authtype\nauthtype=Bearer\ncredential=${CANARY.fineGrained}\n`,
    },
    {
      name: "with match[]=exact-path, a get without path skips an entry with a path",
      requests: [
        `action=store\ntimeout=900\nprotocol=https\nhost=github.com\npath=acme/a.git\nusername=bob\npassword=${CANARY.classic2}\n`,
        "action=get\ntimeout=0\nmatch[]=exact-path\nprotocol=https\nhost=github.com\nusername=bob\n",
      ],
      want: "",
    },
    {
      name: "with match[]=exact-path, says it honoured it, so a client can tell an older daemon",
      requests: [
        `action=store\ntimeout=900\nprotocol=https\nhost=github.com\nusername=bob\npassword=${CANARY.classic2}\n`,
        "action=get\ntimeout=0\nmatch[]=exact-path\nprotocol=https\nhost=github.com\nusername=bob\n",
      ],
      want: `capability[]=authtype\nmatch[]=exact-path\nusername=bob\npassword=${CANARY.classic2}\n`,
    },
    {
      name: "keeps the expiry it knows when the same token is stored again without one (git < 2.41)",
      requests: [
        `${storeAlice}password_expiry_utc=9999999999\n`,
        storeAlice,
        "action=get\ntimeout=0\nprotocol=https\nhost=github.com\n",
      ],
      want: `capability[]=authtype\nusername=alice\npassword=${CANARY.classic}\npassword_expiry_utc=9999999999\n`,
    },
  ])("$name", ({ requests, want }) => {
    expect(serve(requests).at(-1)).toBe(want);
  });
});

describe("cache wire", () => {
  it("carries every attribute, the capability and the exact-path match, and reads them back", () => {
    const text = encodeCacheRequest({
      action: "get",
      timeoutSeconds: 0,
      credential: { protocol: "https", host: "github.com", username: "bob" },
      hasAuthtype: true,
      exactPath: true,
    });
    expect(text).toBe(
      "action=get\ntimeout=0\ncapability[]=authtype\nmatch[]=exact-path\nprotocol=https\nhost=github.com\nusername=bob\n\n",
    );
    expect(decodeCacheRequest(Buffer.from(text))).toStrictEqual({
      kind: "ok",
      request: {
        action: "get",
        timeoutSeconds: 0,
        credential: { protocol: "https", host: "github.com", username: "bob" },
        hasAuthtype: true,
        exactPath: true,
      },
    });
  });
});
