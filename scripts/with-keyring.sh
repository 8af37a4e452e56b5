#!/usr/bin/env bash
# Inside a private D-Bus session: start gnome-keyring's Secret Service unlocked, wait until it
# owns org.freedesktop.secrets, run the given command with DISPLAY unset, stop the daemon by pid.
set -uo pipefail
unset DISPLAY WAYLAND_DISPLAY
keyring_home=$(mktemp -d)
# gnome-keyring keeps its keyring files under $XDG_DATA_HOME: keep them out of the user's home.
XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --foreground --unlock --components=secrets \
  <<<"test-keyring-password" >"$keyring_home/daemon.log" 2>&1 &
daemon=$!
owned=false
for _ in $(seq 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    owned=true
    break
  fi
  sleep 0.1
done
if ! $owned; then
  echo "with-keyring: gnome-keyring did not start:" >&2
  cat "$keyring_home/daemon.log" >&2
  kill "$daemon" 2>/dev/null
  exit 1
fi
export GIT_CREDENTIAL_PAT_TEST_KEYRING=1
"$@"
status=$?
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
rm -rf "$keyring_home"
exit $status
