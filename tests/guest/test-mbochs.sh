#!/bin/bash
# A real guest uses an mbochs device through mdevd's vfio-user server:
# lspci shows 1234:1111, the guest's stock bochs DRM driver binds it and
# fbcon's fbdev appears; QEMU maps the framebuffer from mdevd's memfd (no
# message per pixel); fbcon draws a text line in reverse video, and the
# host's PNG screenshot (<uuid>.screen) shows exactly that band (pixel rows
# 304-319 all #aaaaaa, the row above not). Environment (meson): MDEVD, WRITEFILE, KIT, FS_TESTS.
set -euo pipefail
. "$FS_TESTS/lib.sh"
. "$(dirname "$0")/lib.sh"
KIT_MODULES=bochs "$KIT" initramfs "$GUEST/guest-mbochs.sh" "$T/mbochs.img"

printf '{"parents": [{"driver": "mbochs"}]}\n' >"$T/hw.json"
start_mdevd --hardware "$T/hw.json"
U=5b9e5e77-0d41-4c5e-9d2b-4e2f1c0a0b00
create "$(typedir mbochs mbochs-small)" "$U"
DIR=$ROOT/run/mdevd/vfio-user
[ -S "$DIR/$U.sock" ] && [ -S "$DIR/$U.screen" ] || fail "no sockets for $U"
expect "a screenshot before any mode is set" "$(python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(len(s.recv(10)))' "$DIR/$U.screen")" "0"
ok "sockets: $U.sock and $U.screen; no mode set: an empty answer"

boot_until "$T/boot.log" "CHECK drew" "$T/mbochs.img" "$DIR/$U.sock" || true
grep -q "CHECK drew" "$T/boot.log" || { cat "$T/boot.log"; fail "the guest did not draw"; }
grep "^CHECK" "$T/boot.log"
grep -q "memfd:mbochs-vram" "/proc/$QEMU/maps" || fail "QEMU did not map the framebuffer region"
ok "QEMU maps the framebuffer from mdevd's memfd (not trapped)"
grep -q "^CHECK lspci 1234:1111" "$T/boot.log" || fail "lspci does not show 1234:1111"
grep -q "^CHECK driver bochs-drm" "$T/boot.log" || fail "the bochs driver did not bind"
grep -q "^CHECK fb bochs-drmdrmfb" "$T/boot.log" || fail "no bochs fbdev"
ok "guest: lspci 1234:1111, bochs-drm bound, fbdev up"
sleep 1
screenshot "$DIR/$U.screen" "$T/screen.png"
python3 "$GUEST/check-png.py" "$T/screen.png" 304 320 0xaa 0xaa 0xaa ||
	{ cat "$T/boot.log"; fail "the screenshot does not show what the guest drew"; }
ok "the host's PNG shows what fbcon drew (rows 304-319 #aaaaaa)"
kill -KILL $QEMU
wait $QEMU 2>/dev/null || true
QEMU=
