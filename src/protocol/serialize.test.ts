import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { recordOutput } from "../../test/helpers/canary-guard.js";
import { PatError } from "../errors.js";
import { Secret } from "../secret.js";
import {
  CREDENTIAL_FIELDS,
  type Credential,
  type CredentialField,
  RESPONSE_FIELDS,
  replyFields,
} from "./attributes.js";
import { parseRequest } from "./parse-request.js";
import { findUnsafeField, serializeCredential, serializeList } from "./serialize.js";

const TOKEN = CANARY.classic;

const full: Credential = {
  protocol: "https",
  host: "github.com",
  path: "acme/app.git",
  username: "alice",
  password: new Secret(TOKEN),
  passwordExpiresAtMs: 1_700_000_000_000,
};

describe("serializeCredential", () => {
  it("answers username, password, oauth_refresh_token and password_expiry_utc by default", () => {
    expect(RESPONSE_FIELDS).toStrictEqual([
      "username",
      "password",
      "oauthRefreshToken",
      "passwordExpiresAtMs",
    ]);
  });

  it("adds authtype and credential to the reply for a git that announced the capability", () => {
    expect(replyFields(true)).toStrictEqual([
      "authtype",
      "authCredential",
      "username",
      "password",
      "oauthRefreshToken",
      "passwordExpiresAtMs",
    ]);
    expect(replyFields(false)).toBe(RESPONSE_FIELDS);
  });

  const cases: Array<{
    name: string;
    input: { credential: Credential; fields?: readonly CredentialField[] };
    want: string;
  }> = [
    {
      name: "writes only username, password and expiry by default",
      input: { credential: full },
      want: `username=alice\npassword=${TOKEN}\npassword_expiry_utc=1700000000\n`,
    },
    {
      name: "leaves out password_expiry_utc when the expiry is unknown",
      input: { credential: { ...full, passwordExpiresAtMs: undefined } },
      want: `username=alice\npassword=${TOKEN}\n`,
    },
    {
      name: "rounds the expiry down to whole seconds",
      input: { credential: { passwordExpiresAtMs: 1_700_000_000_999 } },
      want: "password_expiry_utc=1700000000\n",
    },
    {
      name: "writes nothing for an empty credential",
      input: { credential: {} },
      want: "",
    },
    {
      name: "writes an empty username and password, which are values",
      input: { credential: { username: "", password: new Secret("") } },
      want: "username=\npassword=\n",
    },
    {
      name: "keeps a value with = and spaces as it is",
      input: { credential: { username: " a=b ", password: new Secret("p w=") } },
      want: "username= a=b \npassword=p w=\n",
    },
    {
      name: "writes every field in git's order when asked for all",
      input: { credential: full, fields: CREDENTIAL_FIELDS },
      want:
        "protocol=https\nhost=github.com\npath=acme/app.git\nusername=alice\n" +
        `password=${TOKEN}\npassword_expiry_utc=1700000000\n`,
    },
    {
      name: "writes the fields asked for in git's order, whatever order they are asked in",
      input: { credential: full, fields: ["host", "protocol"] },
      want: "protocol=https\nhost=github.com\n",
    },
    {
      name: "skips asked-for fields the credential does not have",
      input: { credential: { protocol: "https", username: "alice" }, fields: CREDENTIAL_FIELDS },
      want: "protocol=https\nusername=alice\n",
    },
    {
      name: "writes nothing for an empty field list",
      input: { credential: full, fields: [] },
      want: "",
    },
    {
      name: "writes git 2.46's attributes in git's order, the secrets revealed only on the wire",
      input: {
        credential: {
          ...full,
          authtype: "Bearer",
          authCredential: new Secret(CANARY.fineGrained),
          oauthRefreshToken: new Secret("refresh-1"),
          isEphemeral: true,
        },
        fields: CREDENTIAL_FIELDS,
      },
      want:
        `authtype=Bearer\ncredential=${CANARY.fineGrained}\nephemeral=1\nprotocol=https\nhost=github.com\n` +
        `path=acme/app.git\nusername=alice\npassword=${TOKEN}\noauth_refresh_token=refresh-1\n` +
        "password_expiry_utc=1700000000\n",
    },
    {
      name: "writes a false flag as nothing",
      input: { credential: { isEphemeral: false }, fields: CREDENTIAL_FIELDS },
      want: "",
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(serializeCredential(input.credential, input.fields)).toBe(want);
  });

  it.each([
    {
      name: "one line per value",
      values: ["authtype", "state"],
      want: "capability[]=authtype\ncapability[]=state\n",
    },
    { name: "nothing for no values", values: [], want: "" },
  ])("serializeList writes $name", ({ values, want }) => {
    expect(serializeList("capability", values)).toBe(want);
  });

  it("serializeList refuses a value that would break the framing", () => {
    expect(() => serializeList("state", ["a\nhost=evil"])).toThrow(
      new PatError("refusing to write a state[] that contains a CR, LF or NUL character"),
    );
  });

  it("never echoes url", () => {
    const parsed = parseRequest(`url=https://alice:${TOKEN}@github.com/acme/app.git\n`);
    if (parsed.kind !== "ok") throw new Error(parsed.reason);
    expect(serializeCredential(parsed.request)).toBe(`username=alice\npassword=${TOKEN}\n`);
  });

  const refused: Array<{
    name: string;
    input: { credential: Credential; fields?: CredentialField[] };
    want: string;
  }> = [
    {
      name: "refuses a password with LF",
      input: { credential: { password: new Secret(`${TOKEN}\nusername=mallory`) } },
      want: "refusing to write a password that contains a CR, LF or NUL character",
    },
    {
      name: "refuses a password with a lone CR",
      input: { credential: { password: new Secret(`${TOKEN}\r`) } },
      want: "refusing to write a password that contains a CR, LF or NUL character",
    },
    {
      name: "refuses a username with NUL",
      input: { credential: { username: `${TOKEN}\0` } },
      want: "refusing to write a username that contains a CR, LF or NUL character",
    },
    {
      name: "refuses a host with LF when asked to write it",
      input: { credential: { host: `github.com\npassword=${TOKEN}` }, fields: ["host"] },
      want: "refusing to write a host that contains a CR, LF or NUL character",
    },
    {
      name: "refuses a path with CR when asked to write it",
      input: { credential: { path: `acme\r${TOKEN}` }, fields: ["protocol", "path"] },
      want: "refusing to write a path that contains a CR, LF or NUL character",
    },
  ];

  it.each(refused)("$name", ({ input, want }) => {
    let thrown: unknown;
    try {
      serializeCredential(input.credential, input.fields);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PatError);
    const error = thrown as PatError;
    expect(error.message).toBe(want);
    expect(error.exitCode).toBe(1);
    recordOutput("serializeCredential error", `${error.message}\n${String(error.stack)}`);
    expect(String(error.stack)).not.toContain(TOKEN);
  });

  it("ignores a field that is clean even if another field, not asked for, is not", () => {
    expect(serializeCredential({ username: "alice", host: "evil\nhost" })).toBe("username=alice\n");
  });
});

describe("findUnsafeField", () => {
  const cases: Array<{
    name: string;
    input: { credential: Credential; fields?: readonly CredentialField[] };
    want: CredentialField | undefined;
  }> = [
    { name: "finds nothing in a clean credential", input: { credential: full }, want: undefined },
    { name: "finds nothing in an empty credential", input: { credential: {} }, want: undefined },
    {
      name: "finds a host with LF, which every field is checked for by default",
      input: { credential: { ...full, host: "github.com\nhost=evil.example" } },
      want: "host",
    },
    {
      name: "names the first unsafe field in git's order",
      input: { credential: { username: "alice\r", protocol: "https\0" } },
      want: "protocol",
    },
    {
      name: "finds a password with a lone CR",
      input: { credential: { ...full, password: new Secret(`${TOKEN}\r`) } },
      want: "password",
    },
    {
      name: "checks only the fields asked for",
      input: { credential: { host: "evil\n", username: "alice" }, fields: ["username", "password"] },
      want: undefined,
    },
  ];

  it.each(cases)("$name", ({ input, want }) => {
    expect(findUnsafeField(input.credential, input.fields)).toBe(want);
  });
});
