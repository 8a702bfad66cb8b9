#!/bin/bash
# A real guest uses an mdpy device (the kernel sample's display) through
# mdevd's vfio-user server: lspci shows 1b36:000f, config space holds the
# sample's vendor capability (XRGB8888, the type's width and height), QEMU
# maps the framebuffer from mdevd's memfd, and what the guest writes into
# BAR0 (pixel row 8, white) is what the host's PNG (<uuid>.screen)
# shows. Environment (meson): MDEVD, WRITEFILE, KIT, FS_TESTS.
set -euo pipefail
. "$FS_TESTS/lib.sh"
. "$(dirname "$0")/lib.sh"
"$KIT" initramfs "$GUEST/guest-mdpy.sh" "$T/mdpy.img"
printf '{"parents": [{"driver": "mdpy"}]}\n' >"$T/hw.json"
start_mdevd --hardware "$T/hw.json"
U=5b9e5e77-0d41-4c5e-9d2b-4e2f1c0a0d00
create "$(typedir mdpy mdpy-vga)" "$U"
DIR=$ROOT/run/mdevd/vfio-user
[ -S "$DIR/$U.sock" ] && [ -S "$DIR/$U.screen" ] || fail "no sockets for $U"
screenshot "$DIR/$U.screen" "$T/before.png"
! python3 "$GUEST/check-png.py" "$T/before.png" 8 9 0xff 0xff 0xff >/dev/null ||
	fail "the framebuffer is white before the guest ran"
ok "sockets $U.sock and $U.screen; a fresh framebuffer is black"

boot_until "$T/boot.log" "CHECK drew" "$T/mdpy.img" "$DIR/$U.sock" || true
sed -i 's/\r$//' "$T/boot.log" # the serial console's line ends
grep "^CHECK" "$T/boot.log" || true
grep -q "CHECK drew" "$T/boot.log" || { cat "$T/boot.log"; fail "the guest did not draw"; }
grep -q "^CHECK lspci 1b36:000f" "$T/boot.log" || fail "lspci does not show 1b36:000f"
ok "guest: lspci 1b36:000f"
# id 09, next 00, length 10, pad; 'XR24'; 640; 480 (little-endian).
grep -q "^CHECK cap 090010005852323480020000e0010000$" "$T/boot.log" || fail "the vendor capability is not the sample's"
grep -q "^CHECK mode 640x480$" "$T/boot.log" || fail "the guest reads no 640x480 mode"
ok "guest: the vendor capability says XRGB8888 640x480"
grep -q "memfd:mdpy-fb" "/proc/$QEMU/maps" || fail "QEMU did not map the framebuffer region"
ok "QEMU maps the framebuffer from mdevd's memfd (not trapped)"
screenshot "$DIR/$U.screen" "$T/screen.png"
python3 "$GUEST/check-png.py" "$T/screen.png" 8 9 0xff 0xff 0xff ||
	{ cat "$T/boot.log"; fail "the screenshot does not show what the guest wrote"; }
ok "the host's PNG shows what the guest wrote (row 8 white, row 7 not)"
kill -KILL $QEMU
wait $QEMU 2>/dev/null || true
QEMU=
stop_mdevd
