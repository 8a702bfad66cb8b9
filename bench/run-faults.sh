#!/bin/bash
# The fault layer's cost when no fault is configured (docs/faults.md):
# mdevd built from the commit before the fault layer (A) against this
# tree's mdevd (B), create+remove cycles alternating in blocks in the same
# run (bench/faults-ab). Goal: B/A <= 1.05.
#
#   bench/run-faults.sh                   (CYCLES=4000 per order)
# Environment: BASE = the "before" revision (default: the parent of the
# first commit that added src/faults); BUILD (default build-bench);
# BENCH_CACHE (default ~/.cache/mdevkit-bench) keeps the base build.
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build-bench}
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mdevkit-bench}
if [ -z "${FAULTS_BENCH_NS:-}" ]; then
	if [ -z "${BASE:-}" ]; then
		first=$(git -C "$REPO" rev-list --reverse HEAD -- src/faults | head -n1)
		[ -n "$first" ] || { echo "run-faults.sh: no src/faults in history; set BASE" >&2; exit 1; }
		BASE=$(git -C "$REPO" rev-parse "$first^")
	fi
	BASE=$(git -C "$REPO" rev-parse "$BASE")
	src=$CACHE/src-$BASE
	if [ ! -x "$CACHE/build-$BASE/src/fs/mdevd" ]; then
		rm -rf "$src" && mkdir -p "$src"
		git -C "$REPO" archive "$BASE" | tar -x -C "$src"
		meson setup "$CACHE/build-$BASE" "$src" --buildtype=release \
			-Dtests=disabled >/dev/null
		ninja -C "$CACHE/build-$BASE" src/fs/mdevd >/dev/null
	fi
	[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" "$REPO" --buildtype=release >/dev/null
	ninja -C "$BUILD" src/fs/mdevd bench/faults-ab >/dev/null
	export FAULTS_BENCH_NS=1 MDEVD_A=$CACHE/build-$BASE/src/fs/mdevd BASE
	exec unshare -m --propagation private "$0"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/faults-bench.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.5
	umount -l "$T/a/sys" "$T/b/sys" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
cat >"$T/hw.json" <<'J'
{"parents": [{"driver": "json", "name": "0000:3b:00.0",
  "driver_name": "nvidia", "pools": {"slots": 200000},
  "types": [{"id": "bench-1", "cost": {"slots": 1},
             "max_instances": 200000}]}]}
J
# Everything on one CPU: a FUSE round trip between two CPUs costs an
# idle CPU's wake-up, which lands on one daemon or the other by chance
# (measured: 10x apart between two identical binaries); on one CPU both
# pay the same same-CPU hand-off.
CPU=$(($(nproc) - 1))
start() {
	local out
	mkdir -p "$T/$2"
	out=$(taskset -c $CPU "$1" --hardware "$T/hw.json" --state "$T/$2/state" "$T/$2")
	PIDS="$PIDS $(echo "$out" | sed -n 's/.*(pid \([0-9]*\))$/\1/p')"
}
start "$MDEVD_A" a
start "$BUILD/src/fs/mdevd" b
P=sys/class/mdev_bus/0000:3b:00.0
echo "faults-ab: before = mdevd at ${BASE:0:12} (without the fault layer), after = this tree, no fault configured"
echo "faults-ab: $(nproc) CPUs (all on CPU $CPU), load $(cut -d' ' -f1-3 /proc/loadavg)"
ab() {
	taskset -c $CPU "$BUILD/bench/faults-ab" \
		"$T/$1/$P/mdev_supported_types/bench-1" "$T/$1/$P" \
		"$T/$2/$P/mdev_supported_types/bench-1" "$T/$2/$P" "${CYCLES:-4000}"
}
# Both orders, so neither tree is always the one measured first.
r1=$(ab a b | tee /dev/stderr | sed -n 's/^ratio B\/A.*: //p')
r2=$(ab b a | tee /dev/stderr | sed -n 's/^ratio B\/A.*: //p')
awk -v r1="$r1" -v r2="$r2" 'BEGIN {
	r = sqrt(r1 / r2)
	printf "after/before: %.3f (%.3f, then 1/%.3f; goal <= 1.05): %s\n", r, r1, r2,
		r <= 1.05 ? "met" : "NOT met"
}'
