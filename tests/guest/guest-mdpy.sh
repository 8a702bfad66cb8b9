# Runs inside the guest (kit.sh initramfs): the mdpy device's checks, one
# "CHECK" line each, then one white pixel row (8) written into its
# framebuffer through BAR0 (devmem: Debian's kernel has no mdpy-fb driver,
# so nothing else claims the BAR) for the host's screenshot.
lspci -nn | grep '\[1b36:000f\]' && echo "CHECK lspci 1b36:000f"
dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x1b36:0x000f" ] && dev=$d
done
[ -n "$dev" ] || { echo "CHECK no device"; exit 1; }
# The vendor capability at 0x40: id 09, then format, width, height (LE).
cap=$(od -A n -t x1 -j 64 -N 16 "$dev/config" | tr -d ' \n')
echo "CHECK cap $cap"
w=$(od -A n -t u4 -j 72 -N 4 "$dev/config" | tr -d ' ')
h=$(od -A n -t u4 -j 76 -N 4 "$dev/config" | tr -d ' ')
echo "CHECK mode ${w}x$h"
base=$(($(cut -d' ' -f1 "$dev/resource" | head -n 1)))
echo "CHECK bar0 $(printf '%x' $base)"
stride=$((w * 4))
# devmem maps /dev/mem (read/write of it stop at the end of RAM on x86):
# one white row, 8 bytes a write.
a=$((base + 8 * stride))
end=$((a + stride))
while [ $a -lt $end ] && devmem $a 64 0xffffffffffffffff; do
	a=$((a + 8))
done
[ $a -eq $end ] && echo "CHECK drew"
sleep 60
