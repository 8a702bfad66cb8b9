# Shared by the mounted-tree tests (sourced by bash). Each test runs in its
# own private mount namespace (so a mount left by a crash dies with it) and
# its own temporary ROOT; mdevd is stopped and the tree unmounted on exit.
#
# Environment (meson passes them): MDEVD, WRITEFILE, FS_TESTS (this dir).

FS_TESTS=${FS_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
: "${MDEVD:?MDEVD must point at the mdevd executable}"
: "${WRITEFILE:?WRITEFILE must point at tests/fs/writefile}"

. "$FS_TESTS/../lib-env.sh"
if [ -z "${MDEV_FS_NS:-}" ]; then
	require_private_mounts
	export MDEV_FS_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/mdevd-test.XXXXXX")
ROOT=$T/root
STATE=$ROOT/var/lib/mdevd
SYS=$ROOT/sys
LOG=$T/mdevd.log
mkdir -p "$ROOT"
MDEVD_PID=
FAILED=0

cleanup() {
	local rc=$?
	stop_mdevd_quiet
	umount -l "$SYS" 2>/dev/null || true
	if grep -q "Sanitizer" "$LOG" 2>/dev/null; then
		echo "FAIL: sanitizer report in mdevd's log:" >&2
		cat "$LOG" >&2
		rc=1
	fi
	[ $rc -eq 0 ] || { echo "--- mdevd log" >&2; cat "$LOG" >&2 2>/dev/null || true; }
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok - $*"
}

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# start_mdevd [options]: the daemon way — returns once the tree is ready.
start_mdevd() {
	local out
	out=$(timeout 30 "$MDEVD" --state "$STATE" "$@" "$ROOT" 2>>"$LOG") ||
		fail "mdevd $* exited $? ($(tail -3 "$LOG"))"
	MDEVD_PID=$(echo "$out" | sed -n 's/^mdevd: serving .* (pid \([0-9]*\))$/\1/p')
	[ -n "$MDEVD_PID" ] || fail "unexpected start-up output: $out"
	mountpoint -q "$SYS" || fail "$SYS not mounted after mdevd returned"
}

# Waits up to 20 s for a pid to exit.
wait_gone() {
	local i
	for i in $(seq 1 400); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

stop_mdevd() {
	kill -TERM "$MDEVD_PID"
	wait_gone "$MDEVD_PID" || fail "mdevd did not exit on SIGTERM"
	MDEVD_PID=
	! mountpoint -q "$SYS" || fail "$SYS still mounted after SIGTERM"
}

stop_mdevd_quiet() {
	if [ -n "${MDEVD_PID:-}" ]; then
		kill -TERM "$MDEVD_PID" 2>/dev/null || true
		wait_gone "$MDEVD_PID" || kill -KILL "$MDEVD_PID" 2>/dev/null || true
		MDEVD_PID=
	fi
}

kill9_mdevd() {
	kill -KILL "$MDEVD_PID"
	wait_gone "$MDEVD_PID" || fail "mdevd survived SIGKILL"
	MDEVD_PID=
}

# wr FILE: stdin → FILE in one write(); prints OK n / ERRNO name.
wr() {
	"$WRITEFILE" "$@"
}

# create TYPEDIR UUID: expects success.
create() {
	expect "create $2 in $1" "$(printf '%s' "$2" | wr "$1/create")" "OK 36"
}

typedir() {
	echo "$SYS/class/mdev_bus/$1/mdev_supported_types/$2"
}

avail() {
	local v
	read -r v <"$SYS/class/mdev_bus/$1/mdev_supported_types/$2/available_instances"
	echo "$v"
}

# The availability of every type of a parent, as "a/b/c".
avails() {
	local p=$1 out= t
	shift
	for t in "$@"; do
		out="$out${out:+/}$(avail "$p" "$t")"
	done
	echo "$out"
}

uuid_n() {
	printf '%08x-0000-4000-8000-%012x\n' "$1" "$1"
}
