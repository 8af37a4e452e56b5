import { describe, expect, it } from "vitest";
import { account } from "../../test/helpers/account-fixture.js";
import type { Account } from "../accounts/account.js";
import { parseRequest } from "../protocol/index.js";
import { lookupPatterns, routeRequest } from "./route-request.js";

/** Two accounts on github.com (alice the default, bob for acme) and one on a GHES host with a port. */
const ACCOUNTS: Account[] = [
  account("github.com", "alice", { isDefault: true }),
  account("github.com", "bob", { owners: ["widgets", "Acme"] }),
  account("ghe.acme.com:8443", "carol", { isDefault: true }),
  account("ghe.acme.com:8443", "dave", { owners: ["platform"] }),
];

function request(wire: string) {
  const parsed = parseRequest(wire);
  if (parsed.kind !== "ok") throw new Error("bad test input");
  const { lists: _lists, ...credential } = parsed.request;
  return credential;
}

describe("routeRequest", () => {
  it.each([
    {
      name: "routes a repository of an owner tied to an account to that account",
      input: "protocol=https\nhost=github.com\npath=acme/x.git\n",
      want: "bob",
    },
    {
      name: "matches the owner without case",
      input: "protocol=https\nhost=github.com\npath=ACME/x.git\n",
      want: "bob",
    },
    {
      name: "gives other owners the host's default account",
      input: "protocol=https\nhost=github.com\npath=other/y.git\n",
      want: "alice",
    },
    {
      name: "gives a request without a path the host's default account",
      input: "protocol=https\nhost=github.com\n",
      want: "alice",
    },
    {
      name: "never overrides the username git asks for",
      input: "protocol=https\nhost=github.com\nusername=zoe\npath=acme/x.git\n",
      want: "zoe",
    },
    {
      name: "keeps an empty username git asks for",
      input: "protocol=https\nhost=github.com\nusername=\n",
      want: "",
    },
    {
      name: "routes on a GHES host with a port",
      input: "protocol=https\nhost=ghe.acme.com:8443\npath=platform/infra.git\n",
      want: "dave",
    },
    {
      name: "gives the GHES default to other owners there",
      input: "protocol=https\nhost=ghe.acme.com:8443\npath=acme/x.git\n",
      want: "carol",
    },
    {
      name: "does not take an owner tied on another host",
      input: "protocol=https\nhost=ghe.acme.com:8443\npath=widgets/x.git\n",
      want: "carol",
    },
    {
      name: "leaves the host without its port alone (no account there)",
      input: "protocol=https\nhost=ghe.acme.com\npath=platform/infra.git\n",
      want: undefined,
    },
    {
      name: "leaves a host with no accounts to git's plain matching",
      input: "protocol=https\nhost=gitlab.example\npath=acme/x.git\n",
      want: undefined,
    },
    {
      name: "takes the owner from the path as the server resolves it: acme/../widgets is widgets'",
      input: "protocol=https\nhost=github.com\npath=acme/../widgets/x.git\n",
      want: "bob",
    },
    {
      name: "does not give acme's account a path that leaves acme",
      input: "protocol=https\nhost=github.com\npath=acme/x/../../other/x.git\n",
      want: "alice",
    },
    {
      name: "a path that climbs above the root resolves at the root, as a URL does",
      input: "protocol=https\nhost=github.com\npath=../../acme/x.git\n",
      want: "bob",
    },
    {
      name: "skips empty and dot segments before the owner",
      input: "protocol=https\nhost=github.com\npath=.//./acme/x.git\n",
      want: "bob",
    },
    {
      name: "treats an empty path as no owner",
      input: "protocol=https\nhost=github.com\npath=\n",
      want: "alice",
    },
  ])("$name", ({ input, want }) => {
    const req = request(input);
    const routed = routeRequest(req, ACCOUNTS);
    expect(routed.username).toBe(want);
    expect({ ...routed, username: req.username }).toEqual(req);
  });

  it("leaves every request alone when there is no metadata", () => {
    const req = request("protocol=https\nhost=github.com\npath=acme/x.git\n");
    expect(routeRequest(req, [])).toBe(req);
  });

  it("takes the first account on the host when none is marked default", () => {
    const accounts = [account("github.com", "erin"), account("github.com", "frank")];
    expect(routeRequest(request("protocol=https\nhost=github.com\n"), accounts).username).toBe("erin");
  });
});

describe("lookupPatterns", () => {
  const exact = (pattern: object) => ({ pattern, exactPath: false });
  const hostWide = (pattern: object) => ({ pattern, exactPath: true });
  it.each([
    {
      name: "looks an owner's repository up with its path, then host-wide (path-less entries only) for the account",
      input: "protocol=https\nhost=github.com\npath=acme/x.git\n",
      want: [
        exact({ protocol: "https", host: "github.com", path: "acme/x.git", username: "bob" }),
        hostWide({ protocol: "https", host: "github.com", username: "bob" }),
      ],
    },
    {
      name: "also falls back host-wide for a known username git asks for",
      input: "protocol=https\nhost=github.com\nusername=Alice\npath=acme/x.git\n",
      want: [
        exact({ protocol: "https", host: "github.com", path: "acme/x.git", username: "Alice" }),
        hostWide({ protocol: "https", host: "github.com", username: "Alice" }),
      ],
    },
    {
      name: "keeps git's matching for a username no account has",
      input: "protocol=https\nhost=github.com\nusername=zoe\npath=acme/x.git\n",
      want: [exact({ protocol: "https", host: "github.com", path: "acme/x.git", username: "zoe" })],
    },
    {
      name: "keeps git's matching on a host with no accounts",
      input: "protocol=https\nhost=gitlab.example\npath=acme/x.git\n",
      want: [exact({ protocol: "https", host: "gitlab.example", path: "acme/x.git" })],
    },
    {
      name: "without a path, looks the account's host-wide token up first, then any of its tokens",
      input: "protocol=https\nhost=github.com\n",
      want: [
        hostWide({ protocol: "https", host: "github.com", username: "alice" }),
        exact({ protocol: "https", host: "github.com", username: "alice" }),
      ],
    },
    {
      name: "needs one lookup without a path for a host with no accounts",
      input: "protocol=https\nhost=gitlab.example\n",
      want: [exact({ protocol: "https", host: "gitlab.example" })],
    },
  ])("$name", ({ input, want }) => {
    expect(lookupPatterns(request(input), ACCOUNTS)).toEqual(want);
  });
});
