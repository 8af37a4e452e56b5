#!/usr/bin/env bash
# npm run bench: builds if needed, then runs scripts/bench.mjs inside a private D-Bus session with
# gnome-keyring (when installed) so the keychain contender measures a real Secret Service.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x dist/git-credential-pat && -f dist/cli.cjs ]] || node scripts/build.mjs
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  exec dbus-run-session -- bash scripts/with-keyring.sh node scripts/bench.mjs "$@"
fi
exec node scripts/bench.mjs "$@"
