#!/bin/sh
# The main job: install what is missing, build, and serve the embedded demo
# hardware (one GVT-g GPU, one NVIDIA GPU, mtty, vfio_ap) as a sysfs tree at
# ROOT/sys (default ./run/demo), in the foreground until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build -Dtests=disabled >/dev/null
fi
ninja -C build >/dev/null
root=${1:-$PWD/run/demo}
# mdevctl (ours and upstream) needs its store and callout directories.
mkdir -p "$root/etc/mdevctl.d/scripts.d/callouts" "$root/etc/mdevctl.d/scripts.d/notifiers"
root=$(cd "$root" && pwd)
gvt=$root/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4
cat <<MSG
mdevd: serving the demo hardware at $root/sys (Ctrl-C stops and unmounts)
  try, in another shell:
    cat $gvt/available_instances
    echo \$(uuidgen) > $gvt/create
    ls $root/sys/bus/mdev/devices
    MDEVCTL_ENV_ROOT=$root $PWD/build/src/ctl/mdevctl list
MSG
exec ./build/src/fs/mdevd -f "$root"
