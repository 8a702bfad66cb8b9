#!/bin/bash
# Run by tests/package/run.sh inside a fresh Debian 12 root where apt
# installed mdevkit, libmdev0 and libmdev-dev: checks what a user of the
# packages gets.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
MDEVCTL=/usr/lib/mdevkit/bin/mdevctl
T=$(mktemp -d)
PIDS=
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	sleep 0.5
	for m in "$T"/*/sys; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT

# serve ROOT [mdevd options]: starts mdevd, remembers its pid.
serve() {
	local root=$1 out pid
	shift
	mkdir -p "$root/etc/mdevctl.d/scripts.d/callouts" "$root/etc/mdevctl.d/scripts.d/notifiers"
	out=$(mdevd "$@" "$root") || fail "mdevd $* $root: exit $?"
	pid=$(echo "$out" | sed -n 's/.*(pid \([0-9]*\))$/\1/p')
	[ -n "$pid" ] || fail "mdevd said: $out"
	PIDS="$PIDS $pid"
}

# --- not taking over the host: nothing on PATH named mdevctl, no /sys
! command -v mdevctl >/dev/null || fail "mdevctl is on PATH: $(command -v mdevctl)"
[ -x "$MDEVCTL" ] && [ -L /usr/lib/mdevkit/bin/lsmdev ] || fail "mdevctl/lsmdev not in /usr/lib/mdevkit/bin"
! systemctl is-enabled 'mdevd@-.service' >/dev/null 2>&1 || fail "an mdevd instance is enabled"
ok "mdevctl and lsmdev in /usr/lib/mdevkit/bin, off PATH; no mdevd instance enabled"

# --- the vfio_ap callout where mdevctl 1.3+ and 1.2.0 look
callout=/usr/lib/mdevctl/scripts.d/callouts/mdevkit-vfio-ap
[ -x "$callout" ] && [ "$(stat -c %u "$callout")" = 0 ] || fail "$callout missing, or not root's"
[ "$(readlink /etc/mdevctl.d/scripts.d/callouts/mdevkit-vfio-ap)" = "$callout" ] ||
	fail "/etc/mdevctl.d/scripts.d/callouts/mdevkit-vfio-ap does not link to $callout"
"$callout" -t vfio_ap-passthrough -e get -a capabilities -s none -u 00000000-0000-0000-0000-000000000000 -p matrix |
	grep -q '"live"' || fail "$callout does not answer capabilities with live"
ok "vfio_ap callout in /usr/lib/mdevctl/scripts.d/callouts, linked from /etc/mdevctl.d/scripts.d/callouts"

# --- the demo, and mdevctl types on it
serve "$T/demo"
types=$(MDEVCTL_ENV_ROOT=$T/demo "$MDEVCTL" types)
for t in i915-GVTg_V5_4 nvidia-230 mtty-1 vfio_ap-passthrough; do
	grep -q "^  $t\$" <<<"$types" || fail "mdevctl types lacks $t: $types"
done
ok "mdevd serves the demo; mdevctl types lists its $(grep -c '^  [a-z]' <<<"$types") types"

# --- the example driver, built against the installed libmdev.pc
cp -r /usr/share/doc/libmdev-dev/examples/driver "$T/vdemo"
make -s -C "$T/vdemo" CFLAGS="-O2 -Wall -Wextra -Werror" >"$T/make.log" 2>&1 || fail "make: $(cat "$T/make.log")"
make -s -C "$T/vdemo" install >/dev/null
DIR=$(pkg-config --variable=driverdir libmdev)
[ -f "$DIR/vdemo.so" ] || fail "make install did not put vdemo.so in $DIR"
printf '{"parents": [{"driver": "vdemo", "name": "vd0", "slots": 4}]}\n' >"$T/vdemo.json"
serve "$T/plug" --hardware "$T/vdemo.json"
types=$(MDEVCTL_ENV_ROOT=$T/plug "$MDEVCTL" types)
grep -q "^  vdemo-2\$" <<<"$types" || fail "the plugin's types are not listed: $types"
grep -A1 "^  vdemo-2\$" <<<"$types" | grep -q "Available instances: 2" || fail "vdemo-2 availability: $types"
ok "the example builds with pkg-config alone, installs to $DIR, and mdevd serves it"

# --- a plugin built for another ABI is refused
cc -shared -fPIC -fvisibility=hidden -DBROKEN_ABI -DPLUGIN_NAME='"broken_abi"' \
	$(pkg-config --cflags libmdev) -o "$DIR/broken_abi.so" /tmp/input/broken.c $(pkg-config --libs libmdev)
printf '{"parents": [{"driver": "broken_abi"}]}\n' >"$T/bad.json"
rc=0
msg=$(mdevd --hardware "$T/bad.json" "$T/bad" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "mdevd exit status $rc for a plugin of another ABI"
# The ABI the installed header declares; the broken plugin says one more.
abi=$(sed -n 's/^#define MDEV_DRIVER_ABI_VERSION \([0-9]*\)$/\1/p' "$(pkg-config --variable=includedir libmdev)/mdev_driver.h")
grep -q "plugin $DIR/broken_abi.so: built for driver ABI $((abi + 1)), this mdevd loads ABI $abi" <<<"$msg" ||
	fail "message for a plugin of another ABI: $msg"
rm -f "$DIR/broken_abi.so"
ok "a plugin of another ABI is refused: $msg"

# --- man pages render; the unit verifies
for page in mdevd mdev-sandbox mdevkit-mdevctl mdevkit-lsmdev mdevd-hardware mdev_driver; do
	out=$(MANWIDTH=80 man -P cat "$page" 2>&1) || fail "man $page: $out"
	[ "$(wc -l <<<"$out")" -gt 20 ] || fail "man $page: $out"
done
man -P cat mdevd | grep -q "serve mediated devices as a kernel-compatible sysfs tree" || fail "man mdevd: wrong page"
ok "man mdevd (and the other five) render"
mkdir -p /srv/lab
unit=/tmp/mdevd@$(systemd-escape --path /srv/lab).service
cp /lib/systemd/system/mdevd@.service "$unit"
out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
ok "systemd-analyze verify accepts mdevd@.service (instance $(basename "$unit"))"
