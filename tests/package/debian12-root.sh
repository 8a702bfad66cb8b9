#!/bin/bash
# Prints the path of a cached Debian 12 root as a tarball (each package test
# unpacks a fresh copy): minbase plus what the package test runs inside
# (systemd for systemd-analyze, man-db, a C toolchain, pkg-config) — nothing
# of mdevkit. The root itself is scripts/debian-root.sh's (cached, rebuilt
# when missing or when this list changes); the tarball is remade whenever it
# is older than that root.
#
#   tests/package/debian12-root.sh            → /var/cache/mdevkit/debian12-pkg.tar
# Environment: MDEVKIT_CACHE (default /var/cache/mdevkit).
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${MDEVKIT_CACHE:-/var/cache/mdevkit}
TAR=$CACHE/debian12-pkg.tar
die() {
	echo "debian12-root.sh: $*" >&2
	exit 1
}

root=$("$REPO/scripts/debian-root.sh" debian12-pkg bookworm \
	systemd man-db gcc libc6-dev make pkg-config binutils) ||
	die "no Debian 12 root (scripts/debian-root.sh failed)"
if [ -s "$TAR" ] && [ "$TAR" -nt "$root/.mdevkit-root" ]; then
	echo "$TAR"
	exit 0
fi
tar -C "$root" --exclude=./.mdevkit-root -cf "$TAR.tmp" . ||
	die "cannot write $TAR.tmp"
mv "$TAR.tmp" "$TAR"
echo "$TAR"
