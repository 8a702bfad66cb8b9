# Shared by the stress scripts (sourced; bash). Each script runs in its own
# private mount namespace, so a mount left behind by a crash or a failed
# test dies with it, and two scripts never see each other's mounts.
#
# Environment: MDEVD (path of the mdevd executable), RACER (tests/stress
# racer), MDEVCTL (our mdevctl) — meson passes them; defaults point into
# build-rel for running by hand.

STRESS_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$STRESS_SRC/../.." && pwd)
: "${MDEVD:=$REPO/build-rel/src/fs/mdevd}"
: "${RACER:=$REPO/build-rel/tests/stress/racer}"
: "${MDEVCTL:=$REPO/build-rel/src/ctl/mdevctl}"

. "$STRESS_SRC/../lib-env.sh"

# Re-executes the calling script inside a private mount namespace (or
# skips it, saying why, where there can be none).
stress_enter_namespace() {
	if [ -z "${MDEV_STRESS_NS:-}" ]; then
		require_private_mounts
		export MDEV_STRESS_NS=1
		exec unshare -m --propagation private "$0" "$@"
	fi
}

# A fresh work dir T (root at $T/root, state at $T/state), removed on exit.
# "stress_setup tmpfs" puts T on a tmpfs (fsync costs nothing there; the
# CLI tests fsync every definition).
stress_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/mdev-stress.XXXXXX")
	if [ "${1:-}" = tmpfs ]; then
		mount -t tmpfs -o size=256m,mode=0755 tmpfs "$T"
	fi
	ROOT=$T/root
	STATE=$T/state
	mkdir -p "$ROOT" "$STATE"
	MDEVD_PID=
	trap stress_cleanup EXIT
}

stress_cleanup() {
	local rc=$?
	if [ -n "${MDEVD_PID:-}" ]; then
		kill -TERM "$MDEVD_PID" 2>/dev/null || true
		wait "$MDEVD_PID" 2>/dev/null || true
	fi
	if [ $rc -ne 0 ] && [ -s "$T/mdevd.log" ]; then
		echo "--- mdevd's stderr (last 60 lines):" >&2
		tail -60 "$T/mdevd.log" >&2
	fi
	# Every mount under $T (the tree, a tmpfs state dir), innermost first.
	awk -v t="$T" 'index($2 "/", t "/") == 1 { print $2 }' /proc/self/mounts |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$T"
	exit $rc
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# start_mdevd [mdevd options...]: runs mdevd -f on $ROOT in the background
# (stderr to $T/mdevd.log) and waits until the tree answers (up to
# MDEVD_START_SECONDS, default 10). MDEVD_WRAPPER (e.g. valgrind ...) is
# put in front of the command.
start_mdevd() {
	# shellcheck disable=SC2086
	${MDEVD_WRAPPER:-} "$MDEVD" -f --state "$STATE" "$@" "$ROOT" >>"$T/mdevd.log" 2>&1 &
	MDEVD_PID=$!
	local i
	for i in $(seq 1 $((${MDEVD_START_SECONDS:-10} * 20))); do
		# statfs and opendir go to the daemon (a stat can be answered
		# from the cache of a dead mount).
		if stat -f "$ROOT/sys" >/dev/null 2>&1 &&
			ls "$ROOT/sys/class/mdev_bus" >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$MDEVD_PID" 2>/dev/null; then
			wait "$MDEVD_PID" 2>/dev/null || true
			MDEVD_PID=
			cat "$T/mdevd.log" >&2
			fail "mdevd exited before the tree was up"
		fi
		sleep 0.05
	done
	fail "mdevd did not come up in ${MDEVD_START_SECONDS:-10} s"
}

stop_mdevd() {
	kill -TERM "$MDEVD_PID"
	wait "$MDEVD_PID" || fail "mdevd exited $? on SIGTERM"
	MDEVD_PID=
	! mountpoint -q "$ROOT/sys" || fail "$ROOT/sys still mounted after SIGTERM"
}

# kill -9 leaves the mount stale for the next mdevd to recover.
# STRESS_UNMOUNT_STALE=1 detaches it here instead (to exercise the journal
# alone while mdevd's recovery is broken; never in CI).
kill9_mdevd() {
	kill -KILL "$MDEVD_PID" 2>/dev/null || true
	wait "$MDEVD_PID" 2>/dev/null || true
	MDEVD_PID=
	if [ -n "${STRESS_UNMOUNT_STALE:-}" ]; then
		umount -l "$ROOT/sys" 2>/dev/null || true
	fi
}

# typedir PARENT TYPE
typedir() {
	echo "$ROOT/sys/class/mdev_bus/$1/mdev_supported_types/$2"
}

avail() {
	cat "$(typedir "$1" "$2")/available_instances"
}

# Number of devices of a type (entries of its devices/ directory).
ninst() {
	ls "$(typedir "$1" "$2")/devices" | wc -l
}

ndevices() {
	ls "$ROOT/sys/bus/mdev/devices" | wc -l
}

remove_all() {
	local d
	for d in "$ROOT"/sys/bus/mdev/devices/*; do
		[ -e "$d" ] || continue
		echo 1 >"$d/remove"
	done
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# A store for mdevctl under $ROOT (with the script dirs 1.2.0 wants).
ctl_setup() {
	mkdir -p "$ROOT/etc/mdevctl.d/scripts.d/callouts" \
		"$ROOT/etc/mdevctl.d/scripts.d/notifiers"
	export MDEVCTL_ENV_ROOT=$ROOT
}

# The bytes mdevctl (1.2.0 and ours) writes for a definition:
# render_definition TYPE auto|manual [NAME=VALUE...]
render_definition() {
	local type=$1 start=$2 first=1 kv
	shift 2
	printf '{\n  "mdev_type": "%s",\n  "start": "%s",\n  "attrs": [' "$type" "$start"
	if [ $# -eq 0 ]; then
		printf ']\n}'
		return
	fi
	for kv in "$@"; do
		[ $first -eq 1 ] || printf ','
		first=0
		printf '\n    {\n      "%s": "%s"\n    }' "${kv%%=*}" "${kv#*=}"
	done
	printf '\n  ]\n}'
}
