#!/bin/sh
# The guest test kit: a Debian 13 root with QEMU 11 (trixie-backports), a
# guest kernel and busybox, cached by scripts/debian-root.sh; an initramfs
# whose /init runs one test script and powers off; QEMU (TCG) started from
# the root with vfio-user devices attached.
#
#   kit.sh root                        prints the root (builds it once)
#   kit.sh initramfs SCRIPT OUT        builds OUT (gzip'd cpio) for SCRIPT
#   kit.sh run INITRAMFS SOCKET...     boots it with one vfio-user-pci device
#                                      per SOCKET (QEMU ids dev0, dev1, ...);
#                                      the guest's console is stdout; exits
#                                      when the guest powers off
#   kit.sh hotplug QMP SOCKET ID       hot-plugs SOCKET (a file in the run's
#                                      KIT_HOTPLUG_DIR) into the running
#                                      QEMU whose QMP socket is QMP
#   kit.sh unplug QMP ID               asks that QEMU to unplug device ID
#                                      (QMP device_del; the guest ejects it)
#
# The guest's test script runs as root with /proc, /sys and /dev mounted,
# busybox's applets and pciutils' lspci on PATH; its console is ttyS0, so
# the PCI serial ports of an mtty device are ttyS1, ttyS2. QEMU runs inside
# a private mount namespace in which each SOCKET's directory is bound into
# the root; KIT_QEMU_ARGS adds arguments, KIT_MEM sets the memory (256M).
# KIT_FILES (initramfs): host files (static programs) put in the guest's /bin.
# KIT_MODULES (initramfs): the guest kernel's modules (and what they
# depend on) that /init loads before the test ("bochs").
# KIT_QMP (run): a host path for QEMU's QMP socket; KIT_HOTPLUG_DIR (run):
# a directory bound into the root for sockets hot-plugged later.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

die() {
	echo "kit.sh: $*" >&2
	exit 1
}

kit_root() {
	"$top/scripts/debian-root.sh" trixie-guest trixie linux-image-amd64 \
		busybox-static pciutils pci.ids --backports qemu-system-x86
}

# copy_bin ROOT DEST FILE: FILE and the libraries it loads, from ROOT.
copy_bin() {
	for f in "$3" $(chroot "$1" ldd "$3" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		mkdir -p "$2$(dirname "$f")"
		cp -L "$1$f" "$2$f"
	done
}

kit_initramfs() {
	[ -f "$1" ] || die "test script '$1' not found"
	root=$(kit_root)
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	t=$work/t
	mkdir -p "$t/bin" "$t/proc" "$t/sys" "$t/dev" "$t/tmp" "$t/usr/share/misc"
	cp "$root/bin/busybox" "$t/bin/busybox"
	copy_bin "$root" "$t" /usr/bin/lspci
	cp "$root/usr/share/misc/pci.ids" "$t/usr/share/misc/"
	cp "$1" "$t/test.sh"
	for f in ${KIT_FILES:-}; do
		cp "$f" "$t/bin/" || die "KIT_FILES: cannot copy '$f'"
	done
	: >"$t/modules"
	if [ -n "${KIT_MODULES:-}" ]; then
		kver=$(ls "$root/lib/modules" | head -n 1)
		mkdir -p "$t/lib/modules"
		for m in $KIT_MODULES; do
			chroot "$root" modprobe -S "$kver" --show-depends "$m" ||
				die "no module '$m' in the guest kernel"
		done | sed -n 's/^insmod \([^ ]*\).*/\1/p' | awk '!seen[$0]++' |
			while read -r ko; do
				base=$(basename "$ko" .xz)
				xz -dc "$root$ko" >"$t/lib/modules/$base"
				echo "/lib/modules/$base" >>"$t/modules"
			done
	fi
	cat >"$t/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r ko; do insmod "$ko"; done </modules
echo "kit: test start"
sh /test.sh
echo "kit: test exit $?"
poweroff -f
INIT
	chmod 755 "$t/init" "$t/test.sh"
	(cd "$t" && find . | "$root/bin/busybox" cpio -o -H newc) 2>/dev/null | gzip -1 >"$2.tmp"
	mv "$2.tmp" "$2"
}

kit_run() {
	initrd=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	shift
	[ -f "$initrd" ] || die "initramfs '$initrd' not found"
	root=$(kit_root)
	kernel=$(ls "$root"/boot/vmlinuz-* | head -n 1)
	[ -n "$kernel" ] || die "no kernel in $root/boot"
	devs="" binds="" i=0
	for s in "$@"; do
		[ -S "$s" ] || die "'$s' is not a socket"
		d=$(cd "$(dirname "$s")" && pwd)
		binds="$binds $d"
		devs="$devs -device {\"driver\":\"vfio-user-pci\",\"id\":\"dev$i\",\"socket\":{\"path\":\"/mnt/kit$i/$(basename "$s")\",\"type\":\"unix\"}}"
		i=$((i + 1))
	done
	qmp_dir="" hp_dir=""
	if [ -n "${KIT_QMP:-}" ]; then
		qmp_dir=$(cd "$(dirname "$KIT_QMP")" && pwd)
		devs="$devs -qmp unix:/mnt/qmp/$(basename "$KIT_QMP"),server=on,wait=off"
	fi
	[ -z "${KIT_HOTPLUG_DIR:-}" ] || hp_dir=$(cd "$KIT_HOTPLUG_DIR" && pwd)
	# shellcheck disable=SC2086
	exec unshare -m --propagation private sh -eu -c '
		root=$1 kernel=$2 initrd=$3 devs=$4 qmp_dir=$5 hp_dir=$6
		shift 6
		if [ -n "$qmp_dir" ]; then
			mkdir -p "$root/mnt/qmp"
			mount --bind "$qmp_dir" "$root/mnt/qmp"
		fi
		if [ -n "$hp_dir" ]; then
			mkdir -p "$root/mnt/hotplug"
			mount --bind "$hp_dir" "$root/mnt/hotplug"
		fi
		i=0
		for d in "$@"; do
			mkdir -p "$root/mnt/kit$i"
			mount --bind "$d" "$root/mnt/kit$i"
			i=$((i + 1))
		done
		mkdir -p "$root/mnt/boot"
		mount --bind "$(dirname "$initrd")" "$root/mnt/boot"
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		# no_timer_check: a TCG guest on a busy host can miss the
		# kernel IO-APIC timer check and panic at boot (seen with
		# four guests on two cores).
		exec chroot "$root" qemu-system-x86_64 -accel tcg -m "${KIT_MEM:-256M}" \
			-nodefaults -display none -serial stdio -no-reboot \
			-kernel "/boot/$(basename "$kernel")" -initrd "/mnt/boot/$(basename "$initrd")" \
			-append "console=ttyS0 quiet panic=-1 no_timer_check" $devs ${KIT_QEMU_ARGS:-}
	' kit "$root" "$kernel" "$initrd" "$devs" "$qmp_dir" "$hp_dir" $binds
}

kit_hotplug() {
	[ -S "$1" ] || die "QMP socket '$1' not found"
	python3 "$here/qmp.py" "$1" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"vfio-user-pci\",\"id\":\"$3\",\"socket\":{\"path\":\"/mnt/hotplug/$(basename "$2")\",\"type\":\"unix\"}}}" >/dev/null
}

kit_unplug() {
	[ -S "$1" ] || die "QMP socket '$1' not found"
	python3 "$here/qmp.py" "$1" "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$2\"}}" >/dev/null
}

case ${1:-} in
root) kit_root ;;
unplug)
	[ $# -eq 3 ] || die "usage: kit.sh unplug QMP ID"
	kit_unplug "$2" "$3"
	;;
hotplug)
	[ $# -eq 4 ] || die "usage: kit.sh hotplug QMP SOCKET ID"
	kit_hotplug "$2" "$3" "$4"
	;;
initramfs)
	[ $# -eq 3 ] || die "usage: kit.sh initramfs SCRIPT OUT"
	kit_initramfs "$2" "$3"
	;;
run)
	[ $# -ge 2 ] || [ -n "${KIT_HOTPLUG_DIR:-}" ] || die "usage: kit.sh run INITRAMFS SOCKET..."
	shift
	kit_run "$@"
	;;
*) die "usage: kit.sh root | initramfs SCRIPT OUT | run INITRAMFS SOCKET... | hotplug QMP SOCKET ID | unplug QMP ID" ;;
esac
