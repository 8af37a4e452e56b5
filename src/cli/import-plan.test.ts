import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { type Credential, matchCredential } from "../protocol/index.js";
import type { Secret } from "../secret.js";
import { type CredentialLine, formatCredentialFile, parseCredentialFile } from "../stores/credential-file.js";
import { MemoryTokenStore } from "../stores/memory-store.js";
import type { StoredCredential } from "../stores/token-store.js";
import { type LineOutcome, planImport, removeImported } from "./import-plan.js";

/** Short names for the canaries, so a table reads "alice@h T1" instead of a token. */
const T = { T1: CANARY.classic, T2: CANARY.classic2, T3: CANARY.fineGrained, T4: CANARY.hex40 } as const;
const label = (secret: Secret) =>
  Object.entries(T).find(([, value]) => value === secret.reveal())?.[0] ?? "?";

/** `https://alice:T1@h/x` → a credential line with the canary T1. */
function file(...lines: string[]): CredentialLine[] {
  const text = lines.map((line) => line.replace(/:(T\d)@/, (_, name: keyof typeof T) => `:${T[name]}@`));
  return parseCredentialFile(text.map((line) => `${line}\n`).join(""));
}

function credentials(...lines: string[]): StoredCredential[] {
  return file(...lines).flatMap((line) => (line.kind === "credential" ? [line.credential] : []));
}

function outcomeText(outcome: LineOutcome): string {
  switch (outcome.kind) {
    case "replaced":
    case "kept-stored":
      return `${outcome.kind} ${label(outcome.stored)}`;
    case "duplicate":
    case "never-served":
      return `${outcome.kind} of line ${outcome.firstLine}`;
    default:
      return outcome.kind;
  }
}

const slotText = ({ protocol, host, path, username, password }: StoredCredential) =>
  `${protocol}://${username}@${host}${path === undefined ? "" : `/${path}`} ${label(password)}`;

describe("planImport", () => {
  it.each([
    {
      name: "imports a repository line and the account-wide line below it, account-wide first (git's own order)",
      lines: ["https://alice:T1@h/acme/app.git", "https://alice:T2@h"],
      stored: [],
      want: ["1 imported", "2 imported"],
      wantStore: ["https://alice@h T2", "https://alice@h/acme/app.git T1"],
    },
    {
      name: "imports an account-wide line above a repository line (a hand-made file) without losing either",
      lines: ["https://alice:T2@h", "https://alice:T1@h/acme/app.git"],
      stored: [],
      want: ["1 imported", "2 imported"],
      wantStore: ["https://alice@h/acme/app.git T1", "https://alice@h T2"],
    },
    {
      name: "imports only the first of two lines for one credential, and tells a later token apart",
      lines: ["https://alice:T1@h", "https://alice:T2@h", "https://alice:T1@h"],
      stored: [],
      want: ["1 imported", "2 never-served of line 1", "3 duplicate of line 1"],
      wantStore: ["https://alice@h T1"],
    },
    {
      name: "takes a percent-encoded spelling of the same username as the same credential",
      lines: ["https://alice:T1@h", "https://%61lice:T2@h"],
      stored: [],
      want: ["1 imported", "2 never-served of line 1"],
      wantStore: ["https://alice@h T1"],
    },
    {
      name: "keeps users, hosts, ports, paths and protocols apart",
      lines: [
        "https://alice:T1@h",
        "https://bob:T2@h",
        "https://alice:T3@h:8443",
        "https://alice:T4@h/acme/app.git",
        "http://alice:T2@127.0.0.1:8080",
      ],
      stored: [],
      want: ["1 imported", "2 imported", "3 imported", "4 imported", "5 imported"],
      wantStore: [
        "http://alice@127.0.0.1:8080 T2",
        "https://alice@h/acme/app.git T4",
        "https://alice@h:8443 T3",
        "https://bob@h T2",
        "https://alice@h T1",
      ],
    },
    {
      name: "skips plain http to a real host",
      lines: ["http://alice:T1@insecure.example", "https://alice:T2@h"],
      stored: [],
      want: ["1 not-https", "2 imported"],
      wantStore: ["https://alice@h T2"],
    },
    {
      name: "keeps a different token the store already holds for the credential, without --force",
      lines: ["https://alice:T1@h", "https://bob:T2@h"],
      stored: ["https://alice:T3@h"],
      want: ["1 kept-stored T3", "2 imported"],
      wantStore: ["https://bob@h T2"],
    },
    {
      name: "replaces a different stored token with --force",
      lines: ["https://alice:T1@h"],
      stored: ["https://alice:T3@h"],
      force: true,
      want: ["1 replaced T3"],
      wantStore: ["https://alice@h T1"],
    },
    {
      name: "stores a token the store already holds again, so the file's order holds",
      lines: ["https://bob:T2@h", "https://alice:T1@h"],
      stored: ["https://alice:T1@h"],
      want: ["1 imported", "2 present"],
      wantStore: ["https://alice@h T1", "https://bob@h T2"],
    },
    {
      name: "sees a stored repository token as another credential than the account-wide line",
      lines: ["https://alice:T1@h"],
      stored: ["https://alice:T3@h/acme/app.git"],
      want: ["1 imported"],
      wantStore: ["https://alice@h T1"],
    },
    {
      name: "calls a later line with the stored token a duplicate when the store kept its token over the first",
      lines: ["https://alice:T1@h", "https://alice:T3@h"],
      stored: ["https://alice:T3@h"],
      want: ["1 kept-stored T3", "2 never-served of line 1"],
      wantStore: [],
    },
    {
      name: "leaves comments and lines git cannot read out",
      lines: ["# a comment", "not a url", "https://alice@h", "https://alice:T1@h"],
      stored: [],
      want: ["4 imported"],
      wantStore: ["https://alice@h T1"],
    },
  ])("$name", ({ lines, stored, force, want, wantStore }) => {
    const plan = planImport(file(...lines), credentials(...stored), { force: force ?? false });
    expect(plan.lines.map((line) => `${line.lineNumber} ${outcomeText(line.outcome)}`)).toEqual(want);
    expect(plan.toStore.map(slotText)).toEqual(wantStore);
  });
});

/** git credential-store get: the first line of the file that the request matches (credential_match). */
function gitStoreAnswer(lines: readonly CredentialLine[], request: Credential): string | undefined {
  for (const line of lines) {
    if (line.kind === "credential" && matchCredential(request, line.credential))
      return label(line.credential.password);
  }
  return undefined;
}

describe("planImport's store order", () => {
  const requests: Credential[] = [
    { protocol: "https", host: "h" },
    { protocol: "https", host: "h", username: "alice" },
    { protocol: "https", host: "h", username: "bob" },
    { protocol: "https", host: "h", path: "acme/app.git" },
    { protocol: "https", host: "h", path: "acme/app.git", username: "alice" },
    { protocol: "https", host: "h", path: "acme/other.git" },
    { protocol: "https", host: "h", path: "acme/other.git", username: "bob" },
  ];
  it.each([
    {
      name: "a repository line above the account-wide line",
      lines: ["https://alice:T1@h/acme/app.git", "https://alice:T2@h"],
    },
    {
      name: "the account-wide line above a repository line",
      lines: ["https://alice:T2@h", "https://alice:T1@h/acme/app.git"],
    },
    {
      name: "two users, the later one first (git prepends)",
      lines: ["https://bob:T2@h", "https://alice:T1@h"],
    },
    {
      name: "duplicates and repositories of two users",
      lines: [
        "https://bob:T3@h/acme/other.git",
        "https://alice:T1@h/acme/app.git",
        "https://alice:T4@h/acme/app.git",
        "https://bob:T2@h",
        "https://alice:T2@h",
        "https://bob:T1@h",
      ],
    },
  ])("answers every request as git's credential-store did from the file: $name", async ({ lines }) => {
    const parsed = file(...lines);
    const store = new MemoryTokenStore();
    for (const credential of planImport(parsed, [], { force: false }).toStore)
      await store.store(credential, { exactSlot: true });
    for (const request of requests) {
      const answer = await store.get(request);
      expect({ request, answer: answer && label(answer.password) }).toEqual({
        request,
        answer: gitStoreAnswer(parsed, request),
      });
    }
  });
});

describe("removeImported", () => {
  it.each([
    {
      name: "removes the lines whose exact credential the store holds and keeps the rest",
      current: ["https://alice:T1@h", "# comment", "http://bob:T2@insecure.example", "https://carol:T3@h"],
      read: ["https://alice:T1@h", "# comment", "http://bob:T2@insecure.example", "https://carol:T3@h"],
      stored: ["https://alice:T1@h", "https://carol:T3@h"],
      want: ["# comment", "http://bob:T2@insecure.example"],
    },
    {
      name: "does not remove a line whose slot the store holds with another token",
      current: ["https://bob:T3@h", "https://alice:T2@h"],
      read: ["https://bob:T3@h", "https://alice:T2@h"],
      stored: ["https://alice:T1@h", "https://bob:T3@h"],
      want: ["https://alice:T2@h"],
      wantShielding: [],
    },
    {
      name: "keeps the first line of a credential while a later line with another token stays, so git's store never serves that one",
      current: ["https://alice:T1@h", "https://alice:T2@h", "https://alice:T1@h", "https://bob:T3@h"],
      read: ["https://alice:T1@h", "https://alice:T2@h", "https://alice:T1@h", "https://bob:T3@h"],
      stored: ["https://alice:T1@h", "https://bob:T3@h"],
      want: ["https://alice:T1@h", "https://alice:T2@h"],
      wantShielding: ["https://alice:T1@h"],
    },
    {
      name: "does not keep a line for a later one of another credential",
      current: ["https://alice:T1@h/acme/app.git", "https://alice:T2@h"],
      read: ["https://alice:T1@h/acme/app.git", "https://alice:T2@h"],
      stored: ["https://alice:T1@h/acme/app.git"],
      want: ["https://alice:T2@h"],
      wantShielding: [],
    },
    {
      name: "does not remove a repository line because the account-wide token is stored",
      current: ["https://alice:T1@h/acme/app.git", "https://alice:T1@h"],
      read: ["https://alice:T1@h/acme/app.git", "https://alice:T1@h"],
      stored: ["https://alice:T1@h"],
      want: ["https://alice:T1@h/acme/app.git"],
    },
    {
      name: "removes a later duplicate that holds the stored token",
      current: ["https://alice:T1@h", "https://alice:T1@h"],
      read: ["https://alice:T1@h", "https://alice:T1@h"],
      stored: ["https://alice:T1@h"],
      want: [],
    },
    {
      name: "never removes a line added since it was read, even one like a line it read",
      current: ["https://alice:T1@h", "https://bob:T2@h", "https://alice:T1@h"],
      read: ["https://alice:T1@h"],
      stored: ["https://alice:T1@h", "https://bob:T2@h"],
      want: ["https://bob:T2@h", "https://alice:T1@h"],
    },
    {
      name: "keeps a line whose token left the store since it was imported",
      current: ["https://alice:T1@h"],
      read: ["https://alice:T1@h"],
      stored: [],
      want: ["https://alice:T1@h"],
    },
  ])("$name", ({ current, read, stored, want, wantShielding }) => {
    const readTexts = file(...read).map((line) => line.text);
    const { kept, shielding } = removeImported(file(...current), readTexts, credentials(...stored));
    expect(formatCredentialFile(kept)).toBe(formatCredentialFile(file(...want)));
    expect(formatCredentialFile(shielding)).toBe(formatCredentialFile(file(...(wantShielding ?? []))));
  });
});
