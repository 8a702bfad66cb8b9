#!/bin/sh
# Many devices at once: mdevd serves 32 mtty-1 devices (one mtty parent
# with 32 ports) attached 8 each to 4 QEMUs (TCG, tests/guest/kit.sh); in
# each guest guest-io runs N outb then N inb on BAR0's scratch register of
# its devices, taking turns in blocks of BLOCK. Three phases, the devices
# staying attached throughout:
#   single  one guest loops on one of its devices (8 N accesses), the
#           others idle: the single-device figure;
#   turns   that guest then loops over its 8 devices, the others idle (32
#           devices served, one access stream at a time); each guest in
#           turn does both, so single and turns see the same host load;
#   pair    two guests loop over their 8 devices at once (as many access
#           streams as this 2-CPU host has CPUs);
#   all     the four guests loop over their 8 devices at once.
# Prints the median µs per access of each phase and the ratios to the
# single-device figure (the goal: all / single <= 1.5). Under TCG a guest
# looping is a host CPU busy, so "all" with more guests than host CPUs
# measures the CPU count as much as the server: the script prints nproc.
# The guests read their commands from the serial console (QEMU's stdin).
# RT=1 runs mdevd SCHED_FIFO (chrt -f 10), the QEMUs as they are: whether
# the server's thread waiting for a CPU is what "all" measures.
#
#   bench/vfio-user/many.sh [BUILD] [N] [BLOCK]     build-rel 2000 100
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build-rel}" && pwd)
n=${2:-2000}
block=${3:-100}
guests=4 per=8
kit=$top/tests/guest/kit.sh
if [ -z "${VFU_BENCH_NS:-}" ]; then
	export VFU_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$build" "$n" "$block"
fi
t=$(mktemp -d)
mdevd_pid=
cleanup() {
	for g in $(seq 1 $guests); do
		[ ! -e "$t/qemu$g.pid" ] || kill "$(cat "$t/qemu$g.pid")" 2>/dev/null || true
	done
	[ -z "$mdevd_pid" ] || kill "$mdevd_pid" 2>/dev/null || true
	sleep 0.5
	umount -l "$t/root/sys" 2>/dev/null || true
	[ -z "${VFU_BENCH_KEEP:-}" ] || cp "$t"/guest*.log "$VFU_BENCH_KEEP"/
	rm -rf "$t"
}
trap cleanup EXIT
die() {
	echo "many.sh: $*" >&2
	for g in $(seq 1 $guests); do tail -n 5 "$t/guest$g.log" >&2 || true; done
	exit 1
}

cc -static -O2 -o "$t/guest-io" "$top/bench/vfio-user/guest-io.c"
# The guest's part: find its mtty devices, then run what the console says:
# "run TAG one|every" loops on its first device or on all of them.
cat >"$t/many.sh" <<GUEST
ports=
for d in /sys/bus/pci/devices/*; do
	[ "\$(cat \$d/vendor):\$(cat \$d/device)" = 0x4348:0x3253 ] || continue
	[ -e \$d/driver ] && echo \$(basename \$d) >\$d/driver/unbind
	echo 1 >\$d/enable
	ports="\$ports \$((\$(cut -d' ' -f1 \$d/resource | head -n 1) + 7))"
done
set -- \$ports
echo "many: ready \$#"
while read -r cmd tag which; do
	[ "\$cmd" = run ] || break
	if [ "\$which" = one ]; then
		guest-io $((n * per)) $block \$1
	else
		guest-io $n $block \$ports
	fi | sed "s/^io /\$tag io /"
	echo "many: done \$tag"
done
GUEST
KIT_FILES=$t/guest-io "$kit" initramfs "$t/many.sh" "$t/many.img"

printf '{"parents": [{"driver": "mtty", "ports": %d}]}\n' $((guests * per)) >"$t/hw.json"
rt=
[ "${RT:-0}" = 1 ] && rt="chrt -f 10"
$rt "$build/src/fs/mdevd" -f --hardware "$t/hw.json" --state "$t/state" "$t/root" >"$t/mdevd.log" 2>&1 &
mdevd_pid=$!
for _ in $(seq 1 100); do
	[ -d "$t/root/sys/class/mdev_bus/mtty" ] && break
	sleep 0.05
done
dir=$t/root/run/mdevd/vfio-user
for g in $(seq 1 $guests); do
	socks=
	for i in $(seq 1 $per); do
		u=$(printf '7e57be9c-0000-4000-8000-%06d%06d' "$g" "$i")
		echo "$u" >"$t/root/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-1/create"
		socks="$socks $dir/$u.sock"
	done
	mkfifo "$t/in$g"
	# shellcheck disable=SC2086
	sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$t/qemu$g.pid" \
		"$kit" run "$t/many.img" $socks <"$t/in$g" >"$t/guest$g.log" 2>&1 &
done
# Each guest's console: held open here so that QEMU never sees its end.
exec 3>"$t/in1" 4>"$t/in2" 5>"$t/in3" 6>"$t/in4"
say() { # say GUEST LINE
	case $1 in 1) echo "$2" >&3 ;; 2) echo "$2" >&4 ;; 3) echo "$2" >&5 ;; 4) echo "$2" >&6 ;; esac
}
wait_for() { # wait_for GUEST PATTERN SECONDS
	i=0
	while ! grep -q "$2" "$t/guest$1.log"; do
		i=$((i + 1))
		[ $i -le $(($3 * 10)) ] || die "guest $1: no '$2' within $3 s"
		sleep 0.1
	done
}
for g in $(seq 1 $guests); do wait_for "$g" "many: ready $per" 300; done

for g in $(seq 1 $guests); do
	say "$g" "run single one"
	wait_for "$g" "many: done single" 600
	say "$g" "run turns every"
	wait_for "$g" "many: done turns" 600
done
say 1 "run pair every"
say 2 "run pair every"
wait_for 1 "many: done pair" 900
wait_for 2 "many: done pair" 900
for g in $(seq 1 $guests); do say "$g" "run all every"; done
for g in $(seq 1 $guests); do wait_for "$g" "many: done all" 900; done
for g in $(seq 1 $guests); do say "$g" quit; done

echo "$guests guests x $per mtty-1 devices, $(nproc) host CPUs (load $(cut -d' ' -f1 /proc/loadavg)), TCG${rt:+, mdevd $rt}; $n outb + $n inb per device in blocks of $block, µs per access:"
cat "$t"/guest*.log | awk '
{ sub(/\r$/, "") }
function sort(a, k,   i, j, x) {
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
		if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
}
function median(a, k) {
	sort(a, k)
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
function val(key,   i) {
	for (i = 1; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2)
}
$2 == "io" {
	tag = $1; c = ++cnt[tag]
	o[tag, c] = val("outb_us"); v[tag, c] = val("inb_us")
}
function phase(tag,   i, a, b, k) {
	k = cnt[tag]
	for (i = 1; i <= k; i++) { a[i] = o[tag, i]; b[i] = v[tag, i] }
	mo[tag] = median(a, k); mi[tag] = median(b, k)
	return k
}
END {
	ks = phase("single"); kt = phase("turns"); kp = phase("pair"); ka = phase("all")
	printf "  single device, the rest idle:       outb %.1f  inb %.1f (%d blocks)\n", mo["single"], mi["single"], ks
	printf "  one guest at a time, 8 devices each: outb %.1f  inb %.1f (%d blocks)\n", mo["turns"], mi["turns"], kt
	printf "  two guests at once, 16 devices:      outb %.1f  inb %.1f (%d blocks)\n", mo["pair"], mi["pair"], kp
	printf "  four guests at once, 32 devices:     outb %.1f  inb %.1f (%d blocks)\n", mo["all"], mi["all"], ka
	printf "  ratio one-at-a-time / single: outb %.2fx  inb %.2fx\n", mo["turns"] / mo["single"], mi["turns"] / mi["single"]
	printf "  ratio two-at-once / single:   outb %.2fx  inb %.2fx\n", mo["pair"] / mo["single"], mi["pair"] / mi["single"]
	printf "  ratio all-at-once / single:   outb %.2fx  inb %.2fx (goal <= 1.5; 4 TCG guests on the CPUs above)\n", mo["all"] / mo["single"], mi["all"] / mi["single"]
}'
