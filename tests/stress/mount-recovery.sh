#!/bin/bash
# mdevd over a stale FUSE mount, and two mdevd on one ROOT:
#  - kill -9 leaves ROOT/sys a dead mount (ENOTCONN); the next mdevd
#    recovers it and serves the journaled devices;
#  - a second mdevd on the same ROOT (or the same --state) refuses with a
#    one-line error naming what is in use, exits non-zero, and the first
#    keeps serving.
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
stress_setup

uuid=6f1d3c1e-8a57-4d8a-9d4e-2b8e1c1d0a01
start_mdevd
mtty=$(typedir mtty mtty-1)
echo $uuid >"$mtty/create"
kill9_mdevd
if ls "$ROOT/sys" >/dev/null 2>"$T/ls.err"; then
	fail "mount not stale after kill -9 (test cannot check recovery)"
fi
grep -q "not connected" "$T/ls.err" ||
	fail "unexpected state after kill -9: $(cat "$T/ls.err")"
start_mdevd
[ -e "$ROOT/sys/bus/mdev/devices/$uuid" ] ||
	fail "journaled device missing after recovery"
n=$(grep -c " $ROOT/sys " /proc/self/mounts)
expect_eq "mounts at ROOT/sys after recovery" "$n" 1
echo "stale mount: recovered, device $uuid back"

# A second daemon on the same ROOT, and one on the same state dir.
check_refused() {
	local what=$1 rc=0
	shift
	timeout 20 "$MDEVD" -f "$@" >"$T/second.out" 2>"$T/second.err" || rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] ||
		fail "$what: second mdevd did not refuse (exit $rc)"
	[ "$(wc -l <"$T/second.err")" -ge 1 ] ||
		fail "$what: second mdevd refused without a message"
	kill -0 "$MDEVD_PID" || fail "$what: first mdevd died"
	[ -e "$ROOT/sys/bus/mdev/devices/$uuid" ] ||
		fail "$what: first mdevd's tree broken"
	echo "$what: refused: $(head -1 "$T/second.err")"
}
mkdir -p "$T/state2" "$T/root2"
check_refused "same ROOT" --state "$T/state2" "$ROOT"
check_refused "same --state" --state "$STATE" "$T/root2"
stop_mdevd
echo "mount-recovery: ok"
