#!/bin/sh
# `mdevctl monitor` prints one JSON line per event: definitions (inotify on
# the store) and devices/parents in the tree (polled). Each action below must
# produce exactly the expected line; the whole stream is compared at the end.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
: "${MDEVCTL:?set MDEVCTL}"

W=$(mktemp -d /tmp/mdevctl-mon.XXXXXX)
MON=""
cleanup() {
	[ -n "$MON" ] && kill "$MON" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
R=$W/root
mk_tree "$R"
M() { MDEVCTL_ENV_ROOT=$R "$MDEVCTL" "$@"; }

# made before the monitor starts: the background redirection may open it
# only after the first expect reads it
: >"$W/events"
MDEVCTL_ENV_ROOT=$R "$MDEVCTL" monitor >>"$W/events" 2>"$W/err" &
MON=$!
: >"$W/expected"
fails=0

# waits (bounded) until the stream has as many lines as expected
expect() { # line
	printf '%s\n' "$1" >>"$W/expected"
	want=$(wc -l <"$W/expected")
	i=0
	while [ "$(wc -l <"$W/events")" -lt "$want" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if [ "$(sed -n "${want}p" "$W/events")" = "$1" ]; then
		echo "ok - $1"
	else
		echo "not ok - expected $1, got: $(sed -n "${want}p" "$W/events")"
		fails=$((fails + 1))
	fi
}

expect '{"event":"ready"}'
M define -p mtty -t mtty-2 -u $UN -a
expect '{"event":"defined","parent":"mtty","uuid":"'$UN'","mdev_type":"mtty-2","start":"auto","attrs":[]}'
M modify -u $UN --addattr k --value v
expect '{"event":"modified","parent":"mtty","uuid":"'$UN'","mdev_type":"mtty-2","start":"auto","attrs":[{"k":"v"}]}'
M undefine -u $UA
expect '{"event":"undefined","parent":"mtty","uuid":"'$UA'","mdev_type":"mtty-2","start":"manual","attrs":[]}'
M define -p newparent -t foo -u $UA
expect '{"event":"defined","parent":"newparent","uuid":"'$UA'","mdev_type":"foo","start":"manual","attrs":[]}'
mk_dev "$R" virtual/mtty/mtty $UN mtty-2
expect '{"event":"started","parent":"mtty","uuid":"'$UN'","mdev_type":"mtty-2"}'
rm "$R/sys/bus/mdev/devices/$U2"
expect '{"event":"stopped","parent":"mtty","uuid":"'$U2'","mdev_type":"mtty-1"}'
mk_parent "$R" virtual/other/other other
expect '{"event":"parent-registered","parent":"other"}'
rm "$R/sys/class/mdev_bus/other"
expect '{"event":"parent-unregistered","parent":"other"}'

kill "$MON"
rc=0
wait "$MON" || rc=$?
MON=""
[ $rc = 0 ] && echo "ok - monitor exits 0 on SIGTERM" || { echo "not ok - monitor exit $rc"; fails=$((fails + 1)); }
if cmp -s "$W/expected" "$W/events" && [ ! -s "$W/err" ]; then
	echo "ok - whole stream as expected, nothing on stderr"
else
	echo "not ok - stream differs:"
	diff "$W/expected" "$W/events" || true
	cat "$W/err"
	fails=$((fails + 1))
fi
echo "monitor: $fails failure(s)"
[ $fails = 0 ]
