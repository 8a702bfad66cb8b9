#!/bin/bash
# Every file of the demo tree: names, contents, modes, link targets, and
# the files a device brings and takes away.
set -eu
. "$(dirname "$0")/lib.sh"

start_mdevd

# mode PATH WANT (stat without following links)
mode() {
	expect "mode of ${1#$SYS/}" "$(stat -c %a "$1")" "$2"
}
# content PATH WANT
content() {
	expect "content of ${1#$SYS/}" "$(cat "$1")" "$2"
}
# link PATH TARGET: exact relative target that resolves inside ROOT/sys
link() {
	expect "target of ${1#$SYS/}" "$(readlink "$1")" "$2"
	local real
	real=$(readlink -f "$1")
	case $real in
	"$SYS"/*) ;;
	*) fail "${1#$SYS/} resolves outside the tree: $real" ;;
	esac
	[ -e "$real" ] || fail "${1#$SYS/} -> $2 does not resolve"
}

# --- skeleton and parents
for d in class class/mdev_bus bus bus/mdev bus/mdev/devices \
	bus/mdev/drivers/vfio_mdev bus/pci/devices bus/pci/drivers/i915 \
	bus/pci/drivers/nvidia kernel/iommu_groups devices; do
	[ -d "$SYS/$d" ] || fail "missing directory $d"
	mode "$SYS/$d" 755
done
expect "parents" "$(ls "$SYS/class/mdev_bus" | tr '\n' ' ')" \
	"0000:00:02.0 0000:65:00.0 matrix mtty "
link "$SYS/class/mdev_bus/0000:00:02.0" ../../devices/pci0000:00/0000:00:02.0
link "$SYS/class/mdev_bus/0000:65:00.0" ../../devices/pci0000:65/0000:65:00.0
link "$SYS/class/mdev_bus/mtty" ../../devices/virtual/mtty/mtty
link "$SYS/class/mdev_bus/matrix" ../../devices/vfio_ap/matrix
link "$SYS/bus/pci/devices/0000:00:02.0" ../../../devices/pci0000:00/0000:00:02.0
link "$SYS/bus/pci/devices/0000:65:00.0" ../../../devices/pci0000:65/0000:65:00.0
mode "$SYS/class/mdev_bus/mtty" 777
ok "skeleton and parent links"

# --- a PCI parent directory (NVIDIA T4 defaults from docs/hardware.md)
P=$SYS/devices/pci0000:65/0000:65:00.0
content "$P/vendor" 0x10de
content "$P/device" 0x1eb8
content "$P/class" 0x030200
content "$P/subsystem_vendor" 0x10de
content "$P/subsystem_device" 0x12a2
content "$P/numa_node" -1
for f in vendor device class subsystem_vendor subsystem_device numa_node; do
	mode "$P/$f" 444
done
mode "$P/mdev_destroy" 200
mode "$P/uevent" 644
mode "$P/config" 644
link "$P/subsystem" ../../../bus/pci
link "$P/driver" ../../../bus/pci/drivers/nvidia
# PCI parents without an iommu_group share group 0 (mdevs get groups from 1 on).
link "$P/iommu_group" ../../../kernel/iommu_groups/0
expect "group 0 members" "$(ls "$SYS/kernel/iommu_groups/0/devices" | tr '\n' ' ')" \
	"0000:00:02.0 0000:65:00.0 "
link "$SYS/kernel/iommu_groups/0/devices/0000:65:00.0" \
	../../../../devices/pci0000:65/0000:65:00.0
[ ! -e "$SYS/devices/virtual/mtty/mtty/iommu_group" ] || fail "mtty has an iommu_group"
content "$P/uevent" "DRIVER=nvidia
PCI_CLASS=30200
PCI_ID=10DE:1EB8
PCI_SUBSYS_ID=10DE:12A2
PCI_SLOT_NAME=0000:65:00.0
MODALIAS=pci:v000010DEd00001EB8sv000010DEsd000012A2bc03sc02i00"
expect "config size" "$(wc -c <"$P/config")" 4096
cfg=$(od -A n -t x1 -N 64 -v "$P/config" | tr -s ' \n' ' ')
# vendor 10de, device 1eb8 (little endian), status bit 4 = capability list
expect "config ids" "$(echo "$cfg" | cut -d' ' -f2-5)" "de 10 b8 1e"
expect "config status" "$(echo "$cfg" | cut -d' ' -f8)" "10"
expect "config class" "$(echo "$cfg" | cut -d' ' -f11-13)" "00 02 03"
expect "config cap ptr" "$(echo "$cfg" | cut -d' ' -f54)" "40"
expect "PCIe cap id" "$(od -A n -t x1 -j 64 -N 1 "$P/config" | tr -d ' ')" "10"
ok "PCI parent files, uevent and config space"

# --- type directories
T4=$P/mdev_supported_types/nvidia-231
expect "nvidia-231 files" "$(ls "$T4" | tr '\n' ' ')" \
	"available_instances class create description device_api devices fb_length heads max_instances name params requires_group resolution "
content "$T4/name" "GRID T4-2Q"
content "$T4/description" "num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=5120x2880, max_instance=8"
content "$T4/device_api" vfio-pci
content "$T4/available_instances" 8
content "$T4/max_instances" 8
content "$T4/requires_group" 0
expect "params" "$(od -c "$T4/params" | head -1)" "0000000  \\n"
content "$T4/class" gpu
content "$T4/fb_length" 2048M
content "$T4/resolution" 5120x2880
content "$T4/heads" 4
mode "$T4/create" 200
mode "$T4/devices" 755
for f in name description device_api available_instances max_instances \
	requires_group params class fb_length resolution heads; do
	mode "$T4/$f" 444
done
expect "every file ends with one newline" \
	"$(tail -c 1 "$T4/name" | od -A n -c | tr -d ' ')" '\n'

G=$SYS/class/mdev_bus/0000:00:02.0/mdev_supported_types
expect "GVT-g types" "$(ls "$G" | tr '\n' ' ')" \
	"i915-GVTg_V5_1 i915-GVTg_V5_2 i915-GVTg_V5_4 i915-GVTg_V5_8 "
content "$G/i915-GVTg_V5_4/name" GVTg_V5_4
# The kernel's text, ending with exactly one newline.
expect "GVT-g description" "$(od -A n -c "$G/i915-GVTg_V5_4/description" | tr -d ' \n')" \
	'low_gm_size:128MB\nhigh_gm_size:512MB\nfence:4\nresolution:1920x1200\nweight:4\n'
content "$G/i915-GVTg_V5_8/description" "low_gm_size: 64MB
high_gm_size: 384MB
fence: 4
resolution: 1024x768
weight: 2"
[ ! -e "$G/i915-GVTg_V5_4/class" ] || fail "GVT-g type has a class file"
[ ! -e "$G/i915-GVTg_V5_4/fb_length" ] || fail "GVT-g type has class attrs"
expect "GVT-g available" "$(avails 0000:00:02.0 i915-GVTg_V5_8 i915-GVTg_V5_4 i915-GVTg_V5_2 i915-GVTg_V5_1)" 8/4/2/1

M=$SYS/class/mdev_bus/mtty/mdev_supported_types
content "$M/mtty-1/name" "Single port serial"
content "$M/mtty-2/name" "Dual port serial"
[ ! -e "$M/mtty-1/description" ] || fail "mtty type has a description"
expect "mtty available" "$(avails mtty mtty-1 mtty-2)" 24/12
link "$SYS/devices/virtual/mtty/mtty/subsystem" ../../../../class/mtty
link "$SYS/class/mtty/mtty" ../../devices/virtual/mtty/mtty
content "$SYS/devices/virtual/mtty/mtty/uevent" ""

A=$SYS/class/mdev_bus/matrix/mdev_supported_types/vfio_ap-passthrough
content "$A/name" "VFIO AP Passthrough Device"
content "$A/device_api" vfio-ap
content "$A/available_instances" 65536
content "$SYS/devices/vfio_ap/matrix/uevent" DRIVER=vfio_ap
link "$SYS/devices/vfio_ap/matrix/subsystem" ../../../bus/matrix
ok "type directories (nvidia, GVT-g, mtty, vfio_ap)"

# --- a device and everything that points at it
U=5b8e1a0c-3f4d-4e6a-9b2c-1d2e3f405162
create "$T4" "$U"
D=$P/$U
[ -d "$D" ] || fail "device directory missing"
mode "$D" 755
expect "device files" "$(ls "$D" | tr '\n' ' ')" \
	"driver iommu_group mdev_type nvidia remove subsystem uevent "
mode "$D/remove" 200
mode "$D/uevent" 644
mode "$D/nvidia" 755
mode "$D/nvidia/vgpu_params" 644
content "$D/uevent" "DRIVER=vfio_mdev
MDEV_TYPE=nvidia-231"
link "$D/mdev_type" ../mdev_supported_types/nvidia-231
link "$D/subsystem" ../../../../bus/mdev
link "$D/driver" ../../../../bus/mdev/drivers/vfio_mdev
group=$(basename "$(readlink "$D/iommu_group")")
link "$D/iommu_group" "../../../../kernel/iommu_groups/$group"
link "$SYS/bus/mdev/devices/$U" "../../../devices/pci0000:65/0000:65:00.0/$U"
link "$T4/devices/$U" "../../../$U"
link "$SYS/kernel/iommu_groups/$group/devices/$U" \
	"../../../../devices/pci0000:65/0000:65:00.0/$U"
expect "bus listing" "$(ls "$SYS/bus/mdev/devices")" "$U"
expect "type devices listing" "$(ls "$T4/devices")" "$U"
expect "groups listing" "$(ls "$SYS/kernel/iommu_groups" | tr '\n' ' ')" "0 $group "
expect "remove through the bus link" "$(readlink -f "$SYS/bus/mdev/devices/$U/remove")" "$D/remove"
content "$T4/available_instances" 7
ok "device directory, links, iommu group"

# A second device gets its own group.
U2=5b8e1a0c-3f4d-4e6a-9b2c-1d2e3f405163
create "$T4" "$U2"
g2=$(basename "$(readlink "$P/$U2/iommu_group")")
[ "$g2" != "$group" ] || fail "two devices share iommu group $group"
expect "groups" "$(ls "$SYS/kernel/iommu_groups" | sort -n | tr '\n' ' ')" \
	"$(printf '%s\n' 0 "$group" "$g2" | sort -n | tr '\n' ' ')"

# Removal takes everything with it.
expect "remove" "$(echo 1 | wr "$D/remove")" "OK 2"
for p in "$D" "$SYS/bus/mdev/devices/$U" "$T4/devices/$U" \
	"$SYS/kernel/iommu_groups/$group"; do
	[ ! -e "$p" ] && [ ! -L "$p" ] || fail "${p#$SYS/} still there after remove"
done
expect "bus listing after remove" "$(ls "$SYS/bus/mdev/devices")" "$U2"
content "$T4/available_instances" 7
ok "remove takes the device, its links and its group"

stop_mdevd
ok "SIGTERM unmounts"
