#!/bin/sh
# mdevctl benchmark: ours vs Debian 12's mdevctl 1.2.0 and Debian 13's
# mdevctl 1.4.0 on the same mdevd tree, in one run.
#
# State: 100 json-driver parents x 4 types, 2,000 definitions, 1,000 active.
# All tools run inside the same private mount namespace with the tree bound
# over /sys and the store over /etc/mdevctl.d, and the same two bound into
# the cached Debian 13 root (scripts/debian-root.sh) where 1.4.0 runs
# chrooted, so they pay the same path costs. Ours runs as 1.2.0 against
# 1.2.0 and with MDEVCTL_COMPAT=1.4 against 1.4.0 (the outputs are checked
# identical first). Prints per-command medians, speed ratios (goal >= 2x)
# and peak-RSS ratios (goal <= 0.5) for each reference, then
# start-parent-mdevs over 1,000 auto definitions (goal >= 5x).
#
# usage: bench/ctl/run.sh [BUILD_DIR]   (a non-sanitized build is fair;
#        default build-ctl-rel, configured here if missing)
# env:   RUNS (default 7), REAL_MDEVCTL (default /usr/bin/mdevctl),
#        TRIXIE_ROOT (default: scripts/debian-root.sh's trixie-mdevctl;
#        1.4.0 is left out with a note when there is none)
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build-ctl-rel}
RUNS=${RUNS:-7}
REAL=${REAL_MDEVCTL:-/usr/bin/mdevctl}
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" --buildtype=release -Dtests=disabled >/dev/null
fi
ninja -C "$B" src/ctl/mdevctl src/fs/mdevd bench/ctl/peakrss >/dev/null
OURS=$(pwd)/$B/src/ctl/mdevctl
MDEVD=$(pwd)/$B/src/fs/mdevd
PEAK=$(pwd)/$B/bench/ctl/peakrss
[ -x "$REAL" ] || { echo "reference $REAL missing" >&2; exit 1; }
# the Debian 13 root holding 1.4.0 (same root as the compat tests)
if [ -z "${TRIXIE_ROOT:-}" ]; then
	TRIXIE_ROOT=$(scripts/debian-root.sh trixie-mdevctl trixie mdevctl) ||
		TRIXIE_ROOT=""
fi
if [ -n "$TRIXIE_ROOT" ] && ! chroot "$TRIXIE_ROOT" /usr/bin/mdevctl --version >/dev/null 2>&1; then
	TRIXIE_ROOT=""
fi
VERSIONS=1.2
if [ -n "$TRIXIE_ROOT" ]; then
	VERSIONS="1.2 1.4"
else
	echo "note: no Debian 13 root, mdevctl 1.4.0 left out" >&2
fi

W=$(mktemp -d /tmp/mdevctl-bench.XXXXXX)
MPID=""
cleanup() {
	[ -n "$MPID" ] && kill "$MPID" 2>/dev/null
	sleep 0.3
	mountpoint -q "$W/root/sys" 2>/dev/null && umount -l "$W/root/sys"
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

NP=100
# hardware: 100 parents x 4 types, plus one roomy parent for autostart
{
	printf '{"parents":['
	p=0
	while [ $p -lt $NP ]; do
		[ $p -gt 0 ] && printf ','
		printf '{"driver":"json","name":"bench%03d","pools":{"slots":64},"types":[' $p
		t=0
		for n in a b c d; do
			[ $t -gt 0 ] && printf ','
			printf '{"id":"bench-%s","name":"Bench %s","description":"type %s\\nline two","cost":{"slots":%d}}' $n $n $n $((t + 1))
			t=$((t + 1))
		done
		printf ']}'
		p=$((p + 1))
	done
	printf ',{"driver":"json","name":"autoparent","pools":{"slots":4096},"types":[{"id":"auto-a","cost":{"slots":1}}]}'
	printf ']}\n'
} >"$W/hw.json"

start_mdevd() {
	"$MDEVD" --reset --hardware "$W/hw.json" --state "$W/state" "$W/root" \
		>"$W/mdevd.log" 2>&1
	MPID=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' "$W/mdevd.log")
}
stop_mdevd() {
	kill "$MPID"
	_w=0
	while mountpoint -q "$W/root/sys" && [ $_w -lt 100 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
	MPID=""
}

mkdir -p "$W/root/etc/mdevctl.d/scripts.d/callouts" \
	"$W/root/etc/mdevctl.d/scripts.d/notifiers" \
	"$W/root/usr/lib/mdevctl/scripts.d/callouts" \
	"$W/root/usr/lib/mdevctl/scripts.d/notifiers"
start_mdevd

# 2,000 definitions (20 per parent), the first 10 per parent active
echo "generating state..."
p=0
while [ $p -lt $NP ]; do
	par=$(printf 'bench%03d' $p)
	mkdir -p "$W/root/etc/mdevctl.d/$par"
	d=0
	while [ $d -lt 20 ]; do
		u=$(printf 'be0c0000-%04x-4000-8000-%012x' $p $d)
		t=$(echo a b c d | cut -d' ' -f$((d % 4 + 1)))
		printf '{\n  "mdev_type": "bench-%s",\n  "start": "manual",\n  "attrs": [\n    {\n      "k": "%d"\n    }\n  ]\n}' \
			$t $d >"$W/root/etc/mdevctl.d/$par/$u"
		if [ $d -lt 10 ]; then
			printf '%s' "$u" >"$W/root/sys/class/mdev_bus/$par/mdev_supported_types/bench-$t/create"
		fi
		d=$((d + 1))
	done
	p=$((p + 1))
done
echo "active: $(ls "$W/root/sys/bus/mdev/devices" | wc -l), defined: $(find "$W/root/etc/mdevctl.d" -type f | wc -l)"

# In a private mount namespace: the tree over /sys, the store over
# /etc/mdevctl.d, and both (with /dev) inside the Debian 13 root. Runs
# "$@" there (sh -c SCRIPT sh ARGS...).
in_ns() {
	unshare -m --propagation private sh -c '
		W=$1 T=$2; shift 2
		mount --bind "$W/root/sys" /sys
		mount --bind "$W/root/etc/mdevctl.d" /etc/mdevctl.d
		if [ -n "$T" ]; then
			mount --bind "$W/root/sys" "$T/sys"
			mount --bind "$W/root/etc/mdevctl.d" "$T/etc/mdevctl.d"
			mount --bind /dev "$T/dev"
		fi
		exec "$@"' sh "$W" "$TRIXIE_ROOT" "$@"
}

# Runs "$@" with ours' environment for version $1 (see the top).
ours_env() {
	if [ "$1" = 1.4 ]; then
		shift
		MDEVCTL_ENV_ROOT=$W/root "$@"
	else
		shift
		"$@"
	fi
}

# The reference of version $1 as a command prefix for peakrss.
ref_cmd() {
	if [ "$1" = 1.4 ]; then
		echo "--root $TRIXIE_ROOT /usr/bin/mdevctl"
	else
		echo "$REAL"
	fi
}

# Runs the reference of version $1 and ours (in that version's mode)
# alternately RUNS times each inside one namespace (so load from elsewhere
# hits both alike); prints "ref_median_ns ref_max_rss ours_median_ns
# ours_max_rss".
measure() { # version args...
	_v=$1
	shift
	# shellcheck disable=SC2046
	in_ns sh -c '
		PEAK=$1; RUNS=$2; OURS=$3; V=$4; W=$5; shift 5
		i=0
		while [ $i -lt "$RUNS" ]; do
			if [ "$V" = 1.4 ]; then
				echo "r $("$PEAK" --root "$0" /usr/bin/mdevctl "$@")"
			else
				echo "r $("$PEAK" "$0" "$@")"
			fi
			if [ "$V" = 1.4 ]; then
				echo "o $(MDEVCTL_COMPAT=1.4 MDEVCTL_ENV_ROOT=$W/root "$PEAK" "$OURS" "$@")"
			else
				echo "o $("$PEAK" "$OURS" "$@")"
			fi
			i=$((i + 1))
		done' "$([ "$_v" = 1.4 ] && echo "$TRIXIE_ROOT" || echo "$REAL")" \
		"$PEAK" "$RUNS" "$OURS" "$_v" "$W" "$@" >"$W/m.txt"
	if awk '$4 != 0 { bad = 1 } END { exit !bad }' "$W/m.txt"; then
		echo "command failed: $*" >&2
		exit 1
	fi
	for k in r o; do
		grep "^$k " "$W/m.txt" | sort -k2 -n | awk -v n="$RUNS" '
			NR == 1 { m = $2 }
			NR == int((n + 1) / 2) { t = $2 }
			{ if ($3 > r) r = $3 } END { printf "%s %s %s ", t, r, m }'
	done
	echo
}

# the outputs must agree before their speed is compared
for v in $VERSIONS; do
	for args in "list" "list -d" "list --dumpjson" "types" "types --dumpjson"; do
		if [ "$v" = 1.4 ]; then
			# shellcheck disable=SC2086
			in_ns chroot "$TRIXIE_ROOT" /usr/bin/mdevctl $args >"$W/real.out"
		else
			# shellcheck disable=SC2086
			in_ns "$REAL" $args >"$W/real.out"
		fi
		# shellcheck disable=SC2086
		MDEVCTL_COMPAT=$v ours_env "$v" in_ns "$OURS" $args >"$W/ours.out"
		cmp -s "$W/real.out" "$W/ours.out" ||
			{ echo "outputs differ for '$args' ($v)" >&2; exit 1; }
	done
done

for v in $VERSIONS; do
	echo "against mdevctl $v.0:"
	printf '%-18s %9s %9s %8s %9s %9s %8s %9s %9s %6s\n' command "$v.0 ms" "ours ms" speedup \
		"$v.0 min" "ours min" "min" "$v.0 KiB" "ours KiB" "RSS"
	for args in "list" "list -d" "list --dumpjson" "types" "types --dumpjson"; do
		# shellcheck disable=SC2046,SC2086
		set -- $(measure "$v" $args)
		awk -v c="$args" -v rt="$1" -v rr="$2" -v rm="$3" -v ot="$4" -v orr="$5" -v om="$6" 'BEGIN {
			printf "%-18s %9.1f %9.1f %7.1fx %9.1f %9.1f %7.1fx %9d %9d %6.2f\n", c,
				rt / 1e6, ot / 1e6, rt / ot, rm / 1e6, om / 1e6, rm / om, rr, orr, orr / rr }'
	done
done

# start-parent-mdevs over 1,000 auto definitions on one parent
run_spm() { # version tag: appends "tag ns rss" to spm.txt
	stop_mdevd
	start_mdevd
	if [ "$2" = r ]; then
		# shellcheck disable=SC2046
		in_ns "$PEAK" $(ref_cmd "$1") start-parent-mdevs autoparent
	else
		MDEVCTL_COMPAT=$1 ours_env "$1" in_ns "$PEAK" "$OURS" \
			start-parent-mdevs autoparent
	fi | awk -v t="$2$1" '{ print t, $1, $2 }' >>"$W/spm.txt"
	n=$(ls "$W/root/sys/bus/mdev/devices" | wc -l)
	[ "$n" -ge 1000 ] || { echo "only $n devices after start-parent-mdevs ($2 $1)" >&2; exit 1; }
}
mkdir -p "$W/root/etc/mdevctl.d/autoparent"
d=0
while [ $d -lt 1000 ]; do
	printf '{\n  "mdev_type": "auto-a",\n  "start": "auto",\n  "attrs": []\n}' \
		>"$W/root/etc/mdevctl.d/autoparent/$(printf 'a0700000-0000-4000-8000-%012x' $d)"
	d=$((d + 1))
done
# restarting mdevd with --reset drops the 1,000 actives of the first phase,
# so after start-parent-mdevs exactly the 1,000 auto devices (+0) exist
SPM_ROUNDS=${SPM_ROUNDS:-3}
: >"$W/spm.txt"
round=0
while [ $round -lt "$SPM_ROUNDS" ]; do
	for v in $VERSIONS; do
		run_spm "$v" r
		run_spm "$v" o
	done
	round=$((round + 1))
done
med() { grep "^$1 " "$W/spm.txt" | sort -k2 -n | awk -v n="$SPM_ROUNDS" 'NR == int((n + 1) / 2) { print $2 }'; }
peak() { grep "^$1 " "$W/spm.txt" | awk '{ if ($3 > r) r = $3 } END { print r }'; }
fastest() { grep "^$1 " "$W/spm.txt" | sort -k2 -n | awk 'NR == 1 { print $2 }'; }
echo "start-parent-mdevs over 1,000 auto definitions (median; fastest):"
for v in $VERSIONS; do
	awk -v v="$v" -v rt="$(med "r$v")" -v ot="$(med "o$v")" \
		-v rm="$(fastest "r$v")" -v om="$(fastest "o$v")" \
		-v rr="$(peak "r$v")" -v orr="$(peak "o$v")" 'BEGIN {
		printf "  %s.0 %.1f ms, ours %.1f ms, speedup %.1fx; fastest %.1f vs %.1f ms, %.1fx; peak %d vs %d KiB (%.2f)\n",
			v, rt / 1e6, ot / 1e6, rt / ot, rm / 1e6, om / 1e6, rm / om, rr, orr, orr / rr }'
done
