#!/bin/bash
# mdevd --record on a large tree (docs/faults.md#recording-a-host): 100
# json parents x 4 types with 1,000 devices present at start (each with a
# writable attribute value), served by an optimized mdevd; the time of
# `mdevd --record` (median of 5). Goal: under 1 s. Also checks that the
# recording replays to the same recording.
#   bench/run-record.sh     Environment: BUILD (default build-bench)
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build-bench}
if [ -z "${RECORD_BENCH_NS:-}" ]; then
	[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$REPO" --buildtype=release >/dev/null
	ninja -C "$BUILD" src/fs/mdevd >/dev/null
	export RECORD_BENCH_NS=1
	exec unshare -m --propagation private "$0"
fi
MDEVD=$BUILD/src/fs/mdevd
T=$(mktemp -d "${TMPDIR:-/tmp}/record-bench.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.5
	umount -l "$T/a/sys" "$T/b/sys" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
awk 'BEGIN {
	printf "{\"parents\": ["
	for (p = 0; p < 100; p++) {
		printf "%s{\"name\": \"0000:%02x:00.0\", \"driver\": \"json\", \"driver_name\": \"acme\", \"types\": [", p ? ", " : "", p + 16
		for (t = 0; t < 4; t++)
			printf "%s{\"id\": \"acme-%d\", \"name\": \"Acme %d\", \"device_api\": \"vfio-pci\", \"max_instances\": 64, \"device_attrs\": {\"cfg\": {\"mode\": \"rw\", \"default\": \"\"}}}", t ? ", " : "", t, t
		printf "]}"
	}
	printf "],\n \"devices\": ["
	for (d = 0; d < 1000; d++)
		printf "%s{\"parent\": \"0000:%02x:00.0\", \"type\": \"acme-%d\", \"uuid\": \"%08x-0000-4000-8000-%012x\", \"attrs\": {\"cfg\": \"v%d\"}}", d ? ", " : "", (d % 100) + 16, int(d / 100) % 4, d + 1, d + 1, d
	printf "]}\n"
}' >"$T/hw.json"
start() {
	local out
	out=$("$MDEVD" --hardware "$1" --state "$T/$2/state" "$T/$2")
	PIDS="$PIDS $(echo "$out" | sed -n 's/.*(pid \([0-9]*\))$/\1/p')"
}
start "$T/hw.json" a
echo "record-bench: $(ls "$T/a/sys/class/mdev_bus" | wc -l) parents, $(ls "$T/a/sys/bus/mdev/devices" | wc -l) devices; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
times=
for i in 1 2 3 4 5; do
	s=$(date +%s%N)
	"$MDEVD" --record "$T/a/sys" >"$T/rec.json" 2>"$T/report"
	times="$times $((($(date +%s%N) - s) / 1000000))"
done
median=$(echo $times | tr ' ' '\n' | sort -n | sed -n 3p)
start "$T/rec.json" b
"$MDEVD" --record "$T/b/sys" >"$T/rec2.json" 2>/dev/null
cmp -s "$T/rec.json" "$T/rec2.json" && same=yes || same=NO
echo "record-bench: mdevd --record took$times ms: median $median ms (goal < 1000): $([ "$median" -lt 1000 ] && echo met || echo NOT met)"
echo "record-bench: $(wc -c <"$T/rec.json") bytes, $(grep -c "" "$T/report") report line(s) (e.g. $(head -n1 "$T/report")); replay records the same file: $same"
