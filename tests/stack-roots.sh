#!/bin/sh
# The Debian roots that the current-stack tests (libvirt 11.3/12.9, Nova 31,
# Debian 13's mdevctl 1.4.0) run from, each defined once here so that every
# test naming a root builds and caches the same one. Sourced; needs $top
# (the checkout). Prints the root's path (scripts/debian-root.sh).
#
#   trixie-mdevctl      Debian 13: mdevctl 1.4.0 only (small)
#   trixie-stack        Debian 13: libvirt 11.3 with its node-device and
#                       QEMU drivers, mdevctl 1.4.0, Nova 31, QEMU 11
#                       (trixie-backports: vfio-user-pci) - one root for
#                       the libvirt, Nova and libvirt-VM tests
#   trixie-bpo-libvirt  Debian 13 + trixie-backports: libvirt 12.9, mdevctl
#   bookworm-nova       Debian 12: the same with Nova 26, libvirt 9.0
#                       (python3-nova pulls ~200 packages; a root keeps
#                       them off the host; libvirt-daemon-system for
#                       /etc/libvirt/qemu.conf, not in the QEMU driver's
#                       package in Debian 12)
stack_root() {
	case $1 in
	trixie-mdevctl)
		set -- trixie-mdevctl trixie mdevctl
		;;
	trixie-stack)
		set -- trixie-stack trixie mdevctl libvirt-daemon \
			libvirt-daemon-driver-nodedev libvirt-daemon-driver-qemu \
			libvirt-clients python3-libvirt python3-nova \
			--backports qemu-system-x86
		;;
	trixie-bpo-libvirt)
		set -- trixie-bpo-libvirt trixie mdevctl --backports \
			libvirt-daemon libvirt-daemon-driver-nodedev \
			libvirt-clients
		;;
	bookworm-nova)
		set -- bookworm-nova bookworm python3-nova python3-libvirt \
			libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients \
			qemu-system-x86 libvirt-daemon-system
		;;
	*)
		echo "stack_root: unknown root '$1'" >&2
		return 1
		;;
	esac
	"$top/scripts/debian-root.sh" "$@"
}
