#!/bin/bash
# Runs inside mdev-sandbox (see test-libvirt-faults.sh): Debian's libvirtd
# (node-device driver only) while mdevd's fault layer makes things go
# wrong, driven through mdevd --control.
# Env: MDEVD = mdevd (for --control), WORK = a scratch directory,
#      MDEV_SANDBOX_ROOT = the tree's root (set by mdev-sandbox).
set -eu
. "$(dirname "$0")/libvirt-lib.sh"
: "${MDEVD:?}" "${WORK:?}" "${MDEV_SANDBOX_ROOT:?}"

. "$(dirname "$0")/tap.sh"
ctl() { "$MDEVD" --control "$MDEV_SANDBOX_ROOT" "$@" >/dev/null; }
T=10
tree_has() { [ -e "/sys/bus/mdev/devices/$1" ]; }
ctl_active() { mdevctl list | grep -q "^$1 "; }
ctl_defined() { mdevctl list --defined | grep -q "^$1 "; }
lv_active() { vsh nodedev-list --cap mdev | grep -q "mdev_${1//-/_}"; }
lv_absent() { ! vsh nodedev-list --cap mdev --all | grep -q "mdev_${1//-/_}"; }
mdev_xml()
{
	printf "<device>\n  <parent>%s</parent>\n  <capability type='mdev'>\n" "$1"
	printf "    <type id='%s'/>\n    <uuid>%s</uuid>\n  </capability>\n</device>\n" "$2" "$3"
}

lv_start "$WORK/libvirt"
ok "libvirtd started"
mtty_node=$(lv_name_of_path /sys/devices/virtual/mtty/mtty)
check "libvirt knows the mtty parent ($mtty_node)" test -n "$mtty_node"

# --- nodedev-create while every create fails with EIO
ctl fail op=create errno=EIO
u=$(uuidgen)
mdev_xml "$mtty_node" mtty-1 "$u" >"$WORK/c.xml"
if vsh nodedev-create "$WORK/c.xml" >"$WORK/out" 2>&1; then
	not_ok "nodedev-create failed while creates fail with EIO"
else
	ok "nodedev-create failed while creates fail with EIO"
fi
echo "# libvirt said: $(tr '\n' ' ' <"$WORK/out")"
check "libvirt's error names the errno (Input/output error)" \
	grep -qi "input/output error" "$WORK/out"
check "nothing in the tree" eval '! tree_has '"$u"
check "nothing active or defined in mdevctl" eval '! ctl_active '"$u"' && ! ctl_defined '"$u"
check "nothing in libvirt" lv_absent "$u"
ctl clear
check "nodedev-create works once the fault is cleared" vsh nodedev-create "$WORK/c.xml"
check "... and libvirt shows the device" wait_until $T lv_active "$u"

# --- latency: a create that takes 1.5 s is waited for, not timed out
ctl delay op=create ms=1500
u2=$(uuidgen)
mdev_xml "$mtty_node" mtty-1 "$u2" >"$WORK/d.xml"
start=$(date +%s%N)
check "nodedev-create under a 1.5 s create latency" vsh nodedev-create "$WORK/d.xml"
ms=$((($(date +%s%N) - start) / 1000000))
echo "# nodedev-create took $ms ms"
check "it took at least the latency" test "$ms" -ge 1500
check "the device is in the tree" tree_has "$u2"
ctl clear

# --- surprise removal of a parent with a live device
gpu=0000:65:00.0
gpu_node=$(lv_name_of_path /sys/devices/pci0000:65/$gpu)
check "libvirt knows the NVIDIA parent ($gpu_node)" test -n "$gpu_node"
ug=$(uuidgen)
mdev_xml "$gpu_node" nvidia-230 "$ug" >"$WORK/g.xml"
check "nodedev-create on $gpu" vsh nodedev-create "$WORK/g.xml"
check "libvirt shows it" wait_until $T lv_active "$ug"
ctl unplug parent=$gpu
check "the parent left the tree" eval '! test -e /sys/class/mdev_bus/'"$gpu"
check "libvirt dropped $gpu_node" wait_until $T eval '! vsh nodedev-list | grep -qx '"$gpu_node"
check "libvirt dropped its live device" wait_until $T lv_absent "$ug"
check "the mtty device is untouched" lv_active "$u"
check "libvirtd still running" kill -0 "$(cat /run/libvirtd.pid)"

echo "1..$n"
if [ $failures -ne 0 ]; then
	echo "# $failures failed; libvirtd log tail:"
	tail -n 30 "$WORK/libvirt/libvirtd.log" | sed 's/^/#   /'
	exit 1
fi
