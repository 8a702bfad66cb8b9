#!/bin/bash
# Per-device attribute files: NVIDIA's nvidia/vgpu_params (rw, in a group
# directory), vfio_ap's assign_* / matrix, mtty's read-only file.
set -eu
. "$(dirname "$0")/lib.sh"

start_mdevd
U=9a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3
create "$(typedir 0000:65:00.0 nvidia-222)" "$U"
D=$SYS/bus/mdev/devices/$U
expect "vgpu_params default" "$(od -A n -c "$D/nvidia/vgpu_params" | tr -d ' ')" '\n'
echo "frame_rate_limiter=0" >"$D/nvidia/vgpu_params"
expect "vgpu_params after echo" "$(cat "$D/nvidia/vgpu_params")" "frame_rate_limiter=0"
expect "one newline" "$(wc -c <"$D/nvidia/vgpu_params")" 21
printf 'a=1, b=2' | wr "$D/nvidia/vgpu_params" >/dev/null
expect "vgpu_params after printf" "$(cat "$D/nvidia/vgpu_params")" "a=1, b=2"
expect "a page is too long" "$(head -c 4096 /dev/zero | tr '\0' x | wr "$D/nvidia/vgpu_params")" EINVAL
expect "value unchanged" "$(cat "$D/nvidia/vgpu_params")" "a=1, b=2"
expect "4095 bytes fit" "$(head -c 4095 /dev/zero | tr '\0' y | wr "$D/nvidia/vgpu_params")" "OK 4095"
expect "long value read back" "$(wc -c <"$D/nvidia/vgpu_params")" 4096
# Read in small pieces: sysfs formats at offset 0 and serves slices.
expect "sliced read" "$(dd if="$D/nvidia/vgpu_params" bs=100 2>/dev/null | wc -c)" 4096
expect "group dir listing" "$(ls "$D/nvidia")" vgpu_params
ok "nvidia/vgpu_params: store strips one newline, page limit, sliced reads"

# mtty: a read-only file with the device's UUID.
M=0c1d2e3f-4051-4627-8839-4a5b6c7d8e9f
create "$(typedir mtty mtty-1)" "$M"
expect "sample_mdev_dev" "$(cat "$SYS/bus/mdev/devices/$M/vendor/sample_mdev_dev")" "This is MDEV $M"
expect "its mode" "$(stat -c %a "$SYS/bus/mdev/devices/$M/vendor/sample_mdev_dev")" 444
ok "mtty vendor/sample_mdev_dev"

# vfio_ap: a matrix of adapters x domains.
A=$(typedir matrix vfio_ap-passthrough)
V1=1a2b3c4d-0000-4000-8000-000000000001
V2=1a2b3c4d-0000-4000-8000-000000000002
create "$A" "$V1"
create "$A" "$V2"
X=$SYS/bus/mdev/devices/$V1
for f in assign_adapter unassign_adapter assign_domain unassign_domain \
	assign_control_domain unassign_control_domain; do
	expect "mode of $f" "$(stat -c %a "$X/$f")" 200
done
expect "mode of matrix" "$(stat -c %a "$X/matrix")" 444
expect "empty matrix" "$(cat "$X/matrix")" ""
echo 5 >"$X/assign_adapter"
expect "adapter only" "$(cat "$X/matrix")" "05."
echo 0x1f >"$X/assign_domain"
echo 020 >"$X/assign_domain"
expect "matrix" "$(cat "$X/matrix")" "05.0010
05.001f"
expect "unparsable" "$(echo zz | wr "$X/assign_adapter")" EINVAL
expect "out of range" "$(echo 256 | wr "$X/assign_adapter")" ENODEV
expect "read of write-only" "$(cat "$X/assign_adapter" 2>&1 | sed 's/.*: //')" "Permission denied"
Y=$SYS/bus/mdev/devices/$V2
echo 5 >"$Y/assign_adapter"
echo 6 >"$Y/assign_domain"
# Each device's matrix is its own (docs/hardware.md: no cross-device
# EADDRINUSE, so journal replay rebuilds it exactly).
expect "second matrix" "$(cat "$Y/matrix")" "05.0006"
expect "first matrix unchanged" "$(cat "$X/matrix")" "05.0010
05.001f"
echo 0x10 >"$X/unassign_domain"
expect "after unassign" "$(cat "$X/matrix")" "05.001f"
ok "vfio_ap: assign/unassign, matrix per device, EINVAL/ENODEV"

stop_mdevd
