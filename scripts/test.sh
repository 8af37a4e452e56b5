#!/usr/bin/env bash
# Runs every test: installs what is missing (npm packages; as root, Debian's git, openssl, dbus,
# gnome-keyring, strace and qemu-user with arm64 libraries), fetches and builds git 2.47 once per
# machine (scripts/modern-git.sh), fetches Node 22 and 24 once per machine (scripts/node-lines.sh), type-checks, lints, builds both
# artifacts and the release (every platform), then runs vitest inside a private D-Bus session with an
# unlocked gnome-keyring, so keychain tests use a real Secret Service. vitest.config.ts runs the git
# tiers on the system git and on git 2.47, git's own t0303 on git 2.47, the Node build's tiers on
# Node 22 and 24, and the linux-arm64 binary under qemu.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v git >/dev/null || need_pkgs+=(git)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v dbus-run-session >/dev/null || need_pkgs+=(dbus-daemon)
command -v dbus-send >/dev/null || need_pkgs+=(dbus-bin)
command -v gnome-keyring-daemon >/dev/null || need_pkgs+=(gnome-keyring)
command -v secret-tool >/dev/null || need_pkgs+=(libsecret-tools)
# Holds a helper inside its locked write, and records every child's argv and environment.
command -v strace >/dev/null || need_pkgs+=(strace)
# The linux-arm64 binary runs under qemu-user with arm64 libc and libgcc_s (its keychain addon's):
# the "linux-arm64 (qemu)" vitest project, test/helpers/qemu-arm64.ts.
command -v qemu-aarch64-static >/dev/null || need_pkgs+=(qemu-user-static)
[[ -e /usr/aarch64-linux-gnu/lib/libc.so.6 ]] || need_pkgs+=(libc6-arm64-cross)
[[ -e /usr/aarch64-linux-gnu/lib/libgcc_s.so.1 ]] || need_pkgs+=(libgcc-s1-arm64-cross)
if ((${#need_pkgs[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "test: installing ${need_pkgs[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "test: missing ${need_pkgs[*]}; install them: sudo apt-get install ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

[[ -d node_modules ]] || npm ci --no-audit --no-fund

# git's source (for its t0303 helper suite) and a git >= 2.46, named for vitest under the names
# test/helpers/modern-git.ts declares. Without them vitest leaves those projects out, except
# with CI=true, where nothing may skip.
if modern=$(bash scripts/modern-git.sh); then
  export GIT_CREDENTIAL_PAT_GIT_SOURCE GIT_CREDENTIAL_PAT_MODERN_GIT_BIN
  { read -r GIT_CREDENTIAL_PAT_GIT_SOURCE; read -r GIT_CREDENTIAL_PAT_MODERN_GIT_BIN; } <<<"$modern"
elif [[ ${CI:-} == true ]]; then
  exit 1
fi
# Node 22 and 24 beside the system node (the 20 line), once per machine, for the Node build's
# "node 22" and "node 24" projects (test/helpers/node-lines.ts names the variables).
if node_lines=$(bash scripts/node-lines.sh); then
  while read -r line node; do export "GIT_CREDENTIAL_PAT_NODE_$line=$node"; done <<<"$node_lines"
elif [[ ${CI:-} == true ]]; then
  exit 1
fi

npx tsc --noEmit -p .
npx biome check .
node scripts/build.mjs
# Every platform's binary and npm package (test/release, the qemu and npm-install tiers use them).
node scripts/release.mjs

# The keyring daemon needs a session bus of its own; the inner script starts and stops it.
exec dbus-run-session -- bash scripts/with-keyring.sh npx vitest run "$@"
