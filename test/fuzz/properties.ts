// The fuzz properties. Each check throws (an assertion error naming the broken property) when
// the input breaks the contract; the test file hands them inputs from inputs.ts.
import { decodeCacheRequest } from "../../src/cache/wire.js";
import { PatError } from "../../src/errors.js";
import { runHelper } from "../../src/helper/run-helper.js";
import {
  ATTRIBUTES,
  CREDENTIAL_FIELDS,
  type Credential,
  type CredentialField,
  type CredentialRequest,
  findUnsafeField,
  hasAuthtypeCapability,
  MAX_REQUEST_BYTES,
  matchCredential,
  parseRequest,
  RESPONSE_FIELDS,
  serializeCredential,
  slotOf,
} from "../../src/protocol/index.js";
import { Secret } from "../../src/secret.js";
import { parseCredentialFile } from "../../src/stores/credential-file.js";
import { findCanaries } from "../helpers/canary.js";
import type { FuzzInput } from "./inputs.js";
import { makeWorld, SEEDED, STORE_FILE, type StoreKind } from "./worlds.js";

class PropertyViolation extends Error {}

function check(ok: boolean, property: string, detail?: unknown): asserts ok {
  if (!ok) {
    const more = detail === undefined ? "" : `: ${JSON.stringify(detail)}`;
    throw new PropertyViolation(`${property}${more}`);
  }
}

const CONTROL = /[\r\n\0]/;
/** A reply to git: the capability only for a git that announced it, then what a seeded entry holds. */
const RESPONSE_LINES =
  /^(capability\[\]=authtype\n)?username=[^\r\n\0]*\npassword=[^\r\n\0]*\n(?:oauth_refresh_token=[^\r\n\0]*\n)?(?:password_expiry_utc=\d+\n)?$/;
/** Lines serializeCredential writes: one of the attribute table's keys, nothing else. */
const WIRE_LINE = new RegExp(`^(${ATTRIBUTES.map((attribute) => attribute.wire).join("|")})=[^\\r\\n\\0]*$`);

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Plain field values (password revealed) for exact comparison. */
function fieldsOf(credential: Credential): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const field of CREDENTIAL_FIELDS) {
    const v = credential[field];
    if (v !== undefined) out[field] = v instanceof Secret ? v.reveal() : v;
  }
  return out;
}

/** Serializes, or says which typed refusal it was; anything else escaping is a violation. */
function trySerialize(request: CredentialRequest, fields: readonly CredentialField[]): string | PatError {
  try {
    return serializeCredential(request, fields);
  } catch (error) {
    check(error instanceof PatError, "serializeCredential throws only PatError", String(error));
    return error;
  }
}

function checkMessage(where: string, message: string): void {
  check(message !== "" && !CONTROL.test(message), `${where} is one non-empty line`, message);
  check(findCanaries(message).length === 0, `${where} holds no canary token`);
}

/** parseRequest and serializeCredential on their own, plus the cache daemon's decoder. */
export function checkParser(input: FuzzInput): void {
  const { bytes } = input;
  const parsed = parseRequest(bytes);
  if (parsed.kind === "invalid") {
    checkMessage("an invalid request's reason", parsed.reason);
  } else {
    check(bytes.length <= MAX_REQUEST_BYTES, "a request over 1 MiB is rejected");
    check(!bytes.includes(0), "a request with NUL is rejected");
    check(isUtf8(bytes), "a request that is not UTF-8 is rejected");
    const { request } = parsed;
    for (const [field, v] of Object.entries(fieldsOf(request))) {
      check(!/[\n\0]/.test(String(v)), "no parsed value holds LF or NUL", field);
    }
    for (const [key, values] of Object.entries(request.lists)) {
      check(
        !values.some((v) => /[\n\0]/.test(v) || v === ""),
        "list values are non-empty and hold no LF/NUL",
        key,
      );
    }
    for (const fields of [RESPONSE_FIELDS, CREDENTIAL_FIELDS]) {
      const out = trySerialize(request, fields);
      const unsafe = findUnsafeField(request, fields);
      if (out instanceof PatError) {
        check(unsafe !== undefined, "serializeCredential refuses only unsafe values");
        checkMessage("serializeCredential's refusal", out.message);
        continue;
      }
      check(unsafe === undefined, "serializeCredential refuses every unsafe value", unsafe);
      const lines = out.split("\n");
      check(lines.pop() === "", "output ends with LF");
      for (const l of lines)
        check(WIRE_LINE.test(l), "output is key=value lines of our own keys", l.slice(0, 40));
      if (fields === RESPONSE_FIELDS) {
        check(!/^(protocol|host|path|url)=/m.test(out), "a reply never carries protocol, host, path or url");
      } else {
        const again = parseRequest(out);
        check(again.kind === "ok", "what we serialize parses");
        check(
          JSON.stringify(fieldsOf(again.request)) === JSON.stringify(fieldsOf(request)),
          "serialize then parse gives the same credential",
        );
      }
    }
  }
  // The daemon reads the same format after its header; it must agree, and never throw.
  const header = Buffer.from("action=store\ntimeout=900\n");
  const decoded = decodeCacheRequest(Buffer.concat([header, bytes]));
  check(decoded.kind === parsed.kind, "the cache daemon's decoder agrees with parseRequest");
}

/** A canary in a field that is not the password may legitimately be echoed (it is a host or path then). */
function hasCanaryOutsidePassword(request: CredentialRequest): boolean {
  const visible = [
    request.protocol,
    request.host,
    request.path,
    request.username,
    ...Object.values(request.lists).flat(),
  ];
  return visible.some((v) => v !== undefined && findCanaries(v).length > 0);
}

/** One run of `git-credential-pat <action>` in process, against a seeded store. */
export async function checkHelper(kind: StoreKind, input: FuzzInput): Promise<void> {
  const world = makeWorld(kind, input.bytes);
  const before = world.snapshot();
  let thrown: unknown;
  try {
    await runHelper([...world.argv, input.action], world.deps);
  } catch (error) {
    thrown = error;
  }
  const parsed = parseRequest(input.bytes);
  const out = world.out();
  const err = world.err();

  if (thrown !== undefined) {
    check(thrown instanceof PatError, "nothing but our typed errors escapes", String(thrown).slice(0, 200));
    checkMessage("the error message", thrown.message);
    if (thrown.hint !== undefined) checkMessage("the error's hint", thrown.hint);
  }
  if (parsed.kind === "invalid") {
    check(
      thrown instanceof PatError && /^invalid request from git: /.test(thrown.message),
      "an invalid request fails",
    );
    check(world.snapshot() === before, "an invalid request never changes the store");
    check(out === "" && err === "", "an invalid request prints nothing");
  }

  const mayEcho = parsed.kind === "ok" && hasCanaryOutsidePassword(parsed.request);
  if (!mayEcho) {
    check(findCanaries(err).length === 0, "stderr holds no canary token");
    check(findCanaries(world.log()).length === 0, "the debug log holds no canary token");
  }
  check(!/[\r\0]/.test(err), "stderr holds no CR or NUL");
  for (const l of err.split("\n").slice(0, -1)) {
    check(/^(git-credential-pat: |hint: )/.test(l), "every stderr line is ours", l.slice(0, 60));
  }

  if (input.action === "store" && parsed.kind === "ok" && parsed.request.isEphemeral) {
    check(world.snapshot() === before, "an ephemeral credential is never kept");
  }
  if (input.action !== "get") {
    check(out === "", "store and erase print nothing");
  } else {
    check(world.snapshot() === before, "get never changes the store");
    if (out !== "") {
      check(RESPONSE_LINES.test(out), "get prints username, password and maybe expiry, nothing else");
      check(parsed.kind === "ok", "get answers only a valid request");
      check(
        out.startsWith("capability[]=authtype\n") === hasAuthtypeCapability(parsed.request),
        "get announces authtype only to a git that announced it",
      );
      const username = /^username=(.*)$/m.exec(out)?.[1];
      const password = /^password=(.*)$/m.exec(out)?.[1];
      const served = SEEDED.find((c) => c.username === username && c.password.reveal() === password);
      check(served !== undefined, "get serves only a token it holds");
      const pattern = slotOf(parsed.request);
      check(matchCredential(pattern, served), "get serves only a token the request matches", pattern);
    }
  }

  if (kind === "file") {
    const fileBefore = (JSON.parse(before) as Record<string, string | null>)[STORE_FILE];
    check(!world.deps.vol.existsSync(`${STORE_FILE}.lock`), "no lock file is left behind");
    const after = world.deps.vol.existsSync(STORE_FILE)
      ? String(world.deps.vol.readFileSync(STORE_FILE))
      : "";
    check(!/[\r\0]/.test(after), "the store file never gains a CR or NUL");
    if (input.action === "store" && thrown === undefined && parsed.kind === "ok" && after !== fileBefore)
      checkStoredLine(after, parsed.request);
  }
}

/** After a store that changed the file, its first line is the request's credential, read back intact. */
function checkStoredLine(file: string, request: CredentialRequest): void {
  const [first] = parseCredentialFile(file);
  const { protocol, host, username, password, path } = request;
  check(first?.kind === "credential" && password !== undefined, "a store writes a credential line first");
  // The format cannot hold a path's leading or trailing slashes (git's credential-store neither).
  const kept = path === undefined ? undefined : trimTrailingSlashes(path.replace(/^\/+/, ""));
  const want = fieldsOf({ protocol, host, username, password, ...(kept ? { path: kept } : {}) });
  check(
    JSON.stringify(fieldsOf(first.credential)) === JSON.stringify(want),
    "a stored credential reads back from the file as it was sent",
    { want: { ...want, password: undefined }, got: { ...fieldsOf(first.credential), password: undefined } },
  );
}

function trimTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}
