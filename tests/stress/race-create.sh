#!/bin/bash
# Creates racing for scarce instances through the mounted tree:
#  - 8 processes x ITERS creates on one type with N free instances, N in
#    {1, 7, 64}, once with a pool (the loser's errno is ENOSPC) and once with
#    the framework counter max_devices (EUSERS): exactly N succeed, every
#    other write gets that errno, available_instances is 0 afterwards and
#    back to N once the devices are removed;
#  - the four GVT-g types racing for one GPU: no pool over-committed, and
#    every type's available_instances is exactly what the pools leave;
#  - the seven NVIDIA T4 types racing on one homogeneous GPU: one type wins,
#    the others show 0 available.
# Usage: race-create.sh [ITERS] [PROCS]   (CI: 250 x 8; long run: 1000 x 8)
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
iters=${1:-1000}
procs=${2:-8}
stress_setup

hw=$T/hw.json
{
	echo '{"parents":['
	echo '{"name":"0000:00:02.0","driver":"i915"},'
	echo '{"name":"0000:65:00.0","driver":"nvidia"}'
	for n in 1 7 64; do
		echo ",{\"name\":\"pool$n\",\"driver\":\"json\",\"pools\":{\"slots\":$n},"
		echo "\"types\":[{\"id\":\"race-p$n\",\"device_api\":\"vfio-pci\",\"cost\":{\"slots\":1}}]}"
		echo ",{\"name\":\"ctr$n\",\"driver\":\"json\",\"max_devices\":$n,"
		echo "\"types\":[{\"id\":\"race-c$n\",\"device_api\":\"vfio-pci\"}]}"
	done
	echo ']}'
} >"$hw"
start_mdevd --hardware "$hw"

# race_one PARENT TYPE N ERRNO
race_one() {
	local parent=$1 type=$2 n=$3 errname=$4 out
	expect_eq "$type available before" "$(avail "$parent" "$type")" "$n"
	out=$("$RACER" create -p "$procs" -n "$iters" "$(typedir "$parent" "$type")") ||
		fail "$type: racer: $out"
	local total=$((procs * iters))
	local want_err=$((total - n)) eusers=0 enospc=0
	[ "$errname" = EUSERS ] && eusers=$want_err
	[ "$errname" = ENOSPC ] && enospc=$want_err
	expect_eq "$type race" "$(echo "$out" | head -1)" \
		"ok=$n EUSERS=$eusers ENOSPC=$enospc other=0"
	expect_eq "$type available after" "$(avail "$parent" "$type")" 0
	expect_eq "$type instances" "$(ninst "$parent" "$type")" "$n"
	remove_all
	expect_eq "$type available after remove" "$(avail "$parent" "$type")" "$n"
	echo "race $type: $procs x $iters creates for $n instances: $out" | head -1
}

for n in 1 7 64; do
	race_one "pool$n" "race-p$n" "$n" ENOSPC
	race_one "ctr$n" "race-c$n" "$n" EUSERS
done

# GVT-g: pools low_gm 512, high_gm 3072, fence 32 (src/drivers/i915.c);
# type n costs 512/n low GM, 384|512|1024|2048 high GM, 4 fences.
gpu=0000:00:02.0
# race_gvt K...: the GVTg_V5_K types race for the GPU.
race_gvt() {
	local dirs="" k
	for k in "$@"; do
		dirs="$dirs $(typedir $gpu i915-GVTg_V5_$k)"
	done
	# shellcheck disable=SC2086
	out=$("$RACER" create -p "$procs" -n "$iters" $dirs) || fail "gvt racer: $out"
	c8=$(ninst $gpu i915-GVTg_V5_8) c4=$(ninst $gpu i915-GVTg_V5_4)
	c2=$(ninst $gpu i915-GVTg_V5_2) c1=$(ninst $gpu i915-GVTg_V5_1)
	low=$((64 * c8 + 128 * c4 + 256 * c2 + 512 * c1))
	high=$((384 * c8 + 512 * c4 + 1024 * c2 + 2048 * c1))
	fence=$((4 * (c8 + c4 + c2 + c1)))
	[ $low -le 512 ] && [ $high -le 3072 ] && [ $fence -le 32 ] ||
		fail "GVT-g over-committed: x8=$c8 x4=$c4 x2=$c2 x1=$c1 low=$low high=$high fence=$fence"
	ok=$(echo "$out" | sed -n 's/^ok=\([0-9]*\).*/\1/p')
	expect_eq "gvt successes = devices" "$ok" $((c8 + c4 + c2 + c1))
	for spec in 8:64:384 4:128:512 2:256:1024 1:512:2048; do
		IFS=: read -r k l h <<<"$spec"
		want=$(min $(((512 - low) / l)) $(((3072 - high) / h)) $(((32 - fence) / 4)))
		expect_eq "GVTg_V5_$k available after race" "$(avail $gpu i915-GVTg_V5_$k)" "$want"
	done
	echo "race gvt-g ($*): x8=$c8 x4=$c4 x2=$c2 x1=$c1 (low $low/512 high $high/3072 fence $fence/32): $(echo "$out" | head -1)"
	remove_all
	for k in 8 4 2 1; do
		expect_eq "GVTg_V5_$k available after remove" "$(avail $gpu i915-GVTg_V5_$k)" "$k"
	done
}
min() { local m=$1; shift; for v; do [ "$v" -lt "$m" ] && m=$v; done; echo "$m"; }
race_gvt 8 4 2
race_gvt 8 4 2 1

# NVIDIA T4, homogeneous: 16 GB framebuffer; only one type may win.
gpu=0000:65:00.0
types="222 223 230 231 232 233 234"
dirs=""
for t in $types; do
	dirs="$dirs $(typedir $gpu nvidia-$t)"
done
# shellcheck disable=SC2086
out=$("$RACER" create -p "$procs" -n "$iters" $dirs) || fail "nvidia racer: $out"
winners=0
for t in $types; do
	c=$(ninst $gpu nvidia-$t)
	if [ "$c" -gt 0 ]; then
		winners=$((winners + 1))
		winner=$t
	else
		expect_eq "nvidia-$t (a loser) available" "$(avail $gpu nvidia-$t)" 0
	fi
done
expect_eq "nvidia types with devices" "$winners" 1
c=$(ninst $gpu nvidia-$winner)
expect_eq "nvidia-$winner available" "$(avail $gpu nvidia-$winner)" 0
echo "race nvidia: nvidia-$winner won with $c instances: $(echo "$out" | head -1)"
remove_all
expect_eq "devices left" "$(ndevices)" 0
stop_mdevd
echo "race-create: ok"
