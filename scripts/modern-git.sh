#!/usr/bin/env bash
# Fetches Debian's git source package (trixie, git 2.47.x), verified from the archive's signed
# InRelease down to the tarball's sha256, and builds it once per machine into a cache directory.
# Prints two lines: the source tree (for git's own t0303 credential-helper suite) and the bin
# directory of the installed build (to put first on PATH). Nothing from git is copied into this
# repository. Cache: $GIT_CREDENTIAL_PAT_TEST_CACHE, else ~/.cache/git-credential-pat-tests.
set -euo pipefail

suite=trixie
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cache=${GIT_CREDENTIAL_PAT_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/git-credential-pat-tests}
mkdir -p "$cache"
log() { echo "modern-git: $*" >&2; }

need_pkgs=()
for pair in curl:curl gpgv:gpgv xz:xz-utils make:make cc:gcc; do
  command -v "${pair%%:*}" >/dev/null || need_pkgs+=("${pair#*:}")
done
[[ -f $keyring ]] || need_pkgs+=(debian-archive-keyring)
for header in curl/curl.h:libcurl4-openssl-dev expat.h:libexpat1-dev zlib.h:zlib1g-dev openssl/ssl.h:libssl-dev; do
  [[ -e /usr/include/${header%%:*} || -e /usr/include/x86_64-linux-gnu/${header%%:*} ||
    -n $(find /usr/include -path "*/${header%%:*}" -print -quit 2>/dev/null) ]] || need_pkgs+=("${header#*:}")
done
if ((${#need_pkgs[@]})); then
  if [[ $(id -u) == 0 ]]; then
    log "installing ${need_pkgs[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    log "missing ${need_pkgs[*]}; install them: sudo apt-get install ${need_pkgs[*]}"
    exit 1
  fi
fi

# A finished build is reused without asking the network (the "done" stamp names it).
if [[ -f $cache/current ]]; then
  name=$(<"$cache/current")
  if [[ -f $cache/$name/.done && -x $cache/$name/prefix/bin/git ]]; then
    echo "$cache/$name/src"
    echo "$cache/$name/prefix/bin"
    exit 0
  fi
fi

work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
fetch() { curl -fsS --retry 3 --max-time 300 -o "$2" "$1"; }

log "verifying $suite's InRelease"
fetch "$mirror/dists/$suite/InRelease" "$work/InRelease"
gpgv --keyring "$keyring" --output "$work/Release" "$work/InRelease" 2>/dev/null ||
  { log "InRelease signature did not verify against $keyring"; exit 1; }
sources_sha=$(awk '/^SHA256:/{s=1;next} /^[^ ]/{s=0} s && $3=="main/source/Sources.xz"{print $1}' "$work/Release")
[[ -n $sources_sha ]] || { log "Release lists no main/source/Sources.xz"; exit 1; }
fetch "$mirror/dists/$suite/main/source/Sources.xz" "$work/Sources.xz"
echo "$sources_sha  $work/Sources.xz" | sha256sum -c --quiet - || { log "Sources.xz checksum mismatch"; exit 1; }

# The git paragraph: Version, Directory and the orig tarball's sha256 (read to the end: an
# early exit would SIGPIPE xz under pipefail).
xz -dc "$work/Sources.xz" | awk '
  /^Package: git$/ && !seen {p=1; seen=1; next}
  p && /^$/ {p=0}
  p && /^Version:/ {print "version " $2}
  p && /^Directory:/ {print "dir " $2}
  p && /^Checksums-Sha256:/ {c=1; next}
  p && /^[^ ]/ {c=0}
  p && c && $3 ~ /\.orig\.tar\.xz$/ {print "orig " $1 " " $3}
' >"$work/git.txt"
version=$(awk '$1=="version"{print $2}' "$work/git.txt")
dir=$(awk '$1=="dir"{print $2}' "$work/git.txt")
read -r _ orig_sha orig_name < <(grep '^orig ' "$work/git.txt")
[[ -n $version && -n $dir && -n ${orig_name:-} ]] || { log "no git source package in $suite"; exit 1; }

name=${orig_name%.orig.tar.xz}
if [[ ! -f $cache/$name/.done ]]; then
  log "fetching $orig_name (git $version)"
  fetch "$mirror/$dir/$orig_name" "$work/$orig_name"
  echo "$orig_sha  $work/$orig_name" | sha256sum -c --quiet - || { log "$orig_name checksum mismatch"; exit 1; }
  rm -rf "${cache:?}/$name"
  mkdir -p "$cache/$name/src"
  tar -xJf "$work/$orig_name" -C "$cache/$name/src" --strip-components=1
  log "building $name (a few minutes, once per machine)"
  make -C "$cache/$name/src" -j"$(nproc)" NO_GETTEXT=1 NO_TCLTK=1 NO_PERL=1 NO_PYTHON=1 \
    prefix="$cache/$name/prefix" all install >"$cache/$name/build.log" 2>&1 ||
    { log "build failed; see $cache/$name/build.log"; tail -20 "$cache/$name/build.log" >&2; exit 1; }
  touch "$cache/$name/.done"
fi
echo "$name" >"$cache/current"
echo "$cache/$name/src"
echo "$cache/$name/prefix/bin"
