#!/bin/bash
# Prints the path of a cached Debian 12 root (a tarball), building it with
# debootstrap when it is missing: minbase plus what the package test runs
# inside (systemd for systemd-analyze, man-db, a C toolchain, pkg-config) —
# nothing of mdevkit. The mirror is the host's (from /etc/apt/sources.list*),
# never written into the repository.
#
#   tests/package/debian12-root.sh            → /var/cache/mdevkit/debian12-root.tar
# Environment: MDEVKIT_CACHE (default /var/cache/mdevkit).
set -eu
CACHE=${MDEVKIT_CACHE:-/var/cache/mdevkit}
TAR=$CACHE/debian12-root.tar
die() { echo "debian12-root.sh: $*" >&2; exit 1; }

if [ -s "$TAR" ]; then
	echo "$TAR"
	exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/install-deps.sh)"
[ "$(id -u)" = 0 ] || die "debootstrap needs root"

# The host's Debian mirror: a deb822 "URIs:" line or a one-line "deb URL".
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ && $2 !~ /security/ {print $2; exit} /^deb / && $2 !~ /security/ {print $2; exit}')
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*"

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/root.XXXXXX")
# debootstrap mounts /proc and /sys in the root while it works: unmount
# before removing, and never remove across file systems.
trap 'umount -R -l "$work/root/proc" "$work/root/sys" 2>/dev/null; rm -rf --one-file-system "$work"' EXIT
echo "debian12-root.sh: debootstrap bookworm from $mirror (a few minutes, once)" >&2
debootstrap --variant=minbase \
	--include=systemd,man-db,gcc,libc6-dev,make,pkg-config,binutils \
	bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
	die "debootstrap failed: $(tail -3 "$work/debootstrap.log")"
echo "deb $mirror bookworm main" >"$work/root/etc/apt/sources.list"
chroot "$work/root" apt-get clean
tar -C "$work/root" -cf "$TAR.tmp" .
mv "$TAR.tmp" "$TAR"
echo "$TAR"
