#!/usr/bin/env bash
# npm run bench: builds if needed, installs gh (the contender people would otherwise use for github.com),
# secret-tool and GNU time when they are missing and we are root, then runs scripts/bench.mjs inside a
# private D-Bus session with gnome-keyring (when installed) so the keychain contenders measure a real
# Secret Service.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x dist/git-credential-pat && -f dist/cli.cjs ]] || node scripts/build.mjs
# Debian packages the bench needs: gh and secret-tool (contenders) and time (GNU time, for peak RSS).
need=()
command -v gh >/dev/null || need+=(gh)
command -v secret-tool >/dev/null || need+=(libsecret-tools)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "bench: installing ${need[*]}" >&2
    # The package lists may be stale or absent (containers): refresh once if the first try fails.
    # A failed install is not fatal: bench.mjs then marks what it could not measure as skipped.
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } || true
  fi
  command -v gh >/dev/null || echo "bench: gh is missing (apt-get install gh); the gh contender is skipped" >&2
  command -v secret-tool >/dev/null || echo "bench: secret-tool is missing (apt-get install libsecret-tools); its contender is skipped" >&2
  [[ -x /usr/bin/time ]] || echo "bench: GNU time is missing (apt-get install time); peak RSS is skipped" >&2
fi
if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]] && command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  exec dbus-run-session -- bash scripts/with-keyring.sh node scripts/bench.mjs "$@"
fi
exec node scripts/bench.mjs "$@"
