#!/bin/sh
# Installs the Debian 12 packages mdevkit builds and tests with, if missing.
# Recommends are not installed (--no-install-recommends keeps a fresh
# machine small), so every package a step needs is named here, grouped by
# the step that needs it.
set -eu
die() {
	echo "install-deps.sh: $*" >&2
	exit 1
}
# build: meson, gcc (its ASan/UBSan runtimes come with libgcc-12-dev)
build="meson ninja-build pkg-config gcc libfuse3-dev libjansson-dev uuid-dev"
# unit and hardware tests
unit="libcmocka-dev"
# fuzzers (scripts/fuzz.sh): clang's ASan and libFuzzer runtimes are in
# libclang-rt-14-dev, only a Recommends of clang-14
fuzz="clang libclang-rt-14-dev"
# mounted-tree and stress tests: fusermount3, mount/unshare/setpriv,
# pgrep/pkill, uuidgen, ip (loopback in the sandbox), udevadm, lspci,
# strace, valgrind
fs="fuse3 util-linux mount procps uuid-runtime iproute2 udev pciutils strace valgrind"
# compatibility and libvirt tests: the reference mdevctl 1.2.0, libvirtd
# (node-device driver) and virsh
compat="mdevctl libvirt-daemon libvirt-clients"
# driver plugins (tests/plugin): the example's Makefile, nm/readelf
plugin="make binutils"
# man pages (docs/man, tests/man): scdoc builds them, man-db renders them
man="scdoc man-db"
# the Debian package (tests/package): dpkg-buildpackage with debhelper
# (its build-dependency check wants build-essential),
# lintian (its Debian 12 root: scripts/debian-root.sh); git lists the
# checkout's files for the source tree
package="build-essential dpkg-dev debhelper lintian git"
# Debian 13 roots for the current stack (scripts/debian-root.sh)
roots="debootstrap"
# guest tests (tests/guest: host ends, QMP, PNG checks; the guest kernel's
# modules are xz-compressed)
guest="python3 xz-utils"
PKGS="$build $unit $fuzz $fs $compat $plugin $man $package $roots $guest"

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script installs Debian 12 packages"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -n "$missing" ] || exit 0
[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root to install them)"
echo "install-deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed (no network or no Debian mirror in /etc/apt?)"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	die "apt-get install failed for:$missing"
