#!/bin/bash
# Pool arithmetic and policies seen through the tree: GVT-g types mixing on
# one GPU, NVIDIA's one-type-per-GPU, mtty ports, mbochs megabytes, mdpy's
# and vfio_ccw's framework counters. Numbers are the kernel drivers'
# (docs/hardware.md); each expectation is worked out in the comments.
set -eu
. "$(dirname "$0")/lib.sh"

start_mdevd --hardware "$FS_TESTS/pools.json"
n=0
# mk PARENT TYPE WANT
mk() {
	local u
	n=$((n + 1))
	u=$(uuid_n "$n")
	expect "create $2 on $1" "$(printf '%s\n' "$u" | wr "$(typedir "$1" "$2")/create")" "$3"
	LAST=$u
}

# --- GVT-g: pools low GM 512 MB, high GM 3072 MB, 32 fences.
GV="i915-GVTg_V5_8 i915-GVTg_V5_4 i915-GVTg_V5_2 i915-GVTg_V5_1"
expect "GVT-g fresh" "$(avails 0000:00:02.0 $GV)" 8/4/2/1
mk 0000:00:02.0 i915-GVTg_V5_4 "OK 37"
first_x4=$LAST
mk 0000:00:02.0 i915-GVTg_V5_4 "OK 37"
# left: low 256, high 2048, fences 24 → x8 min(4,5,6)=4, x4 min(2,4,6)=2,
# x2 min(1,2,6)=1, x1 min(0,1,6)=0
expect "GVT-g after 2 x4" "$(avails 0000:00:02.0 $GV)" 4/2/1/0
mk 0000:00:02.0 i915-GVTg_V5_1 ENOSPC
mk 0000:00:02.0 i915-GVTg_V5_2 "OK 37"
# low GM exhausted: nothing fits
expect "GVT-g after + x2" "$(avails 0000:00:02.0 $GV)" 0/0/0/0
mk 0000:00:02.0 i915-GVTg_V5_8 ENOSPC
echo 1 >"$SYS/bus/mdev/devices/$first_x4/remove"
# low 128 → x8 2, x4 1, x2 0, x1 0
expect "GVT-g after removing one x4" "$(avails 0000:00:02.0 $GV)" 2/1/0/0
mk 0000:00:02.0 i915-GVTg_V5_8 "OK 37"
mk 0000:00:02.0 i915-GVTg_V5_8 "OK 37"
expect "GVT-g full with x8+x8+x4+x2" "$(avails 0000:00:02.0 $GV)" 0/0/0/0
expect "GVT-g devices" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 4
ok "GVT-g: mixed types share one GPU's pools"

# --- NVIDIA T4: fb 16384 MB, homogeneous.
NV="nvidia-222 nvidia-223 nvidia-230 nvidia-231 nvidia-232 nvidia-233 nvidia-234"
expect "T4 fresh" "$(avails 0000:65:00.0 $NV)" 16/8/16/8/4/2/1
mk 0000:65:00.0 nvidia-232 "OK 37"
t4=$LAST
expect "T4 after one 4Q" "$(avails 0000:65:00.0 $NV)" 0/0/0/0/3/0/0
mk 0000:65:00.0 nvidia-231 EUSERS
mk 0000:65:00.0 nvidia-234 EUSERS
for i in 1 2 3; do mk 0000:65:00.0 nvidia-232 "OK 37"; done
expect "T4 full of 4Q" "$(avails 0000:65:00.0 $NV)" 0/0/0/0/0/0/0
# max_instances (4) is reached together with the pool: the framework's
# counter answers first.
mk 0000:65:00.0 nvidia-232 EUSERS
for u in $(ls "$(typedir 0000:65:00.0 nvidia-232)/devices"); do
	echo 1 >"$SYS/bus/mdev/devices/$u/remove"
done
expect "T4 empty again" "$(avails 0000:65:00.0 $NV)" 16/8/16/8/4/2/1
mk 0000:65:00.0 nvidia-234 "OK 37"
expect "T4 after one 16Q" "$(avails 0000:65:00.0 $NV)" 0/0/0/0/0/0/0
ok "NVIDIA: one type per GPU (EUSERS), max_instances"

# --- mtty: 24 ports; mtty-1 takes 1, mtty-2 takes 2.
expect "mtty fresh" "$(avails mtty mtty-1 mtty-2)" 24/12
for i in $(seq 1 10); do mk mtty mtty-1 "OK 37"; done
expect "mtty after 10 single" "$(avails mtty mtty-1 mtty-2)" 14/7
for i in $(seq 1 7); do mk mtty mtty-2 "OK 37"; done
dual=$LAST
expect "mtty full" "$(avails mtty mtty-1 mtty-2)" 0/0
mk mtty mtty-1 ENOSPC
echo 1 >"$SYS/bus/mdev/devices/$dual/remove"
expect "mtty after removing a dual" "$(avails mtty mtty-1 mtty-2)" 2/1
ok "mtty: 24-port pool"

# --- mbochs: 256 MB; small 4, medium 16, large 64.
MB="mbochs-small mbochs-medium mbochs-large"
expect "mbochs fresh" "$(avails mbochs $MB)" 64/16/4
mk mbochs mbochs-large "OK 37"
expect "mbochs after large" "$(avails mbochs $MB)" 48/12/3
for i in 1 2 3; do mk mbochs mbochs-medium "OK 37"; done
# 256 - 64 - 48 = 144 MB
expect "mbochs after 3 medium" "$(avails mbochs $MB)" 36/9/2
mk mbochs mbochs-large "OK 37"
mk mbochs mbochs-large "OK 37"
# 16 MB left
expect "mbochs nearly full" "$(avails mbochs $MB)" 4/1/0
mk mbochs mbochs-large ENOSPC
ok "mbochs: 256 MB pool"

# --- mdpy: the framework counter, 4 devices over all three types.
MD="mdpy-vga mdpy-xga mdpy-hd"
expect "mdpy fresh" "$(avails mdpy $MD)" 4/4/4
mk mdpy mdpy-vga "OK 37"
mk mdpy mdpy-hd "OK 37"
expect "mdpy after 2" "$(avails mdpy $MD)" 2/2/2
mk mdpy mdpy-xga "OK 37"
mk mdpy mdpy-xga "OK 37"
mk mdpy mdpy-vga EUSERS
ok "mdpy: 4-device framework counter (EUSERS)"

# --- vfio_ccw: one instance.
mk 0.0.0313 vfio_ccw-io "OK 37"
mk 0.0.0313 vfio_ccw-io EUSERS
content_of=$(cat "$(typedir 0.0.0313 vfio_ccw-io)/name")
expect "vfio_ccw name" "$content_of" "I/O subchannel (Non-QDIO)"
ok "vfio_ccw: one instance"

stop_mdevd
