import { describe, expect, it } from "vitest";
import { CANARY } from "../../test/helpers/canary.js";
import { EnvTokenSource, envTokens } from "./env-token-source.js";

async function serve(
  env: Record<string, string | undefined>,
  request: { protocol: string; host: string; username?: string },
) {
  const found = await new EnvTokenSource(envTokens(env)).get(request);
  return found && { username: found.username, password: found.password?.reveal() };
}

describe("EnvTokenSource", () => {
  it.each([
    {
      name: "GH_TOKEN serves github.com as x-access-token",
      env: { GH_TOKEN: CANARY.classic },
      request: { protocol: "https", host: "github.com" },
      want: { username: "x-access-token", password: CANARY.classic },
    },
    {
      name: "the username git asked for wins",
      env: { GITHUB_TOKEN: CANARY.classic },
      request: { protocol: "https", host: "github.com", username: "alice" },
      want: { username: "alice", password: CANARY.classic },
    },
    {
      name: "GH_TOKEN wins over GITHUB_TOKEN",
      env: { GH_TOKEN: CANARY.classic, GITHUB_TOKEN: CANARY.classic2 },
      request: { protocol: "https", host: "github.com" },
      want: { username: "x-access-token", password: CANARY.classic },
    },
    {
      name: "GH_ENTERPRISE_TOKEN serves the GH_HOST host",
      env: { GH_ENTERPRISE_TOKEN: CANARY.classic2, GH_HOST: "https://ghe.acme.com/" },
      request: { protocol: "https", host: "ghe.acme.com" },
      want: { username: "x-access-token", password: CANARY.classic2 },
    },
    {
      name: "GITHUB_ENTERPRISE_TOKEN is the fallback name",
      env: { GITHUB_ENTERPRISE_TOKEN: CANARY.classic2, GH_HOST: "ghe.acme.com" },
      request: { protocol: "https", host: "GHE.acme.com" },
      want: { username: "x-access-token", password: CANARY.classic2 },
    },
  ])("$name", async ({ env, request, want }) => {
    expect(await serve(env, request)).toEqual(want);
  });

  it.each([
    {
      name: "another host",
      env: { GH_TOKEN: CANARY.classic },
      request: { protocol: "https", host: "gitlab.com" },
    },
    {
      name: "a look-alike host",
      env: { GH_TOKEN: CANARY.classic },
      request: { protocol: "https", host: "github.com.evil.io" },
    },
    {
      name: "github.com on another port",
      env: { GH_TOKEN: CANARY.classic },
      request: { protocol: "https", host: "github.com:444" },
    },
    {
      name: "plain http",
      env: { GH_TOKEN: CANARY.classic },
      request: { protocol: "http", host: "github.com" },
    },
    {
      name: "an enterprise token without GH_HOST",
      env: { GH_ENTERPRISE_TOKEN: CANARY.classic },
      request: { protocol: "https", host: "ghe.acme.com" },
    },
    {
      name: "an enterprise token for github.com",
      env: { GH_ENTERPRISE_TOKEN: CANARY.classic, GH_HOST: "github.com" },
      request: { protocol: "https", host: "github.com" },
    },
  ])("never serves $name", async ({ env, request }) => {
    expect(await serve(env, request)).toBeUndefined();
  });
});
