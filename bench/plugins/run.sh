#!/bin/bash
# What loading driver plugins costs mdevd's start-up (docs/driver-api.md):
# in one run, alternately, mdevd starts on ten parents of ten plugins
# (bench/plugins: the example driver as bench0..bench9) and on ten parents
# of a built-in driver (mtty, the same shape: one pool, two types); the
# time is from exec until mdevd reports the tree mounted (it returns).
# Prints both medians, their difference and ratio; fails when the plugins
# add 10 ms or more.
#
#   bench/plugins/run.sh [RUNS]     (default 21)
# Environment: BUILD (default build-bench, buildtype=release).
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$REPO/build-bench}
RUNS=${1:-21}
if [ -z "${MDEVD_BENCH_NS:-}" ]; then
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" "$REPO" --buildtype=release >/dev/null
	fi
	ninja -C "$BUILD" src/fs/mdevd $(for i in $(seq 0 9); do echo bench/plugins/bench$i.so; done) >/dev/null
	export MDEVD_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

MDEVD=$BUILD/src/fs/mdevd
T=$(mktemp -d "${TMPDIR:-/tmp}/plugin-bench.XXXXXX")
cleanup() {
	umount -l "$T/root/sys" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/root"

hw_file() { # DRIVER-PATTERN → ten parents
	local i sep=
	printf '{"parents": ['
	for i in $(seq 0 9); do
		printf '%s{"driver": "%s", "name": "p%d"}' "$sep" "$(printf "$1" "$i")" "$i"
		sep=', '
	done
	printf ']}\n'
}
hw_file 'bench%d' >"$T/plugins.json"
hw_file 'mtty' >"$T/builtin.json"

# start_ns HW: one start-up in nanoseconds; the daemon is stopped after.
start_ns() {
	local t0 t1 out pid
	t0=$(date +%s%N)
	out=$("$MDEVD" --reset --state "$T/state" --driver-dir "$BUILD/bench/plugins" \
		--hardware "$1" "$T/root")
	t1=$(date +%s%N)
	pid=$(echo "$out" | sed -n 's/.*(pid \([0-9]*\))$/\1/p')
	kill -TERM "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
	echo $((t1 - t0))
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

start_ns "$T/plugins.json" >/dev/null # warm the page cache
: >"$T/with"
: >"$T/without"
for _ in $(seq 1 "$RUNS"); do
	start_ns "$T/builtin.json" >>"$T/without"
	start_ns "$T/plugins.json" >>"$T/with"
done
without=$(median <"$T/without")
with=$(median <"$T/with")
awk -v a="$without" -v b="$with" -v n="$RUNS" 'BEGIN {
	printf "mdevd start-up, median of %d: 10 built-in parents %.2f ms, 10 plugin parents %.2f ms\n", n, a / 1e6, b / 1e6
	printf "plugins add %.2f ms (ratio %.3f); limit 10 ms: %s\n", (b - a) / 1e6, b / a, (b - a < 10e6) ? "PASS" : "FAIL"
	exit (b - a < 10e6) ? 0 : 1
}'
