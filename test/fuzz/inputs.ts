// Generated and mutated requests for the fuzz properties, seeded from what git really sends
// (git-requests.json, recorded by record-git-requests.sh). Every input is bytes: the mutations
// place CR, LF and NUL, rewrite url= and key[] lines, grow lines and requests to the size
// bounds, break UTF-8, truncate, or replace the whole request with random bytes.
import { readFileSync } from "node:fs";
import * as fc from "fast-check";
import { MAX_LINE_BYTES, MAX_REQUEST_BYTES } from "../../src/protocol/index.js";
import { CANARY_VALUES, maskCanaries } from "../helpers/canary.js";

export type Action = "get" | "store" | "erase";

export interface GitRequest {
  action: Action;
  stdin: string;
}

/** The recorded corpus: each request git 2.x sent to a helper for a variety of URLs. */
export const CORPUS: readonly GitRequest[] = (
  JSON.parse(readFileSync(new URL("./git-requests.json", import.meta.url), "utf8")) as {
    requests: GitRequest[];
  }
).requests;

/** One fuzz input: the action git runs and the bytes on the helper's stdin. */
export class FuzzInput {
  constructor(
    readonly action: Action,
    readonly bytes: Uint8Array,
    /** What made it, for the counterexample report. */
    readonly recipe: string,
  ) {}

  /**
   * fast-check prints this for a counterexample: short inputs whole, huge ones summarised, canary
   * tokens masked (the suite's canary guard fails any test whose error quotes one). The seed
   * and path fast-check prints replay the exact bytes.
   */
  [fc.toStringMethod](): string {
    const text = maskCanaries(Buffer.from(this.bytes).toString("latin1"));
    const shown =
      this.bytes.length <= 2048
        ? JSON.stringify(text)
        : `${JSON.stringify(text.slice(0, 300))} … ${JSON.stringify(text.slice(-300))} (${this.bytes.length} bytes)`;
    return `${this.action} [${this.recipe}] latin1 ${shown}`;
  }
}

const enc = (text: string): Buffer => Buffer.from(text, "utf8");

// --- lines ----------------------------------------------------------------------------------

const KNOWN_KEYS = ["protocol", "host", "path", "username", "password", "password_expiry_utc", "url"];
const OTHER_KEYS = [
  "wwwauth[]",
  "capability[]",
  "state[]",
  "authtype",
  "credential",
  "ephemeral",
  "continue",
  "oauth_refresh_token",
  "quit",
  "PROTOCOL",
  " host",
  "host ",
  "\uFEFFprotocol",
  "password[]",
  "url[]",
  "username[]",
  "",
  "__proto__",
  "__proto__[]",
  "constructor[]",
  "toString",
  "hasOwnProperty[]",
  "[]",
  "a=b",
];

/** Values that stress the framing; passwords are often canary tokens, which must never leak. */
const value = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("github.com", "https", "http", "ssh", "alice", "acme/app.git", ""),
  },
  { weight: 3, arbitrary: fc.constantFrom(...CANARY_VALUES) },
  { weight: 2, arbitrary: fc.constantFrom("0", "1", "1893456000", "-1", "99999999999999", "1e3", " 12") },
  {
    weight: 4,
    arbitrary: fc.string({
      unit: fc.oneof(
        { weight: 5, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
        {
          weight: 2,
          arbitrary: fc.constantFrom("\r", "\0", "=", "%", "%0a", "%0D", "%00", "@", ":", "/", "?"),
        },
      ),
      maxLength: 20,
    }),
  },
);

const safeValue = value.filter((text) => !CANARY_VALUES.some((canary) => text.includes(canary)));

const scheme = fc.constantFrom(
  "https",
  "http",
  "ssh",
  "git",
  "file",
  "HTTPS",
  "ht%74ps",
  "h ttp",
  "",
  "x+y.z",
);
const urlHost = fc.constantFrom(
  "github.com",
  "GitHub.COM",
  "github.com:443",
  "ghe.corp.example:8443",
  "127.0.0.1:8080",
  "localhost",
  "[::1]:3000",
  "[::1",
  "",
  ":",
  "evil.example?",
  "evil.example#",
  "gith%75b.com",
  "a%0ab",
  "a%00b",
  "a%ffb",
  "a%zz",
  "%",
  "ä.example",
);
const urlUserinfo = fc.oneof(
  fc.constant(""),
  fc.constantFrom("alice@", "@", ":@", "a%40b@", "a%0a@", "x-access-token@", "a@b@"),
  fc
    .tuple(
      fc.constantFrom("alice", "", "a%3Ab", "bob"),
      fc.constantFrom(...CANARY_VALUES, "p%0d", "p%0A", "p%ff"),
    )
    .map(([user, password]) => `${user}:${password}@`),
);
const urlPath = fc.constantFrom(
  "",
  "/",
  "/acme/app.git",
  "//acme//app.git//",
  "/a%2Fb",
  "/%2F",
  "/x?y#z",
  "?@github.com",
  "#@github.com",
  "/p%0ax",
  "/%E2%9C%93.git",
  "/%C3",
);
const url = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(scheme, urlUserinfo, urlHost, urlPath).map(([s, u, h, p]) => `${s}://${u}${h}${p}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("github.com/acme/app", "https:/x", "https://", "https:///p", "://h", ""),
  },
);

const line = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...KNOWN_KEYS), value).map(([k, v]) => `${k}=${v}`) },
  { weight: 4, arbitrary: url.map((u) => `url=${u}`) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...OTHER_KEYS), value).map(([k, v]) => `${k}=${v}`) },
  { weight: 2, arbitrary: fc.constantFrom("wwwauth[]=", "capability[]=", "state[]=", "url[]=", "[]=") },
  { weight: 1, arbitrary: fc.constantFrom("no equals sign", "", "\r", "=", "==", "password") },
);

// --- mutations ------------------------------------------------------------------------------

type LineOp = (lines: string[]) => string[];

const position = fc.nat({ max: 64 });
const at = (lines: readonly unknown[], n: number) => (lines.length === 0 ? 0 : n % lines.length);

const lineOp: fc.Arbitrary<[string, LineOp]> = fc.oneof(
  fc
    .tuple(position, line)
    .map(([n, l]): [string, LineOp] => [
      "insert",
      (ls) => [...ls.slice(0, at([...ls, ""], n)), l, ...ls.slice(at([...ls, ""], n))],
    ]),
  position.map((n): [string, LineOp] => ["delete", (ls) => ls.filter((_, i) => i !== at(ls, n))]),
  position.map((n): [string, LineOp] => [
    "duplicate",
    (ls) => (ls.length === 0 ? ls : [...ls, ls[at(ls, n)] as string]),
  ]),
  fc.tuple(position, position).map(([a, b]): [string, LineOp] => [
    "swap",
    (ls) => {
      if (ls.length === 0) return ls;
      const out = [...ls];
      const [i, j] = [at(ls, a), at(ls, b)];
      [out[i], out[j]] = [out[j] as string, out[i] as string];
      return out;
    },
  ]),
  fc
    .tuple(position, value)
    .map(([n, v]): [string, LineOp] => [
      "value",
      (ls) =>
        ls.map((l, i) => (i === at(ls, n) && l.includes("=") ? `${l.slice(0, l.indexOf("=") + 1)}${v}` : l)),
    ]),
  // A canary moved under another key would legitimately show up in a warning; keep keys and secrets apart.
  fc
    .tuple(position, fc.constantFrom(...KNOWN_KEYS, ...OTHER_KEYS), safeValue)
    .map(([n, k, v]): [string, LineOp] => [
      "key",
      (ls) => ls.map((l, i) => (i === at(ls, n) ? `${k}=${v}` : l)),
    ]),
  fc.constantFrom<[string, LineOp]>(
    ["crlf", (ls) => ls.map((l) => `${l}\r`)],
    ["blank-then-garbage", (ls) => [...ls, "", "host=evil.example", "password=x"]],
    ["reset-lists", (ls) => [...ls, "wwwauth[]=Basic realm=x", "wwwauth[]=", "capability[]=authtype"]],
    ["url-last", (ls) => [...ls, "url=https://evil.example/x"]],
  ),
);

/** Bytes that break the framing or the encoding when placed anywhere. */
const evilBytes = fc.oneof(
  fc.constantFrom(
    [0x0d],
    [0x0a],
    [0x00],
    [0x0d, 0x0a],
    [0x3d],
    [0xff],
    [0xc0, 0x80], // overlong NUL
    [0xed, 0xa0, 0x80], // UTF-16 surrogate
    [0xe2, 0x82], // truncated sequence
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xef, 0xbb, 0xbf], // BOM
    [0x0a, 0x0a],
  ),
  fc.uint8Array({ minLength: 1, maxLength: 3 }).map((bytes) => [...bytes]),
);

type ByteOp = (bytes: Buffer) => Buffer;
const offset = fc.nat({ max: 4096 });
const cut = (bytes: Buffer, n: number) => (bytes.length === 0 ? 0 : n % (bytes.length + 1));

const byteOp: fc.Arbitrary<[string, ByteOp]> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(offset, evilBytes)
      .map(([n, ins]): [string, ByteOp] => [
        "insert-bytes",
        (b) => Buffer.concat([b.subarray(0, cut(b, n)), Buffer.from(ins), b.subarray(cut(b, n))]),
      ]),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(offset, fc.integer({ min: 0, max: 255 })).map(([n, byte]): [string, ByteOp] => [
      "set-byte",
      (b) => {
        const out = Buffer.from(b);
        if (out.length > 0) out[n % out.length] = byte;
        return out;
      },
    ]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(offset, fc.nat({ max: 8 }))
      .map(([n, len]): [string, ByteOp] => [
        "delete-bytes",
        (b) => Buffer.concat([b.subarray(0, cut(b, n)), b.subarray(cut(b, n) + len)]),
      ]),
  },
  {
    weight: 2,
    arbitrary: offset.map((n): [string, ByteOp] => ["truncate", (b) => b.subarray(0, cut(b, n))]),
  },
);

// --- size -----------------------------------------------------------------------------------

/** Characters of each UTF-8 width, so the byte bounds are crossed mid-character too. */
const filler = fc.constantFrom("a", "é", "✓", "😀", "\r", "%");
const delta = fc.integer({ min: -4, max: 4 });

function fill(unit: string, bytes: number): string {
  const width = Buffer.byteLength(unit);
  const whole = unit.repeat(Math.max(0, Math.floor(bytes / width)));
  return whole + "a".repeat(Math.max(0, bytes - Buffer.byteLength(whole)));
}

/** One line whose length (without LF) is the 64 KiB bound plus delta. */
const longLine = fc
  .tuple(
    fc.constantFrom("password", "host", "path", "username", "url", "wwwauth[]", "x"),
    filler,
    delta,
    fc.boolean(),
  )
  .map(([key, unit, d, crlf]) => {
    const prefix = key === "url" ? "url=https://github.com/" : `${key}=`;
    const body = fill(unit, MAX_LINE_BYTES + d - Buffer.byteLength(prefix));
    return `${prefix}${body}${crlf ? "\r" : ""}`;
  });

/** Pads a request to the 1 MiB bound plus delta: many short lines, few long ones, or bytes after the blank line. */
// Weighted towards long lines: 260,000 short lines cost the parser ~120 ms a request (fine for git, slow for a fuzzer).
const padKind = fc.oneof(
  { weight: 4, arbitrary: fc.constant("long-lines") },
  { weight: 2, arbitrary: fc.constant("after-blank") },
  { weight: 1, arbitrary: fc.constantFrom("lines", "list") },
);
const padTo = fc.tuple(padKind, delta).map(([how, d]): [string, ByteOp] => [
  `pad-${how}${d >= 0 ? "+" : ""}${d}`,
  (b) => {
    const target = MAX_REQUEST_BYTES + d;
    const room = target - b.length;
    if (room <= 0) return b.subarray(0, target);
    const head = b.length > 0 && b[b.length - 1] !== 0x0a ? Buffer.from("\n") : Buffer.alloc(0);
    const space = room - head.length;
    const unit = how === "lines" ? "k=v\n" : how === "list" ? "a[]=1\n" : `x=${"y".repeat(60_000)}\n`;
    const prefix = how === "after-blank" ? "\n" : "";
    const body = prefix + unit.repeat(Math.max(0, Math.floor((space - prefix.length) / unit.length)));
    const tail = "z".repeat(Math.max(0, space - Buffer.byteLength(body)));
    return Buffer.concat([b, head, Buffer.from(body), Buffer.from(tail)]).subarray(0, target);
  },
]);

// --- inputs ---------------------------------------------------------------------------------

const action = fc.constantFrom<Action>("get", "store", "erase");
const seed = fc.constantFrom(...CORPUS);

/**
 * Byte mutations on about 40% of the requests: most of them break the UTF-8 or the framing, and
 * the requests that still parse are the ones that reach the stores.
 */
const byteOps = fc.oneof(
  { weight: 3, arbitrary: fc.constant([]) },
  { weight: 2, arbitrary: fc.array(byteOp, { minLength: 1, maxLength: 3 }) },
);

/** A recorded request with up to 4 line mutations and up to 3 byte mutations. */
const mutated = fc
  .tuple(seed, fc.array(lineOp, { maxLength: 4 }), byteOps, fc.boolean())
  .map(([request, lineOps, byteOps, keepAction]) => {
    let lines = request.stdin.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    for (const [, op] of lineOps) lines = op(lines);
    let bytes: Buffer = enc(lines.length === 0 ? "" : `${lines.join("\n")}\n`);
    for (const [, op] of byteOps) bytes = op(bytes);
    const recipe = ["corpus", ...lineOps.map(([name]) => name), ...byteOps.map(([name]) => name)].join(",");
    return { request, bytes, recipe, keepAction };
  });

/** Huge values and requests near the 64 KiB line and 1 MiB request bounds. */
const huge = fc
  .tuple(
    seed,
    fc.oneof(
      longLine.map((l): [string, string] => ["long-line", l]),
      fc.constant<[string, string]>(["", ""]),
    ),
    fc.option(padTo, { nil: undefined }),
    position,
  )
  .filter(([, [kind], pad]) => kind !== "" || pad !== undefined)
  .map(([request, [kind, long], pad, n]) => {
    const lines = request.stdin.split("\n").filter((l) => l !== "");
    if (kind !== "") lines.splice(n % (lines.length + 1), 0, long);
    let bytes: Buffer = enc(`${lines.join("\n")}\n`);
    if (pad) bytes = pad[1](bytes);
    return { request, bytes, recipe: [kind, pad?.[0]].filter(Boolean).join(","), keepAction: true };
  });

/** Lines from the dictionary in any order, with no recorded request behind them. */
const soup = fc.array(line, { maxLength: 12 }).map((lines) => ({
  request: undefined,
  bytes: enc(lines.map((l) => `${l}\n`).join("")),
  recipe: "soup",
  keepAction: false,
}));

const randomBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => ({
  request: undefined,
  bytes: Buffer.from(bytes),
  recipe: "random-bytes",
  keepAction: false,
}));

/** Every kind of input, weighted towards mutated real requests; huge ones (0.2%) cost up to ~100 ms each. */
export const fuzzInput: fc.Arbitrary<FuzzInput> = fc
  .tuple(
    fc.oneof(
      {
        weight: 20,
        arbitrary: seed.map((request) => ({
          request,
          bytes: enc(request.stdin),
          recipe: "corpus",
          keepAction: true,
        })),
      },
      { weight: 700, arbitrary: mutated },
      { weight: 120, arbitrary: soup },
      { weight: 80, arbitrary: randomBytes },
      { weight: 2, arbitrary: huge },
    ),
    action,
  )
  .map(
    ([made, other]) =>
      new FuzzInput(made.keepAction && made.request ? made.request.action : other, made.bytes, made.recipe),
  );
