#!/bin/bash
# Debian's own mdevctl 1.2.0 drives mdevd's tree: types, define, modify,
# start, list, stop, errors, and autostart through --on-register. The real
# mdevctl has no root override, so each call runs in a private mount
# namespace with the tree bound over /sys and a store over /etc/mdevctl.d.
# Results are checked on our side (the tree) and in mdevctl's output.
set -eu
. "$(dirname "$0")/lib.sh"

REAL=${REAL_MDEVCTL:-/usr/bin/mdevctl}
if [ ! -x "$REAL" ] || ! "$REAL" -V 2>/dev/null | grep -q '^mdevctl 1\.2\.'; then
	echo "1..0 # SKIP Debian's mdevctl 1.2 not installed at $REAL"
	trap - EXIT
	rm -rf "$T"
	exit 77
fi

STORE=$T/store
mkdir -p "$STORE/scripts.d/callouts" "$STORE/scripts.d/notifiers"
cat >"$T/real-mdevctl" <<SH
#!/bin/sh
# Runs Debian's mdevctl with $SYS as /sys and $STORE as /etc/mdevctl.d.
exec unshare -m --propagation private sh -c '
	mount --bind "\$0" /sys && mount --bind "\$1" /etc/mdevctl.d &&
	shift && exec "$REAL" "\$@"' "$SYS" "$STORE" "\$@"
SH
chmod +x "$T/real-mdevctl"
mdevctl() {
	"$T/real-mdevctl" "$@"
}

start_mdevd --on-register "$T/real-mdevctl start-parent-mdevs"

# --- types: what mdevctl reads from our type directories
mdevctl types >"$T/types"
grep -qx "0000:00:02.0" "$T/types" || fail "types: no GVT-g parent"
grep -A4 "^  i915-GVTg_V5_4$" "$T/types" >"$T/gvt4"
expect "types GVTg_V5_4" "$(cat "$T/gvt4")" "  i915-GVTg_V5_4
    Available instances: 4
    Device API: vfio-pci
    Name: GVTg_V5_4
    Description: low_gm_size: 128MB, high_gm_size: 512MB, fence: 4, resolution: 1920x1200, weight: 4"
grep -A3 "^  mtty-2$" "$T/types" >"$T/mtty2"
expect "types mtty-2" "$(cat "$T/mtty2")" "  mtty-2
    Available instances: 12
    Device API: vfio-pci
    Name: Dual port serial"
expect "types lists every type (4+7+2+1)" "$(grep -c '^  [a-z0-9_]*-' "$T/types")" 14
ok "mdevctl types"

# --- define + modify: a definition file in the store, nothing in the tree
U=33333333-4444-4555-8666-777777777701
mdevctl define -u "$U" -p 0000:65:00.0 -t nvidia-231
mdevctl modify -u "$U" --addattr=nvidia/vgpu_params --value=frl=1
[ -f "$STORE/0000:65:00.0/$U" ] || fail "define wrote no file"
grep -q '"nvidia/vgpu_params": "frl=1"' "$STORE/0000:65:00.0/$U" ||
	fail "modify --addattr: $(cat "$STORE/0000:65:00.0/$U")"
[ ! -e "$SYS/bus/mdev/devices/$U" ] || fail "define created a device"
expect "list -d" "$(mdevctl list -d | sed '/^$/d')" "$U 0000:65:00.0 nvidia-231 manual"
ok "mdevctl define, modify, list -d"

# --- start: create + attribute writes through our tree
mdevctl start -u "$U"
[ -d "$SYS/bus/mdev/devices/$U" ] || fail "start: no device in the tree"
expect "started type" "$(basename "$(readlink "$SYS/bus/mdev/devices/$U/mdev_type")")" nvidia-231
expect "started attr" "$(cat "$SYS/bus/mdev/devices/$U/nvidia/vgpu_params")" frl=1
expect "availability after start" "$(avails 0000:65:00.0 nvidia-231 nvidia-230)" 7/0
expect "list" "$(mdevctl list | sed '/^$/d')" "$U 0000:65:00.0 nvidia-231 manual (defined)"
ok "mdevctl start (defined device), list"

# --- transient start, and a start the hardware refuses
U2=33333333-4444-4555-8666-777777777702
mdevctl start -u "$U2" -p mtty -t mtty-2
[ -d "$SYS/devices/virtual/mtty/mtty/$U2" ] || fail "transient start: no device"
expect "mtty availability" "$(avails mtty mtty-1 mtty-2)" 22/11
U3=33333333-4444-4555-8666-777777777703
rc=0
mdevctl start -u "$U3" -p 0000:65:00.0 -t nvidia-230 2>"$T/err" || rc=$?
[ $rc -ne 0 ] || fail "start of a blocked type succeeded"
grep -q "No available instances of nvidia-230 on 0000:65:00.0" "$T/err" ||
	fail "unexpected error: $(cat "$T/err")"
[ ! -e "$SYS/bus/mdev/devices/$U3" ] || fail "refused start left a device"
expect "list active" "$(mdevctl list | sed '/^$/d' | sort)" "$(printf '%s\n' \
	"$U 0000:65:00.0 nvidia-231 manual (defined)" "$U2 mtty mtty-2 manual" | sort)"
ok "mdevctl start (transient), refused start"

# --- stop: remove through our tree
mdevctl stop -u "$U"
mdevctl stop -u "$U2"
[ ! -e "$SYS/bus/mdev/devices/$U" ] && [ ! -e "$SYS/bus/mdev/devices/$U2" ] ||
	fail "stop left devices"
expect "availability after stop" "$(avails 0000:65:00.0 nvidia-231 nvidia-230)" 8/16
expect "list after stop" "$(mdevctl list | sed '/^$/d')" ""
ok "mdevctl stop"

# --- autostart: an auto definition starts when its parent registers
# (--on-register runs mdevctl start-parent-mdevs, as the udev rule does)
UA=33333333-4444-4555-8666-777777777704
mdevctl define -u "$UA" -p matrix -t vfio_ap-passthrough -a
mdevctl modify -u "$UA" --addattr=assign_adapter --value=5
mdevctl modify -u "$UA" --addattr=assign_domain --value=0x1f
stop_mdevd
start_mdevd --reset --on-register "$T/real-mdevctl start-parent-mdevs"
for i in $(seq 1 200); do
	[ -e "$SYS/bus/mdev/devices/$UA/matrix" ] &&
		[ -n "$(cat "$SYS/bus/mdev/devices/$UA/matrix")" ] && break
	sleep 0.05
done
expect "autostarted matrix" "$(cat "$SYS/bus/mdev/devices/$UA/matrix" 2>/dev/null)" 05.001f
expect "autostarted list" "$(mdevctl list | sed '/^$/d')" "$UA matrix vfio_ap-passthrough auto (defined)"
ok "autostart via --on-register + mdevctl start-parent-mdevs"
stop_mdevd
