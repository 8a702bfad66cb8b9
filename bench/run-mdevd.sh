#!/bin/bash
# mdevd's benchmark (docs/mdevd.md): an optimized build, then in a private
# mount namespace nullfs (the floor: a minimal single-threaded libfuse file
# system) and mdevd on a json parent with room for 200,000 devices, and
# bench/mdevd-bench against both in the same run.
#
#   bench/run-mdevd.sh [CYCLES [DEVICES]]     (defaults 2000, 100000)
# Environment: BUILD (default build-bench, created with buildtype=release);
# RT=1 runs the three processes SCHED_FIFO (chrt -f 10) so that other load
# on the machine does not land between a request and its reply.
# RUN_TMPFS=1 (the default) mounts a tmpfs at ROOT/run, as /run is on a
# systemd host: the vfio-user sockets live under it, and on a disk file
# system their bind/rename/unlink wait on the journal while other
# processes write (measured 1.7x to 3.5x per cycle on ext4 under load,
# 1.7x on tmpfs); RUN_TMPFS=0 keeps it on TMPDIR's file system.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build-bench}
if [ -z "${MDEVD_BENCH_NS:-}" ]; then
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" "$REPO" --buildtype=release >/dev/null
	fi
	ninja -C "$BUILD" src/fs/mdevd bench/nullfs bench/mdevd-bench >/dev/null
	export MDEVD_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

RUN=
[ "${RT:-0}" = 1 ] && RUN="chrt -f 10"
T=$(mktemp -d "${TMPDIR:-/tmp}/mdevd-bench.XXXXXX")
NULLPID=
MDEVD_PID=
cleanup() {
	[ -n "$MDEVD_PID" ] && kill -TERM "$MDEVD_PID" 2>/dev/null
	[ -n "$NULLPID" ] && kill -TERM "$NULLPID" 2>/dev/null
	sleep 0.5
	umount -l "$T/root/sys" 2>/dev/null || true
	umount -l "$T/root/run" 2>/dev/null || true
	umount -l "$T/null" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

cat >"$T/hw.json" <<'J'
{"parents": [{"driver": "json", "name": "0000:3b:00.0",
  "driver_name": "nvidia", "pools": {"slots": 200000},
  "types": [{"id": "bench-1", "cost": {"slots": 1},
             "max_instances": 200000}]}]}
J
mkdir -p "$T/null" "$T/root/run"
RUN_FS="$(stat -f -c %T "$T")"
if [ "${RUN_TMPFS:-1}" = 1 ]; then
	mount -t tmpfs -o mode=0755 mdevd-bench-run "$T/root/run"
	RUN_FS=tmpfs
fi
$RUN "$BUILD/bench/nullfs" "$T/null" &
NULLPID=$!
out=$($RUN "$BUILD/src/fs/mdevd" --hardware "$T/hw.json" --state "$T/state" "$T/root")
MDEVD_PID=$(echo "$out" | sed -n 's/.*(pid \([0-9]*\))$/\1/p')
for i in $(seq 1 100); do
	[ -e "$T/null/null" ] && break
	sleep 0.05
done
echo "mdevd-bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)," \
	"ROOT/run on $RUN_FS, mdevd's fd limit" \
	"$(awk '/^Max open files/ {print $4}' "/proc/$MDEVD_PID/limits")"
$RUN "$BUILD/bench/mdevd-bench" "$T/root/sys" \
	"$T/root/sys/class/mdev_bus/0000:3b:00.0/mdev_supported_types/bench-1" \
	"$T/null/null" "$MDEVD_PID" "$@"
