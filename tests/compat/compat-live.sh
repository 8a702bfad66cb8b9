#!/bin/sh
# mdevctl compatibility on mdevd's live tree: for each session of
# sessions-live.txt, two fresh mdevd instances serve two roots; the real
# mdevctl runs on one (COMPAT_VERSION=1.2: Debian 12's 1.2.0 bound over /sys
# in a private mount namespace; 1.4: Debian 13's 1.4.0 in its root, see
# lib.sh), ours on the other (MDEVCTL_ENV_ROOT); every command's stdout,
# stderr and exit status, and the final store, must be identical.
# Env: MDEVCTL (ours), MDEVD (mdevd).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
: "${MDEVCTL:?set MDEVCTL}"
: "${MDEVD:?set MDEVD}"
compat_require
[ -e /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }

WORK=$(mktemp -d /tmp/mdevctl-live.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.2
	for m in "$WORK"/*/sys; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

start_tree() { # ROOT
	mkdir -p "$1/etc/mdevctl.d/scripts.d/callouts" \
		"$1/etc/mdevctl.d/scripts.d/notifiers"
	# 1.4.0 refuses to run under MDEVCTL_ENV_ROOT without these
	[ "$COMPAT_VERSION" = 1.2 ] || mkdir -p \
		"$1/usr/lib/mdevctl/scripts.d/callouts" \
		"$1/usr/lib/mdevctl/scripts.d/notifiers"
	# the daemon keeps its stdout: send it to a file, not a pipe
	"$MDEVD" --reset --state "$1/state" "$1" >"$1.log" 2>&1 || {
		echo "mdevd failed: $(cat "$1.log")" >&2
		exit 1
	}
	_pid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' "$1.log")
	[ -n "$_pid" ] || { echo "mdevd: no pid in $(cat "$1.log")" >&2; exit 1; }
	PIDS="$PIDS $_pid"
	echo "$_pid"
}

stop_tree() { # PID ROOT
	kill "$1" 2>/dev/null || true
	_i=0
	while mountpoint -q "$2/sys" && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

pass=0
fail=0
failed=""
session=""
n=0

mask_uuid() { # FILE -> prints first uuid
	grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$1" | head -n1 || true
}

end_session() {
	[ -n "$session" ] || return 0
	rm -f "$WORK/ours/etc/mdevctl.d/.lock"
	if ! diff -r "$WORK/real/etc" "$WORK/ours/etc" >"$WORK/etc.diff" 2>&1; then
		echo "FAIL $session: final store differs"
		head -n 20 "$WORK/etc.diff"
		fail=$((fail + 1))
		failed="$failed $session/store"
	fi
	stop_tree "$RP" "$WORK/real"
	stop_tree "$OP" "$WORK/ours"
	rm -rf "$WORK/real" "$WORK/ours"
	session=""
}

run_cmd() { # line
	_line=$1
	_gen=0
	case $_line in "G "*) _gen=1; _line=${_line#G } ;; esac
	n=$((n + 1))
	eval "set -- $_line"
	_rc=0
	run_real "$WORK/real" "$@" >"$WORK/r.out" 2>"$WORK/r.err0" || _rc=$?
	echo $_rc >"$WORK/r.rc"
	_rc=0
	run_ours "$WORK/ours" "$@" >"$WORK/o.out" 2>"$WORK/o.err0" || _rc=$?
	echo $_rc >"$WORK/o.rc"
	norm_err "$WORK/r.err0" | sed "s|$WORK/real/|/|g" >"$WORK/r.err"
	norm_err "$WORK/o.err0" | sed "s|$WORK/ours/|/|g" >"$WORK/o.err"
	if [ $_gen = 1 ]; then
		# the two tools generated different UUIDs: rename ours to theirs
		_ru=$(mask_uuid "$WORK/r.out")
		_ou=$(mask_uuid "$WORK/o.out")
		if [ -n "$_ru" ] && [ -n "$_ou" ]; then
			sed -i "s/$_ou/$_ru/" "$WORK/o.out"
			for _f in "$WORK"/ours/etc/mdevctl.d/*/"$_ou"; do
				[ -e "$_f" ] && mv "$_f" "$(dirname "$_f")/$_ru"
			done
			# an active generated device keeps its UUID: stop both
			if [ -e "$WORK/real/sys/bus/mdev/devices/$_ru" ]; then
				echo 1 >"$WORK/real/sys/bus/mdev/devices/$_ru/remove"
				echo 1 >"$WORK/ours/sys/bus/mdev/devices/$_ou/remove"
			fi
		fi
	fi
	_ok=1
	for _k in out err rc; do
		if ! cmp -s "$WORK/r.$_k" "$WORK/o.$_k"; then
			_ok=0
			echo "FAIL $session: '$_line': $_k differs"
			diff "$WORK/r.$_k" "$WORK/o.$_k" | head -n 20 || true
		fi
	done
	if [ $_ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $session:$n"
	fi
}

while IFS= read -r line; do
	case $line in
	'' | '#'*) continue ;;
	"session "*)
		end_session
		session=${line#session }
		start_tree "$WORK/real" >"$WORK/pid"
		RP=$(cat "$WORK/pid")
		start_tree "$WORK/ours" >"$WORK/pid"
		OP=$(cat "$WORK/pid")
		PIDS="$PIDS $RP $OP"
		;;
	"setup "*)
		_s=${line#setup }
		(cd "$WORK/real" && eval "$_s")
		(cd "$WORK/ours" && eval "$_s")
		;;
	*) run_cmd "$line" ;;
	esac
done <"$HERE/sessions-live.txt"
end_session

echo "compat-live: $pass passed, $fail failed"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
