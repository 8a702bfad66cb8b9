#!/bin/sh
# Installs the Debian 12 packages mdevkit builds and tests with, if missing.
set -eu
PKGS="meson ninja-build pkg-config gcc clang libfuse3-dev fuse3 libjansson-dev
uuid-dev libcmocka-dev uuid-runtime mdevctl libvirt-daemon libvirt-clients
valgrind util-linux iproute2 procps udev pciutils strace"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
