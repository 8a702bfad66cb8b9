#!/bin/bash
# OpenStack Nova's libvirt driver, unmodified, on mdevkit: Debian 13's
# Nova 31 (libvirt 11.3, our mdevctl in 1.4 mode) or Debian 12's Nova 26
# (libvirt 9.0, our mdevctl in 1.2 mode), each from its own cached Debian
# root (tests/stack-roots.sh) run with mdev-sandbox --userland
# --libvirt-qemu: libvirt's QEMU driver holds the guests that Nova reads
# its mdev assignments from (defined, never started).
#
#   test-nova.sh 31|26           PCI-only hardware (hw-pci.json): inventory,
#                                placement tree, allocation, creation; a
#                                reboot; Nova's restart of persistent mdevs
#   test-nova.sh 31|26 nonpci    an mtty, then a vfio_ap parent beside a GPU
#                                (hw-nonpci-*.json): Nova still crashes
#                                (docs/nova.md, "Client bugs"); fails once
#                                Nova is fixed, so that we notice
#
# The checks themselves are in nova-mdev.py. Skips (77) when the root
# cannot be built or the machine cannot give the sandbox private mounts;
# under CI=1 those are failures. Env: MDEV_SANDBOX (meson).
set -eu
: "${MDEV_SANDBOX:?}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
version=${1:?usage: test-nova.sh 31|26 [nonpci]}
mode=${2:-pci}

skip() {
	[ -z "${CI:-}" ] || { echo "FAIL: $1 (CI must run every test)"; exit 1; }
	echo "SKIP: $1"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "needs root"
. "$top/tests/lib-env.sh"
if why=$(private_mounts_unavailable); then skip "$why"; fi
. "$top/tests/stack-roots.sh"

case $version in
31) root_name=trixie-stack compat=1.4 ;;
26) root_name=bookworm-nova compat=1.2 ;;
*)
	echo "test-nova.sh: version must be 31 or 26, not '$version'" >&2
	exit 2
	;;
esac

t0=$(date +%s)
root=$(stack_root "$root_name") || skip "cannot build the $root_name root (scripts/debian-root.sh, above)"
echo "# root $root ready in $(($(date +%s) - t0)) s"

work=$(mktemp -d /tmp/mdev-nova.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The sandbox binds /tmp and the current directory into the root at the
# same paths, so the driver script and its state file are seen inside.
cp "$here/nova-mdev.py" "$work/"
cd "$work"

# One type per parent, as Nova wants: two NVIDIA GPUs (totals 16 and 8)
# and a PCI FPGA modelled by the json driver, reported under its own
# resource class. The store and libvirt's guest definitions (in ROOT's
# overlay) survive between boots.
types=(--type nvidia-230=0000:65:00.0 --type nvidia-231=0000:66:00.0
	--type acme_fpga-slot=0000:3b:00.0=CUSTOM_ACME_FPGA)

# boot HARDWARE STATE PHASE ARGS...: one boot of the machine: a sandbox
# on ROOT ($work/root: the mdevctl store survives between boots) whose
# mdevd journal is STATE (a new one is a reboot: no mdevs are left, then
# mdevctl start-parent-mdevs runs for each parent as the udev rule does).
boot() {
	local hw=$1 state=$2 phase=$3 rc=0 t
	shift 3
	t=$(date +%s%N)
	MDEVCTL_COMPAT=$compat timeout 300 "$MDEV_SANDBOX" --userland "$root" \
		--libvirt-qemu --hardware "$hw" --root "$work/root" \
		--state "$work/$state" -- \
		python3 "$work/nova-mdev.py" "$phase" --state "$work/state.json" \
		--uri qemu:///system "$@" || rc=$?
	echo "# $phase on $(basename "$hw"): $((($(date +%s%N) - t) / 1000000)) ms, exit $rc"
	if [ $rc != 0 ] && [ -f "$work/root/libvirt/libvirtd.log" ]; then
		echo "# libvirtd.log (last lines):"
		tail -n 20 "$work/root/libvirt/libvirtd.log" | sed 's/^/#   /'
	fi
	return $rc
}

if [ "$mode" = pci ]; then
	boot "$here/hw-pci.json" boot1 create "${types[@]}"
	boot "$here/hw-pci.json" boot2 reboot "${types[@]}"
	exit 0
fi

[ "$mode" = nonpci ] || { echo "test-nova.sh: mode must be nonpci, not '$mode'" >&2; exit 2; }
rc=0
for hw in "$here"/hw-nonpci-*.json; do
	# A new machine each time: nothing carries over.
	rm -rf "$work/root" "$work/nonpci"
	boot "$hw" nonpci crash --type nvidia-230=0000:65:00.0 || rc=1
done
exit $rc
