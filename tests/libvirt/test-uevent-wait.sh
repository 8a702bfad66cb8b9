#!/bin/sh
# `mdevctl start` waits until uevent listeners have read what is queued
# for them (src/ctl/uevent_wait.c: libvirt's nodedev-create race), and no
# longer than its bound. In a private network namespace (its own uevent
# sockets): with no listener a start returns at once; with a listener on
# udev's group that never reads an event queued for it, a start takes the
# whole bound (500 ms) and no more than a few times it.
# Env: MDEVCTL, UEVENT_SEND.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
: "${MDEVCTL:?set MDEVCTL}"
: "${UEVENT_SEND:?set UEVENT_SEND}"
compat_require
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
unshare -n true 2>/dev/null || { echo "SKIP: no private network namespace"; exit 77; }

W=$(mktemp -d /tmp/mdevctl-uevent-wait.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM
mk_tree "$W/t"
export W MDEVCTL UEVENT_SEND
unshare -n sh -eu -c '
	ms() { echo $(($(date +%s%N) / 1000000)); }
	start() { # UUID: prints the milliseconds the start took
		s=$(ms)
		(cd "$W/t" && MDEVCTL_ENV_ROOT=$W/t "$MDEVCTL" start -p mtty -t mtty-1 -u "$1")
		echo $(($(ms) - s))
	}
	fails=0
	idle=$(start aaaaaaaa-0000-4000-8000-000000000001)
	if [ "$idle" -lt 450 ]; then echo "ok no listener: start $idle ms"
	else echo "FAIL no listener: start $idle ms (>= 450)"; fails=1; fi
	# a listener on group 2 (udev'"'"'s, as libvirt) that never reads
	python3 -c "
import socket, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15)
s.bind((0, 2))
open(sys.argv[1], \"w\").close()
time.sleep(60)" "$W/ready" &
	lp=$!
	n=0
	while [ ! -e "$W/ready" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
	"$UEVENT_SEND" add /devices/virtual/mtty/mtty/x mdev
	busy=$(start aaaaaaaa-0000-4000-8000-000000000002)
	kill $lp
	if [ "$busy" -ge 500 ] && [ "$busy" -lt 3000 ]; then
		echo "ok unread listener: start $busy ms (waits its 500 ms bound)"
	else echo "FAIL unread listener: start $busy ms (want 500..3000)"; fails=1; fi
	exit $fails'
