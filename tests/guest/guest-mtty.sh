# Runs inside the guest (kit.sh initramfs): the mtty-2 device's checks,
# one "CHECK" line each for the host to read from the console, and the
# GPU types' identities.
lspci -nn | grep -q '\[10de:1eb8\]' && echo "CHECK lspci nvidia $(lspci -nn | grep '\[10de:1eb8\]')"
lspci -nn | grep -q '\[8086:3e92\]' && echo "CHECK lspci gvt-g $(lspci -nn | grep '\[8086:3e92\]')"
dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x4348:0x3253" ] && dev=$d
done
lspci -nn | grep '\[4348:3253\]' && echo "CHECK lspci 4348:3253"
[ -n "$dev" ] || { echo "CHECK no device"; exit 1; }
echo "CHECK driver $(basename "$(readlink "$dev/driver")")"
irq=$(cat "$dev/irq")
for p in 1 2; do
	dmesg | grep -q "$(basename "$dev"): ttyS$p at I/O" && echo "CHECK port ttyS$p"
done
for p in 1 2; do
	stty -F /dev/ttyS$p raw -echo 115200
	(
		exec 3<>/dev/ttyS$p
		echo "from-guest-$p" >&3
		read -t 30 line <&3
		echo "CHECK read ttyS$p $line"
		echo "CHECK irq $(grep "^ *$irq:" /proc/interrupts)"
	)
done
# The host removes the device now, while QEMU has it (and unplugs it
# through QMP): the guest goes on.
echo "CHECK ports done"
sleep 90
