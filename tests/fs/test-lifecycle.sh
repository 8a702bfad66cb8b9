#!/bin/bash
# The daemon's life: options, start-up failures, kill -9 and restart,
# stale mounts, --reset, a second mdevd, --on-register, --allow-other.
set -eu
. "$(dirname "$0")/lib.sh"

# --- options that do not serve
"$MDEVD" --help | grep -q "^Usage: mdevd \[OPTIONS\] ROOT" || fail "--help"
"$MDEVD" -V | grep -q "^mdevd [0-9]" || fail "-V"
"$MDEVD" --print-demo >"$T/demo.json"
grep -q '"driver": "vfio_ap"' "$T/demo.json" || fail "--print-demo"
rc=0; "$MDEVD" --bogus "$ROOT" 2>"$T/err" || rc=$?
expect "bad option exit" "$rc" 2
grep -q "unknown option '--bogus'" "$T/err" || fail "bad option message: $(cat "$T/err")"
rc=0; "$MDEVD" 2>"$T/err" || rc=$?
expect "missing ROOT exit" "$rc" 2
ok "--help, -V, --print-demo, usage errors exit 2"

# --- a bad hardware file: one line naming the JSON path, exit 1, no mount
cat >"$T/bad.json" <<'J'
{"parents": [{"driver": "mtty"}, {"driver": "nvidia", "name": "0000:65:00.0",
  "nmae": "x"}]}
J
rc=0; "$MDEVD" --hardware "$T/bad.json" "$ROOT" >"$T/out" 2>"$T/err" || rc=$?
expect "bad file exit" "$rc" 1
expect "bad file message lines" "$(wc -l <"$T/err")" 1
grep -q 'bad.json: parents\[1\].nmae' "$T/err" || fail "message without JSON path: $(cat "$T/err")"
! mountpoint -q "$SYS" || fail "mounted despite a bad hardware file"
rc=0; "$MDEVD" --hardware "$T/missing.json" "$ROOT" 2>"$T/err" || rc=$?
expect "missing file exit" "$rc" 1
ok "bad hardware file: exit 1, JSON path, nothing mounted"

# --- journal: kill -9 keeps every acknowledged change, attrs included
start_mdevd --on-register "echo >>$T/registered"
N=$(typedir 0000:65:00.0 nvidia-223)
U1=11111111-2222-4333-8444-555555555501
U2=11111111-2222-4333-8444-555555555502
U3=11111111-2222-4333-8444-555555555503
create "$N" "$U1"
create "$N" "$U2"
create "$(typedir mtty mtty-2)" "$U3"
echo "frl=1" >"$SYS/bus/mdev/devices/$U1/nvidia/vgpu_params"
echo 1 >"$SYS/bus/mdev/devices/$U2/remove"
g1=$(readlink "$SYS/bus/mdev/devices/$U1/iommu_group")
kill9_mdevd
ls "$SYS" >/dev/null 2>&1 && fail "tree still answers after kill -9"
ok "kill -9 leaves a stale mount"

start_mdevd
expect "devices after restart" "$(ls "$SYS/bus/mdev/devices" | tr '\n' ' ')" "$U1 $U3 "
expect "attr after restart" "$(cat "$SYS/bus/mdev/devices/$U1/nvidia/vgpu_params")" "frl=1"
expect "iommu group after restart" "$(readlink "$SYS/bus/mdev/devices/$U1/iommu_group")" "$g1"
expect "availability after restart" "$(avails 0000:65:00.0 nvidia-223 nvidia-222)" 7/0
expect "mounts at ROOT/sys" "$(grep -c " $SYS " /proc/self/mounts)" 1
grep -q "stale mount" "$LOG" || fail "stale mount recovery not reported"
ok "restart over the stale mount: devices, attrs and groups back"

# --- a second mdevd on the same ROOT is refused; the first keeps serving
rc=0; timeout 20 "$MDEVD" --state "$T/state2" "$ROOT" >"$T/out" 2>"$T/err" || rc=$?
expect "second mdevd exit" "$rc" 1
expect "second mdevd message" "$(cat "$T/err")" "mdevd: $SYS is already served by mdevd pid $MDEVD_PID"
rc=0; timeout 20 "$MDEVD" -f --state "$STATE" "$T/root2" >"$T/out" 2>"$T/err" || rc=$?
expect "same state exit" "$rc" 1
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "same state: $(cat "$T/err")"
[ -e "$SYS/bus/mdev/devices/$U1" ] || fail "first mdevd's tree broken"
ok "second mdevd refused (same ROOT, same state dir)"

# A daemon that does not answer (stopped) is not taken for a stale mount,
# and the second mdevd does not hang on it.
kill -STOP "$MDEVD_PID"
rc=0
SECONDS=0
timeout 60 "$MDEVD" --state "$T/state2" "$ROOT" >"$T/out" 2>"$T/err" || rc=$?
kill -CONT "$MDEVD_PID"
expect "stopped mdevd: second mdevd exit" "$rc" 1
expect "stopped mdevd: message" "$(cat "$T/err")" \
	"mdevd: $SYS is served by mdevd pid $MDEVD_PID, which does not answer"
[ $SECONDS -lt 30 ] || fail "second mdevd took $SECONDS s"
[ -e "$SYS/bus/mdev/devices/$U1" ] || fail "first mdevd's tree broken after STOP/CONT"
ok "a stopped mdevd: refused after a bounded wait, not detached"

# --- SIGTERM unmounts and journals no removals; --reset starts empty
stop_mdevd
start_mdevd
expect "devices after SIGTERM restart" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 2
stop_mdevd
start_mdevd --reset
expect "devices after --reset" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 0
expect "availability after --reset" "$(avail 0000:65:00.0 nvidia-222)" 16
stop_mdevd
start_mdevd
expect "--reset is remembered" "$(ls "$SYS/bus/mdev/devices" | wc -l)" 0
stop_mdevd
ok "SIGTERM keeps devices; --reset empties"

# --- SIGTERM while a reader holds a file and a directory open: no RELEASE
# comes for their handles, which must still be freed (LeakSanitizer).
start_mdevd
exec 3<"$(typedir mtty mtty-1)/name" 4<"$(typedir mtty mtty-1)"
head -c1 <&3 >/dev/null
stop_mdevd
exec 3<&- 4<&-
! grep -q Sanitizer "$LOG" || fail "sanitizer report after SIGTERM with open handles"
ok "SIGTERM with a file and a directory open: handles freed"

# --- --on-register ran once per parent, after the tree was up
for i in $(seq 1 100); do
	[ "$(wc -l <"$T/registered" 2>/dev/null || echo 0)" -ge 4 ] && break
	sleep 0.05
done
expect "on-register calls" "$(sort "$T/registered" | tr '\n' ' ')" \
	"0000:00:02.0 0000:65:00.0 matrix mtty "
ok "--on-register CMD <parent> for every parent"

# A slow hook does not hold up `$(mdevd ROOT)`: hooks write to mdevd's
# stderr, not to the caller's stdout.
SECONDS=0
start_mdevd --on-register "sleep 20; echo hook-done"
[ $SECONDS -lt 15 ] || fail "mdevd's start-up waited for --on-register"
stop_mdevd
ok "--on-register does not hold the caller's stdout"

# --- foreground mode and SIGINT
"$MDEVD" -f --state "$STATE" "$ROOT" >"$T/fg.out" 2>>"$LOG" &
fg=$!
for i in $(seq 1 200); do
	mountpoint -q "$SYS" && [ -d "$SYS/class/mdev_bus/mtty" ] && break
	sleep 0.05
done
[ -d "$SYS/class/mdev_bus/mtty" ] || fail "-f: tree not up"
kill -INT $fg
rc=0; wait $fg || rc=$?
expect "-f exit on SIGINT" "$rc" 0
! mountpoint -q "$SYS" || fail "-f: still mounted after SIGINT"
grep -q "^mdevd: serving $SYS (pid $fg)" "$T/fg.out" || fail "-f: no serving line"
ok "-f stays in the foreground; SIGINT unmounts"

# --- --allow-other: other users read, the kernel enforces the modes
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$T" "$ROOT"
	nobody_writefile=$(runnable_by_nobody "$WRITEFILE" "$T/nobody-bin")
	start_mdevd --allow-other
	as_nobody() {
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	}
	expect "nobody reads" "$(as_nobody cat "$(typedir mtty mtty-1)/available_instances")" 24
	expect "nobody creates" "$(uuid_n 7 | as_nobody "$nobody_writefile" "$(typedir mtty mtty-1)/create")" open:EACCES
	create "$(typedir mtty mtty-1)" "$(uuid_n 8)"
	expect "nobody removes" "$(echo 1 | as_nobody "$nobody_writefile" "$SYS/bus/mdev/devices/$(uuid_n 8)/remove")" open:EACCES
	expect "root creates" "$(uuid_n 9 | wr "$(typedir mtty mtty-1)/create")" "OK 37"
	stop_mdevd
	ok "--allow-other: nobody reads, cannot create or remove"
else
	echo "ok - --allow-other # SKIP no nobody user or setpriv"
fi
