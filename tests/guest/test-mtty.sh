#!/bin/bash
# A real guest uses an mtty-2 device through mdevd's vfio-user server
# (tests/guest/kit.sh: Debian 13's kernel under QEMU 11's TCG):
#  1. boot A: QEMU attaches; a second client is refused (EBUSY) while it is
#     attached; QEMU is killed (SIGKILL) mid-run;
#  2. boot B: a new QEMU attaches the same device: lspci shows 4348:3253,
#     8250_pci ("serial") claims ttyS1 and ttyS2, a line goes each way
#     between each port and its host end, and the device's INTx counts
#     interrupts in /proc/interrupts; an NVIDIA and a GVT-g type's devices,
#     attached too, show their parents' PCI identities.
# Environment (meson): MDEVD, WRITEFILE, KIT, FS_TESTS, VFU_PROBE.
set -euo pipefail
. "$FS_TESTS/lib.sh"

if ! KROOT=$("$KIT" root 2>"$T/kit.log"); then
	cat "$T/kit.log" >&2
	[ -z "${CI:-}" ] || fail "cannot build the guest root"
	echo "SKIP: cannot build the guest root (above)"
	exit 77
fi
GUEST=$(dirname "$0")
"$KIT" initramfs "$GUEST/guest-mtty.sh" "$T/mtty.img"
printf 'echo "CHECK attached"\nsleep 120\n' >"$T/idle.sh"
"$KIT" initramfs "$T/idle.sh" "$T/idle.img"

start_mdevd
U=5b9e5e77-0d41-4c5e-9d2b-4e2f1c0a0002
create "$(typedir mtty mtty-2)" "$U"
SOCK=$ROOT/run/mdevd/vfio-user/$U.sock
[ -S "$SOCK" ] || fail "no socket at $SOCK"
ok "the device's socket is $SOCK"
NV=5b9e5e77-0d41-4c5e-9d2b-4e2f1c0a0003
GVT=5b9e5e77-0d41-4c5e-9d2b-4e2f1c0a0004
create "$(typedir 0000:65:00.0 nvidia-222)" "$NV"
create "$(typedir 0000:00:02.0 i915-GVTg_V5_8)" "$GVT"

# Boot A, killed once the guest runs.
"$KIT" run "$T/idle.img" "$SOCK" >"$T/bootA.log" 2>&1 &
QEMU=$!
for _ in $(seq 1 600); do
	grep -q "CHECK attached" "$T/bootA.log" && break
	kill -0 $QEMU 2>/dev/null || break
	sleep 0.1
done
grep -q "CHECK attached" "$T/bootA.log" || { cat "$T/bootA.log"; fail "boot A did not reach its test"; }
expect "a second client" "$("$VFU_PROBE" version "$SOCK")" "error EBUSY"
ok "a second client is refused while QEMU is attached"
kill -KILL $QEMU
wait $QEMU 2>/dev/null || true
expect "the device after QEMU was killed" "$(cat "$SYS/bus/mdev/devices/$U/mdev_type/name")" "Dual port serial"
expect "a client after QEMU was killed" "$("$VFU_PROBE" version "$SOCK")" "version 0.0"
ok "QEMU killed mid-run: the device stays and takes a new client"

# Boot B: the whole check, with both host ends connected first.
python3 "$GUEST/host-end.py" 90 "$ROOT/run/mdevd/vfio-user/$U.tty0" \
	"$ROOT/run/mdevd/vfio-user/$U.tty1" >"$T/host.log" 2>&1 &
HOST=$!
for _ in $(seq 1 100); do
	grep -q connected "$T/host.log" && break
	sleep 0.05
done
start=$(date +%s.%N)
timeout 120 "$KIT" run "$T/mtty.img" "$SOCK" \
	"$ROOT/run/mdevd/vfio-user/$NV.sock" "$ROOT/run/mdevd/vfio-user/$GVT.sock" >"$T/bootB.log" 2>&1 || { cat "$T/bootB.log"; fail "boot B: QEMU failed"; }
echo "# boot B took $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?') s"
wait $HOST || { cat "$T/host.log" "$T/bootB.log"; fail "the host ends did not hear both ports"; }
cat "$T/host.log"
check() {
	grep -q "^CHECK $1" "$T/bootB.log" || { cat "$T/bootB.log"; fail "guest: no 'CHECK $1'"; }
	ok "guest: $1"
}
check "lspci 4348:3253"
check "lspci nvidia"
check "lspci gvt-g"
grep "^CHECK lspci" "$T/bootB.log"
check "driver serial"
check "port ttyS1"
check "port ttyS2"
check "read ttyS1 to-guest-1"
check "read ttyS2 to-guest-2"
irqs=$(sed -n 's/^CHECK irq *[0-9]*: *\([0-9]*\) .*/\1/p' "$T/bootB.log" | tail -n 1)
[ -n "$irqs" ] && [ "$irqs" -gt 0 ] || { cat "$T/bootB.log"; fail "no interrupts counted for the device ($irqs)"; }
ok "guest: $irqs interrupts on the device's INTx"
grep -q "kit: test exit 0" "$T/bootB.log" || fail "the guest's test did not finish"
stop_mdevd
[ ! -e "$SOCK" ] || fail "$SOCK left after mdevd stopped"
ok "sockets removed when mdevd stops"
