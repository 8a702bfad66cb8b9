# Sourced (bash): builds a static tree laid out as the kernel lays out real
# hosts under $H (sys/ and etc/mdevctl.d): an NVIDIA T4 with nvidia-22x
# types and a live vGPU (nvidia/vgpu_params), a GVT-g GPU with a device,
# vfio_ap's matrix and the mtty sample. Plain files stand in for sysfs
# attributes. Needs H; sets S (= $H/sys), V and G (the two devices' UUIDs).
# Used by tests/fs/test-record-hosts.sh and tests/libvirt's record test.
S=$H/sys
mkdir -p "$S/class/mdev_bus" "$S/bus/mdev/devices" "$S/bus/pci/drivers/nvidia" \
	"$S/bus/pci/drivers/i915" "$S/kernel/iommu_groups" "$S/class/mtty" \
	"$H/etc/mdevctl.d/scripts.d/callouts" "$H/etc/mdevctl.d/scripts.d/notifiers"
put() { # FILE VALUE (printf %b)
	mkdir -p "$(dirname "$1")"
	printf '%b\n' "$2" >"$1"
}
parent() { # DEVPATH NAME SUBSYSTEM-TARGET [DRIVER-TARGET]
	local d=$S/devices/$1
	mkdir -p "$d/mdev_supported_types"
	ln -s "../../devices/$1" "$S/class/mdev_bus/$2"
	ln -s "$3" "$d/subsystem"
	[ -z "${4:-}" ] || ln -s "$4" "$d/driver"
}
pci() { # DEVPATH VENDOR DEVICE SVENDOR SDEVICE CLASS NUMA GROUP
	local d=$S/devices/$1
	put "$d/vendor" "$2"; put "$d/device" "$3"
	put "$d/subsystem_vendor" "$4"; put "$d/subsystem_device" "$5"
	put "$d/class" "$6"; put "$d/revision" 0xa1; put "$d/numa_node" "$7"
	mkdir -p "$S/kernel/iommu_groups/$8"
	ln -s "../../../kernel/iommu_groups/$8" "$d/iommu_group"
}
mtype() { # DEVPATH ID NAME AVAIL API DESCRIPTION
	local t=$S/devices/$1/mdev_supported_types/$2
	mkdir -p "$t/devices"
	put "$t/name" "$3"; put "$t/available_instances" "$4"
	put "$t/device_api" "$5"
	[ -z "$6" ] || put "$t/description" "$6"
	: >"$t/create"
}
mdev() { # DEVPATH TYPE UUID GROUP
	local d=$S/devices/$1/$3
	mkdir -p "$d"
	ln -s "../mdev_supported_types/$2" "$d/mdev_type"
	ln -s "../../../$3" "$S/devices/$1/mdev_supported_types/$2/devices/$3"
	ln -s "../../../devices/$1/$3" "$S/bus/mdev/devices/$3"
	mkdir -p "$S/kernel/iommu_groups/$4"
	ln -s "../../../../kernel/iommu_groups/$4" "$d/iommu_group"
	: >"$d/remove"
	chmod 0200 "$d/remove"
}

T4=pci0000:3b/0000:3b:00.0
parent $T4 0000:3b:00.0 ../../../bus/pci ../../../bus/pci/drivers/nvidia
pci $T4 0x10de 0x1eb8 0x10de 0x12a2 0x030200 0 25
for spec in "222|GRID T4-1B|15|1024M, max_resolution=5120x2880, max_instance=16" \
	"223|GRID T4-2B|0|2048M, max_resolution=5120x2880, max_instance=8" \
	"230|GRID T4-1Q|0|1024M, max_resolution=5120x2880, max_instance=16" \
	"234|GRID T4-16Q|0|16384M, max_resolution=7680x4320, max_instance=1"; do
	IFS='|' read -r n name avail fb <<<"$spec"
	mtype $T4 nvidia-$n "$name" "$avail" vfio-pci \
		"num_heads=4, frl_config=60, framebuffer=$fb"
done
V=2f1b9c1e-7a3d-4c55-9e0a-0c8f7e1d2a01
mdev $T4 nvidia-222 $V 26
put "$S/devices/$T4/$V/nvidia/vgpu_params" "frame_rate_limiter=0"
chmod 0644 "$S/devices/$T4/$V/nvidia/vgpu_params"

GVT=pci0000:00/0000:00:02.0
parent $GVT 0000:00:02.0 ../../../bus/pci ../../../bus/pci/drivers/i915
pci $GVT 0x8086 0x3e92 0x8086 0x2212 0x030000 -1 0
mtype $GVT i915-GVTg_V5_4 GVTg_V5_4 1 vfio-pci \
	"low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4"
mtype $GVT i915-GVTg_V5_8 GVTg_V5_8 2 vfio-pci \
	"low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: 1024x768\nweight: 2"
G=5d9f1c2b-3e4a-4b6c-8d7e-9f0a1b2c3d4e
mdev $GVT i915-GVTg_V5_4 $G 3

mkdir -p "$S/bus/matrix/drivers/vfio_ap"
parent vfio_ap/matrix matrix ../../../bus/matrix ../../../bus/matrix/drivers/vfio_ap
mtype vfio_ap/matrix vfio_ap-passthrough "VFIO AP Passthrough Device" 65535 vfio-ap ""

parent virtual/mtty/mtty mtty ../../../../class/mtty
mtype virtual/mtty/mtty mtty-1 "Single port serial" 24 vfio-pci ""
mtype virtual/mtty/mtty mtty-2 "Dual port serial" 12 vfio-pci ""
mkdir -p "$H/etc/mdevctl.d/0000:3b:00.0"
printf '{"mdev_type":"nvidia-222","start":"auto","attrs":[]}' \
	>"$H/etc/mdevctl.d/0000:3b:00.0/$V"

