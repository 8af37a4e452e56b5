// Whether the real Secret Service is there for this run. `npm test` starts one (scripts/with-keyring.sh);
// locally without it keychain suites skip, but with CI=true a missing keyring is a failure.
export type KeyringSuiteState =
  | { kind: "available" }
  | { kind: "skip"; reason: string }
  | { kind: "fail"; reason: string };

export function keyringSuiteState(env: NodeJS.ProcessEnv = process.env): KeyringSuiteState {
  if (env.GIT_CREDENTIAL_PAT_TEST_KEYRING === "1" && env.DBUS_SESSION_BUS_ADDRESS)
    return { kind: "available" };
  const reason =
    "no Secret Service for this test run: run the tests with `npm test`, which starts gnome-keyring";
  return env.CI === "true" ? { kind: "fail", reason: `CI=true but ${reason}` } : { kind: "skip", reason };
}
