#!/bin/sh
# Runs a linux-arm64 program on this x64 machine under qemu-user:
#   qemu-arm64.sh BINARY [ARG...]
# The helper starts itself again (its cache daemon, the learner) by exec'ing its own path, which
# a kernel without a binfmt_misc entry for arm64 refuses (ENOEXEC). Registering one for the whole
# machine would change it for everyone, so the first call enters a user and mount namespace of its
# own (Linux >= 6.7 gives each one a binfmt_misc instance), registers this script there as the
# interpreter of arm64 ELF files, and runs the program; its children inherit the namespace, and the
# kernel hands each arm64 exec back to this script, which then only runs qemu.
set -eu
# The helper hands its children an allow-listed environment: PATH may be all there is.
PATH=${PATH:-/usr/bin:/bin}
# libc6-arm64-cross and libgcc-s1-arm64-cross: the dynamic loader, libc, and the keychain addon's libgcc_s.
sysroot=/usr/aarch64-linux-gnu
entry=/proc/sys/fs/binfmt_misc/git-credential-pat-aarch64

if [ -e "$entry" ]; then
  exec qemu-aarch64-static -L "$sysroot" "$@"
fi

if [ "${1:-}" = --in-namespace ]; then
  shift
  self=$(readlink -f "$0")
  if ! mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; then
    echo "qemu-arm64.sh: no binfmt_misc of our own (needs Linux >= 6.7 with user namespaces)" >&2
    exit 125
  fi
  # An aarch64 ELF executable or shared object (e_machine 0xb7): qemu's qemu-binfmt-conf.sh
  # magic and mask, whose \x escapes binfmt_misc decodes itself.
  magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf ':git-credential-pat-aarch64:M::%s:%s:%s:' "$magic" "$mask" "$self" >/proc/sys/fs/binfmt_misc/register
  exec qemu-aarch64-static -L "$sysroot" "$@"
fi

# Root inside maps to the caller outside, so files and sockets keep their owner (a non-root
# caller would be root inside, which D-Bus's peer check and the helper's owner checks refuse).
exec unshare --user --map-root-user --mount -- "$0" --in-namespace "$@"
