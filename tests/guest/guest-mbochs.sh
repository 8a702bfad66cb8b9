# Runs inside the guest (kit.sh initramfs, KIT_MODULES=bochs): the mbochs
# device's checks, one "CHECK" line each, then a known picture drawn by
# fbcon for the host's screenshot. (Bytes written to /dev/fb0 stay in the
# DRM fbdev's shadow buffer here: 6.12's bochs fbdev did not flush them to
# the framebuffer within seconds; fbcon's drawing is flushed at once.)
for i in $(seq 1 100); do
	[ -e /dev/fb0 ] && break
	sleep 0.1
done
lspci -nn | grep '\[1234:1111\]' && echo "CHECK lspci 1234:1111"
d=$(grep -l 0x1111 /sys/bus/pci/devices/*/device | head -n 1)
echo "CHECK driver $(basename "$(readlink "$(dirname "$d")/driver")")"
echo "CHECK fb $(cat /sys/class/graphics/fb0/name) $(cat /sys/class/graphics/fb0/virtual_size) stride $(cat /sys/class/graphics/fb0/stride)"
# fbcon draws: text line 20 (pixel rows 304-319 with the 8x16 font) in
# reverse video, so every pixel of it is the foreground colour.
printf '\033[?25l\033[2J\033[20;1H\033[7m%100s\033[0m' ' ' >/dev/tty1
sleep 1
echo "CHECK drew"
sleep 60
