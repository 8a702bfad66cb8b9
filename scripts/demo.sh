#!/bin/sh
# The main job: install what is missing, build, and serve hardware (by
# default the embedded demo: one GVT-g GPU, one NVIDIA GPU, mtty, vfio_ap) as
# a sysfs tree at ROOT/sys, in the foreground until Ctrl-C.
#
#   ./scripts/demo.sh [--hardware FILE] [--state DIR] [--reset] [--allow-other] [ROOT]
#
# The options are mdevd's (mdevd --help); ROOT defaults to ./run/demo in the
# checkout. Relative paths are taken from the directory demo.sh was started
# in. ROOT gets the store mdevctl needs (ROOT/etc/mdevctl.d/scripts.d).
set -eu
die() {
	echo "demo.sh: $*" >&2
	exit 2
}
usage() {
	sed -n 's/^#   //p' "$0"
}
here=$(pwd)
absolute() {
	case $1 in
	/*) echo "$1" ;;
	*) echo "$here/$1" ;;
	esac
}

# Rebuilds "$@" as mdevd's options (paths made absolute) and takes ROOT out.
root=
hardware=
n=$#
while [ "$n" -gt 0 ]; do
	a=$1
	shift
	n=$((n - 1))
	case $a in
	--hardware | --state)
		[ "$n" -gt 0 ] || die "$a needs a value (see --help)"
		v=$(absolute "$1")
		shift
		n=$((n - 1))
		[ "$a" = --state ] || hardware=$v
		set -- "$@" "$a" "$v"
		;;
	--hardware=* | --state=*)
		v=$(absolute "${a#*=}")
		[ "${a%%=*}" = --state ] || hardware=$v
		set -- "$@" "${a%%=*}" "$v"
		;;
	--reset | --allow-other)
		set -- "$@" "$a"
		;;
	-h | --help)
		usage
		exit 0
		;;
	-*)
		die "unknown option '$a' (see --help)"
		;;
	*)
		[ -z "$root" ] || die "one ROOT only ('$root' and '$a')"
		root=$(absolute "$a")
		;;
	esac
done

cd "$(dirname "$0")/.."
./scripts/install-deps.sh || die "cannot install the build dependencies (see above)"
if [ ! -f build/build.ninja ]; then
	meson setup build -Dtests=disabled >/dev/null || die "meson setup build failed"
fi
ninja -C build >/dev/null || die "build failed (run: ninja -C build)"
root=${root:-$PWD/run/demo}
# mdevctl (ours and upstream) needs its store and callout directories.
mkdir -p "$root/etc/mdevctl.d/scripts.d/callouts" "$root/etc/mdevctl.d/scripts.d/notifiers" ||
	die "cannot create the store under $root"
root=$(cd "$root" && pwd)
if [ -n "$hardware" ]; then
	what=$hardware
	try="cat $root/sys/class/mdev_bus/*/mdev_supported_types/*/available_instances"
else
	what="the demo hardware"
	gvt=$root/sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4
	try="cat $gvt/available_instances
    echo \$(uuidgen) > $gvt/create"
fi
cat <<MSG
mdevd: serving $what at $root/sys (Ctrl-C stops and unmounts)
  try, in another shell:
    $try
    ls $root/sys/bus/mdev/devices
    MDEVCTL_ENV_ROOT=$root $PWD/build/src/ctl/mdevctl list
MSG
exec ./build/src/fs/mdevd -f "$@" "$root"
