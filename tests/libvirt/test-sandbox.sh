#!/bin/bash
# mdev-sandbox itself: what the namespace holds, exit status, clean-up when
# COMMAND exits, is killed, or mdev-sandbox is killed; --root persistence;
# mdevd's udev events reaching a libudev listener inside.
# Env: MDEV_SANDBOX = path of the mdev-sandbox executable, INOTIFY_COUNT =
# tests/compat/inotify-count.
set -eu
: "${MDEV_SANDBOX:?}"
: "${INOTIFY_COUNT:?}"
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$(dirname "$0")/../lib-env.sh"
require_private_mounts
sbx=$MDEV_SANDBOX
work=$(mktemp -d /tmp/mdev-sbx-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/tap.sh"
# No process anywhere mentions the root any more (mdevd's argv holds it).
nothing_left() { ! pgrep -f "$1" >/dev/null; }
wait_gone()
{
	for _ in $(seq 100); do nothing_left "$1" && return 0; sleep 0.05; done
	return 1
}

# --- what COMMAND sees ---------------------------------------------------
set +e
"$sbx" -- bash -c '
	echo "root=$MDEV_SANDBOX_ROOT"
	echo "verify=${SYSTEMD_DEVICE_VERIFY_SYSFS:-unset}"
	echo "mdevctl=$(command -v mdevctl)"
	echo "parents=$(ls /sys/class/mdev_bus | wc -l)"
	echo "store=$(test -d /etc/mdevctl.d/scripts.d/callouts && test -d /etc/mdevctl.d/scripts.d/notifiers && echo yes)"
	echo "run=$(stat -f -c %T /run)"
	echo "udevctl=$(test -e /run/udev/control && echo yes)"
	echo "mdevd=$(tr "\0" " " </proc/$(pidof mdevd)/cmdline)"
	echo "lo=$(cat /sys/class/net/lo/operstate 2>/dev/null || ip -o link show lo 2>/dev/null | grep -c UP)"
	echo "pid1=$(cat /proc/1/comm)"
	exit 7' >"$work/out" 2>"$work/err"
code=$?
set -e
cat "$work/out" "$work/err" | sed 's/^/#   /'
get() { sed -n "s/^$1=//p" "$work/out"; }
check "COMMAND's exit status (7) is mdev-sandbox's" test $code = 7
check "SYSTEMD_DEVICE_VERIFY_SYSFS=0" test "$(get verify)" = 0
check "mdevkit's mdevctl first on PATH" test "$(get mdevctl)" = \
	"$(cd "$(dirname "$sbx")/../ctl" 2>/dev/null && pwd)/mdevctl"
check "/sys is mdevd's tree (4 demo parents)" test "$(get parents)" = 4
check "store with scripts.d/{callouts,notifiers} at /etc/mdevctl.d" test "$(get store)" = yes
check "/run is a private tmpfs" test "$(get run)" = tmpfs
check "mdevd runs with --uevents and --on-register" eval \
	'get mdevd | grep -q -- "--uevents" && get mdevd | grep -q -- "--on-register"'
root=$(get root)
check "temporary root removed at exit" test -n "$root" -a ! -e "$root"
check "nothing left running" wait_gone "$root"
check "host /sys untouched" test ! -e /sys/class/mdev_bus/mtty

# --- --root keeps the store; events --------------------------------------
u=$(uuidgen)
"$sbx" --root "$work/keep" -- mdevctl define --uuid "$u" --parent 0000:00:02.0 \
	--type i915-GVTg_V5_4 >/dev/null
check "--root: definition stored under ROOT/etc/mdevctl.d" test -f "$work/keep/etc/mdevctl.d/0000:00:02.0/$u"
check "--root: the next sandbox sees it" eval \
	'"$sbx" --root "$work/keep" -- mdevctl list --defined | grep "^$u " >/dev/null'
check "--root: root kept after exit" test -d "$work/keep/sys"
wait_gone "$work/keep" || true

# The store is a symlink in an overlay of /etc: a change is one file event
# for a watcher (libvirt's), as with --userland, and what the sandbox
# writes in /etc stays in it.
ue=$(uuidgen)
probe=/etc/mdev-sandbox-probe.$$
"$sbx" -- bash -c '
	set -e
	t=$(ls /sys/class/mdev_bus/0000:65:00.0/mdev_supported_types | head -n1)
	mdevctl define --uuid "$1" --parent 0000:65:00.0 --type "$t" >/dev/null
	d=/etc/mdevctl.d/0000:65:00.0
	echo "modify=$("$2" /etc/mdevctl.d "$d" -- mdevctl modify --uuid "$1" --auto | head -n1)"
	echo "undefine=$("$2" /etc/mdevctl.d "$d" -- mdevctl undefine --uuid "$1" | head -n1)"
	echo "link=$(readlink /etc/mdevctl.d)"
	touch "$3" && echo probe=written' _ "$ue" "$INOTIFY_COUNT" "$probe" >"$work/ev" 2>&1 || true
sed 's/^/#   /' "$work/ev"
check "/etc/mdevctl.d is a symlink to the sandbox's store" \
	eval 'sed -n "s/^link=//p" "$work/ev" | grep -q "/etc/mdevctl.d$"'
check "modify: one file event in the store" test "$(sed -n 's/^modify=\([0-9]*\).*/\1/p' "$work/ev")" = 1
check "undefine: one file event in the store" test "$(sed -n 's/^undefine=\([0-9]*\).*/\1/p' "$work/ev")" = 1
check "a file the sandbox wrote in /etc is not in the host's" eval \
	'grep -q "^probe=written" "$work/ev" && test ! -e "$probe"'
rm -f "$probe" # where the check failed

check "stdout carries COMMAND's output only" test "$("$sbx" -- echo hello 2>/dev/null)" = hello

# Autostart when the sandbox starts (a "boot"): mdevd's --on-register runs
# mdevctl start-parent-mdevs for every parent it registers.
ua=$(uuidgen)
"$sbx" --root "$work/auto" -- mdevctl define --uuid "$ua" --parent 0000:65:00.0 \
	--type "$("$sbx" -- ls /sys/class/mdev_bus/0000:65:00.0/mdev_supported_types | head -n1)" --auto
check "--auto definition started when the next sandbox starts" \
	"$sbx" --root "$work/auto" -- sh -c \
	"for i in \$(seq 100); do test -e /sys/bus/mdev/devices/$ua && exit 0; sleep 0.05; done; exit 1"

# --state: mdevd's journal lives there, so active devices come back in a
# new sandbox with another root but the same state directory.
u=$(uuidgen)
"$sbx" --root "$work/s1" --state "$work/state" -- sh -c \
	"echo $u >/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
check "--state: journal written in the given directory" test -n "$(ls -A "$work/state" 2>/dev/null)"
check "--state: device active again in a new sandbox" \
	"$sbx" --root "$work/s2" --state "$work/state" -- test -e "/sys/bus/mdev/devices/$u"
check "--state: not with a fresh state" eval \
	'! "$sbx" --root "$work/s3" -- test -e "/sys/bus/mdev/devices/$u"'

if command -v udevadm >/dev/null; then
	"$sbx" -- bash -c '
		udevadm monitor --udev --property --subsystem-match=mdev >"$0/mon" 2>&1 &
		for _ in $(seq 100); do grep -q "^UDEV - " "$0/mon" && break; sleep 0.05; done
		sleep 0.2
		u=$(uuidgen)
		echo $u >/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create
		echo 1 >/sys/bus/mdev/devices/$u/remove
		for _ in $(seq 100); do grep -q "^ACTION=remove" "$0/mon" && break; sleep 0.05; done
		echo "uuid=$u" >>"$0/mon"
		kill %1' "$work"
	u=$(sed -n 's/^uuid=//p' "$work/mon")
	check "udev listener saw the mdev add event" grep -q "^UDEV .* add .*/$u (mdev)" "$work/mon"
	check "udev listener saw the mdev remove event" grep -q "^UDEV .* remove .*/$u (mdev)" "$work/mon"
	grep -q "^ACTION=" "$work/mon" || sed 's/^/#   /' "$work/mon"

	# A parent registered / unregistered by SIGHUP: "change" events with
	# MDEV_STATE, on the pci subsystem.
	echo '{"parents": [{"driver": "mtty"}]}' >"$work/hw1.json"
	echo '{"parents": [{"driver": "mtty"}, {"driver": "nvidia", "name": "0000:66:00.0"}]}' >"$work/hw2.json"
	cp "$work/hw1.json" "$work/hw.json"
	"$sbx" --hardware "$work/hw.json" -- bash -c '
		udevadm monitor --udev --property --subsystem-match=pci >"$0/pmon" 2>&1 &
		for _ in $(seq 100); do grep -q "^UDEV - " "$0/pmon" && break; sleep 0.05; done
		sleep 0.2
		cp "$0/hw2.json" "$0/hw.json"; kill -HUP $(pidof mdevd)
		for _ in $(seq 100); do grep -q "^MDEV_STATE=registered" "$0/pmon" && break; sleep 0.05; done
		cp "$0/hw1.json" "$0/hw.json"; kill -HUP $(pidof mdevd)
		for _ in $(seq 100); do grep -q "^MDEV_STATE=unregistered" "$0/pmon" && break; sleep 0.05; done
		kill %1' "$work"
	check "SIGHUP-added parent: change event with MDEV_STATE=registered" eval \
		'grep -q "^UDEV .* change .*/0000:66:00.0 (pci)" "$work/pmon" && grep -q "^MDEV_STATE=registered" "$work/pmon"'
	check "SIGHUP-removed parent: MDEV_STATE=unregistered" grep -q "^MDEV_STATE=unregistered" "$work/pmon"
	grep -q "^MDEV_STATE=unregistered" "$work/pmon" || sed 's/^/#   /' "$work/pmon"
fi

if command -v lspci >/dev/null; then
	"$sbx" -- lspci -nn >"$work/lspci" 2>&1 || true
	sed 's/^/#   /' "$work/lspci"
	check "lspci -nn sees the demo GVT-g GPU" grep -q '^00:02\.0 .*\[8086:' "$work/lspci"
	check "lspci -nn sees the demo NVIDIA GPU" grep -q '^65:00\.0 .*\[10de:' "$work/lspci"
fi

# --libvirt: libvirtd (node-device driver only) is up before COMMAND runs
if [ -x /usr/sbin/libvirtd ] && command -v virsh >/dev/null; then
	set +e
	"$sbx" --libvirt --root "$work/lv" -- sh -c \
		'echo "uri=$LIBVIRT_DEFAULT_URI"; virsh -q nodedev-list --tree' >"$work/lv.out" 2>"$work/lv.err"
	code=$?
	set -e
	sed 's/^/#   /' "$work/lv.out"
	check "--libvirt: virsh answers at once, exit 0" test $code = 0
	check "--libvirt: LIBVIRT_DEFAULT_URI=nodedev:///system" grep -qx "uri=nodedev:///system" "$work/lv.out"
	check "--libvirt: the tree lists the demo GPU" grep -q "pci_0000_00_02_0" "$work/lv.out"
	check "--libvirt: libvirtd stopped with the sandbox" wait_gone "$work/lv"
fi

# --- clean-up when things are killed ---------------------------------------
set +e
"$sbx" --root "$work/k1" -- bash -c 'kill -9 $$'
code=$?
set -e
check "COMMAND killed by SIGKILL: exit 137" test $code = 137
check "... nothing left running" wait_gone "$work/k1"

"$sbx" --root "$work/k2" -- sleep 60 &
spid=$!
wait_until_running() { for _ in $(seq 100); do pgrep -f "$work/k2" | grep -qv "^$spid\$" && pgrep -x sleep >/dev/null && return 0; sleep 0.05; done; return 1; }
wait_until_running || true
sleep 0.5
kill -TERM $spid
set +e
wait $spid
code=$?
set -e
check "mdev-sandbox SIGTERM: passed to COMMAND, exit 143" test $code = 143
check "... nothing left running" wait_gone "$work/k2"

"$sbx" --root "$work/k3" -- sleep 60 &
spid=$!
sleep 1
kill -KILL $spid
wait $spid 2>/dev/null || true
check "mdev-sandbox SIGKILL: the whole sandbox dies with it" wait_gone "$work/k3"

# --- errors ---------------------------------------------------------------
chmod 711 "$work"
mkdir -m 1777 "$work/nobody"
set +e
"$sbx" -- /nonexistent/command 2>"$work/err"; code=$?
set -e
check "COMMAND not found: exit 127 naming it" eval 'test $code = 127 && grep -q "/nonexistent/command" "$work/err"'
set +e
"$sbx" 2>"$work/err"; code=$?
set -e
check "no COMMAND: exit 125 with a message" eval 'test $code = 125 && grep -q "no COMMAND" "$work/err"'
set +e
"$sbx" --hardware "$work/missing.json" -- true 2>"$work/err"; code=$?
set -e
check "missing --hardware file: exit 125 naming it" eval 'test $code = 125 && grep -q "missing.json" "$work/err"'
echo '{"parents": [ {"driver": "nosuch"} ]}' >"$work/bad.json"
set +e
"$sbx" --hardware "$work/bad.json" -- true 2>"$work/err"; code=$?
set -e
check "bad hardware file: exit 125, mdevd's message shown" eval 'test $code = 125 && grep -q "bad.json" "$work/err"'
sed 's/^/#   /' "$work/err"

# An error after the temporary root is made (an unusable --state) removes it.
mkdir "$work/tmp-err"
set +e
TMPDIR=$work/tmp-err "$sbx" --state /proc/no-such-dir/state -- true 2>"$work/err"; code=$?
set -e
check "unusable --state: exit 125 naming it" eval 'test $code = 125 && grep -q "/proc/no-such-dir" "$work/err"'
check "... and leaves no temporary root" test -z "$(ls -A "$work/tmp-err")"

# An unprivileged caller: tests/libvirt/test-rootless.sh.

echo "1..$n"
[ "$failures" = 0 ]
