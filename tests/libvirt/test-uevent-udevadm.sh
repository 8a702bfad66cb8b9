#!/bin/bash
# libudev itself (udevadm monitor --udev) receives what mdev_uevent_send()
# puts on group 2, and its in-kernel subsystem filter -- which compares our
# MurmurHash2 of SUBSYSTEM with its own -- lets an mdev event through and
# drops a pci one when only mdev is asked for. Also: the sender refuses in
# the host's network namespace.
# Env: UEVENT_SEND = path of the uevent-send helper.
set -eu
command -v udevadm >/dev/null || { echo "udevadm not installed: skip"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
. "$(dirname "$0")/../lib-env.sh"
require_private_mounts
: "${UEVENT_SEND:?}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

host_ns=$(stat -L -c %i /proc/1/ns/net 2>/dev/null || stat -L -c %i /proc/2/ns/net)
if [ "$(stat -L -c %i /proc/self/ns/net)" = "$host_ns" ]; then
	if "$UEVENT_SEND" add /devices/x mdev 2>"$tmp/err"; then
		echo "FAIL: sent in the host network namespace"
		exit 1
	fi
	grep -qx "uevents are only sent inside a private network namespace (this is the host's)" "$tmp/err" || {
		echo "FAIL: unexpected refusal message:"; cat "$tmp/err"; exit 1; }
	echo "ok - refused in the host network namespace"
fi

export UEVENT_SEND tmp
unshare -m -n --propagation private bash -eu -c '
	# udevadm only subscribes to group 2 when udev looks alive.
	mount -t tmpfs sandbox-run /run
	mkdir -p /run/udev && : >/run/udev/control
	udevadm monitor --udev --property --subsystem-match=mdev >"$tmp/out" 2>&1 &
	mon=$!
	udevadm monitor --udev --property --subsystem-match=pci >"$tmp/pci" 2>&1 &
	mon2=$!
	for _ in $(seq 100); do
		grep -q "^UDEV - " "$tmp/out" && grep -q "^UDEV - " "$tmp/pci" && break
		sleep 0.05
	done
	sleep 0.2
	"$UEVENT_SEND" add /devices/pci0000:00/0000:00:02.0 pci PCI_CLASS=30000
	"$UEVENT_SEND" add /devices/pci0000:00/0000:00:02.0/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 mdev MDEV_TYPE=i915-GVTg_V5_4
	for _ in $(seq 100); do
		grep -q "^MDEV_TYPE=" "$tmp/out" && grep -q "^PCI_CLASS=" "$tmp/pci" && break
		sleep 0.05
	done
	kill $mon $mon2
	wait $mon $mon2 || true
'
cat "$tmp/out"
fail=0
expect() {
	grep -qE "$1" "$tmp/out" || { echo "FAIL: no line matching: $1"; fail=1; }
}
expect '^UDEV +\[[0-9.]+\] add +/devices/pci0000:00/0000:00:02\.0/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 \(mdev\)$'
expect '^ACTION=add$'
expect '^DEVPATH=/devices/pci0000:00/0000:00:02\.0/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001$'
expect '^SUBSYSTEM=mdev$'
expect '^SEQNUM=1$'
expect '^MDEV_TYPE=i915-GVTg_V5_4$'
if grep -q 'PCI_CLASS\|(pci)' "$tmp/out"; then
	echo "FAIL: the pci event passed the mdev subsystem filter"
	fail=1
fi
grep -q '^PCI_CLASS=30000$' "$tmp/pci" || { echo "FAIL: the pci listener missed the pci event"; fail=1; }
if grep -q 'MDEV_TYPE' "$tmp/pci"; then
	echo "FAIL: the mdev event passed the pci subsystem filter"
	fail=1
fi
[ $fail = 0 ] && echo "ok - libudev received the mdev event and filtered the pci one"
exit $fail
