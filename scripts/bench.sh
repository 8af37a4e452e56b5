#!/usr/bin/env bash
# npm run bench: builds if needed, installs gh (the contender people would otherwise use for github.com)
# when it is missing and we are root, then runs scripts/bench.mjs inside a private D-Bus session with
# gnome-keyring (when installed) so the keychain contender measures a real Secret Service.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x dist/git-credential-pat && -f dist/cli.cjs ]] || node scripts/build.mjs
if ! command -v gh >/dev/null; then
  if [[ $(id -u) == 0 ]]; then
    echo "bench: installing gh" >&2
    # The package lists may be stale or absent (containers): refresh once if the first try fails.
    # A failed install is not fatal: bench.mjs then marks the gh contender and its ratios skipped.
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends gh >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends gh >/dev/null; } || true
    command -v gh >/dev/null || echo "bench: could not install gh; the gh contender is skipped" >&2
  else
    echo "bench: gh is missing (sudo apt-get install gh); the gh contender is skipped" >&2
  fi
fi
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  exec dbus-run-session -- bash scripts/with-keyring.sh node scripts/bench.mjs "$@"
fi
exec node scripts/bench.mjs "$@"
