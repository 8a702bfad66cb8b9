#!/bin/bash
# Unmodified libvirt starts a VM with one of our mdevs (the issue's
# stretch): Debian 13's libvirt 11.3 and its QEMU driver, run by
# mdev-sandbox --userland --libvirt-qemu, defines and starts a domain whose
# XML has <hostdev mode='subsystem' type='mdev' model='vfio-pci'> for an
# mtty-2 device and <emulator>/run/mdev-sandbox/bin/mdev-qemu</emulator>;
# QEMU 11 gets the device over vfio-user (mdev-qemu rewrites libvirt's
# vfio-pci,sysfsdev=...). The guest (tests/guest/kit.sh's kernel and
# busybox, guest-mtty.sh) sees 4348:3253, 8250 claims both ports, a line
# goes each way between each port and its host end, INTx is counted; then
# it powers off, libvirt sees the domain shut off, and the device is still
# active with its socket listening. docs/sandbox.md says what the sandbox
# provides for it and why.
# Environment (meson): MDEV_SANDBOX, KIT.
set -euo pipefail
: "${MDEV_SANDBOX:?}" "${KIT:?}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
top=$(cd "$(dirname "$0")/../.." && pwd)
GUEST=$top/tests/guest
. "$top/tests/lib-env.sh"
. "$top/tests/stack-roots.sh"
require_private_mounts
skip_or_fail() {
	[ -z "${CI:-}" ] || { echo "FAIL: $*"; exit 1; }
	echo "SKIP: $*"
	exit 77
}
T=$(mktemp -d /tmp/mdev-libvirt-vm.XXXXXX)
SBX=
trap 'rc=$?; [ -z "$SBX" ] || kill "$SBX" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; exit $rc' EXIT
VMROOT=$(stack_root trixie-stack 2>"$T/root.log") || { cat "$T/root.log"; skip_or_fail "no Debian 13 root with libvirt's QEMU driver"; }
KROOT=$("$KIT" root 2>"$T/kit.log") || { cat "$T/kit.log"; skip_or_fail "no guest root"; }
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; exit 1; }

# The guest: guest-mtty.sh's checks, then power off at once (its closing
# sleep waits for a host that removes the device).
sed '/^sleep [0-9]*$/d' "$GUEST/guest-mtty.sh" >"$T/guest.sh"
"$KIT" initramfs "$T/guest.sh" "$T/guest.img"
cp "$(ls "$KROOT"/boot/vmlinuz-* | head -n 1)" "$T/vmlinuz"
U=6c0ffee0-1b2c-4d3e-8f40-5a6b7c8d9e0f
# libvirt raises QEMU's RLIMIT_MEMLOCK for any VFIO device (guest RAM +
# 1 GiB), which needs CAP_SYS_RESOURCE; where the machine withholds it (as
# this test host does) a hard_limit no higher than the current one keeps
# libvirt from trying.
memtune=
if (( ((0x$(awk '/^CapEff/ { print $2 }' /proc/self/status)) >> 24 & 1) == 0 )); then
	memtune="<memtune><hard_limit unit='KiB'>$(ulimit -Hl)</hard_limit></memtune>"
	echo "# no CAP_SYS_RESOURCE: $memtune"
fi
# emulatorpin: without it libvirt reads the host's online CPUs from
# /sys/devices/system/cpu, which mdevd's tree does not have. acpi: so that
# the guest can power off.
cat >"$T/vm.xml" <<XML
<domain type='qemu'>
  <name>mdevkit-vm</name>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static' cpuset='0'>1</vcpu>
  <cputune><emulatorpin cpuset='0'/></cputune>
  $memtune
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$T/vmlinuz</kernel>
    <initrd>$T/guest.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 no_timer_check</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>/run/mdev-sandbox/bin/mdev-qemu</emulator>
    <serial type='file'><source path='$T/console.log'/><target port='0'/></serial>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source><address uuid='$U'/></source>
    </hostdev>
  </devices>
</domain>
XML

# Inside the sandbox (Debian 13's userland): create the device, wait for
# the host ends, run the domain, record what libvirt says.
cat >"$T/inside.sh" <<EOF
set -u
cd "$T"
mdevctl start -p mtty -t mtty-2 -u $U || exit 10
touch created
for _ in \$(seq 100); do [ -e host-ready ] && break; sleep 0.1; done
virsh version >version.txt 2>&1
virsh define vm.xml >define.txt 2>&1 || { cat define.txt; exit 11; }
start=\$(date +%s.%N)
virsh start mdevkit-vm >start.txt 2>&1 || { cat start.txt /var/log/libvirt/qemu/mdevkit-vm.log; exit 12; }
virsh dumpxml mdevkit-vm >live.xml
for _ in \$(seq 600); do
	[ "\$(virsh domstate mdevkit-vm)" = "shut off" ] && break
	sleep 0.2
done
echo "\$(date +%s.%N) - \$start" >ran.txt
virsh domstate mdevkit-vm >state.txt
cp /var/log/libvirt/qemu/mdevkit-vm.log qemu.log
virsh nodedev-info mdev_\$(echo $U | tr - _)_mtty >nodedev.txt 2>&1
test -S /run/mdevd/vfio-user/$U.sock && echo yes >socket-after.txt
EOF
(cd "$T" && MDEVCTL_COMPAT=1.4 "$MDEV_SANDBOX" --root "$T/sbx" --userland "$VMROOT" \
	--libvirt-qemu -- bash "$T/inside.sh" >"$T/sandbox.log" 2>&1) &
SBX=$!
for _ in $(seq 600); do
	[ -e "$T/created" ] && break
	kill -0 $SBX 2>/dev/null || break
	sleep 0.1
done
[ -e "$T/created" ] || { cat "$T/sandbox.log"; fail "the sandbox did not create the device"; }
ok "mdev-sandbox --userland (Debian 13) --libvirt-qemu: mtty-2 device created"
python3 "$GUEST/host-end.py" 120 "$T/sbx/run/mdevd/vfio-user/$U.tty0" \
	"$T/sbx/run/mdevd/vfio-user/$U.tty1" >"$T/host.log" 2>&1 &
HOST=$!
for _ in $(seq 100); do grep -q connected "$T/host.log" && break; sleep 0.05; done
touch "$T/host-ready"
rc=0
wait $SBX || rc=$?
SBX=
echo "# $(head -n 3 "$T/version.txt" | tr '\n' ' ')"
[ $rc = 0 ] || { cat "$T/sandbox.log" "$T/console.log" 2>/dev/null; fail "inside the sandbox: status $rc"; }
grep -q "started" "$T/start.txt" || fail "virsh start: $(cat "$T/start.txt")"
ok "unmodified libvirt 11.3 started the domain ($(cat "$T/start.txt"))"
grep -q "type='mdev'" "$T/live.xml" || fail "the live domain has no mdev hostdev"
grep -q '"driver":"vfio-user-pci".*'"$U"'.sock' "$T/qemu.log" ||
	{ cat "$T/qemu.log"; fail "QEMU was not given the device's vfio-user socket"; }
ok "mdev-qemu gave QEMU vfio-user-pci on $U.sock for libvirt's vfio-pci,sysfsdev"
check() {
	grep -q "^CHECK $1" "$T/console.log" || { cat "$T/console.log"; fail "guest: no 'CHECK $1'"; }
	ok "guest: $1"
}
check "lspci 4348:3253"
check "driver serial"
check "port ttyS1"
check "port ttyS2"
check "read ttyS1 to-guest-1"
check "read ttyS2 to-guest-2"
wait $HOST || { cat "$T/host.log"; fail "the host ends did not hear both ports"; }
ok "the host ends heard from-guest-1 and from-guest-2"
irqs=$(sed -n 's/^CHECK irq *[0-9]*: *\([0-9]*\) .*/\1/p' "$T/console.log" | tail -n 1)
[ -n "$irqs" ] && [ "$irqs" -gt 0 ] || fail "no interrupts counted ($irqs)"
ok "guest: $irqs interrupts on the device's INTx"
[ "$(tr -d '\n' <"$T/state.txt")" = "shut off" ] || fail "domain state after power-off: $(cat "$T/state.txt")"
ok "the guest powered off and libvirt saw the domain shut off ($(awk "BEGIN { print $(cat "$T/ran.txt") }") s after start)"
grep -q "Active: *yes" "$T/nodedev.txt" || { cat "$T/nodedev.txt"; fail "libvirt does not show the mdev active after the VM"; }
[ "$(cat "$T/socket-after.txt" 2>/dev/null)" = yes ] || fail "the device's socket is gone after the VM"
ok "after the VM the mdev is still active in libvirt and its socket still listens"
echo "1..$n"
