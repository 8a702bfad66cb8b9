#!/bin/sh
# `mdevctl start` waits until uevent listeners have read what is queued
# for them (src/ctl/uevent_wait.c: libvirt's nodedev-create race), and no
# longer than its bound. In a private network namespace (its own uevent
# sockets): with no listener a start returns at once; with a listener on
# udev's group that never reads an event queued for it, a start takes the
# whole bound (500 ms) and no more than a few times it; with a listener
# that read the event but is still busy on its CPU or waits for a child,
# a start waits until it rests, and with one that read it and rests, a
# start does not wait. One listener reads mdevd's tree while mdevd is
# stopped: waiting for a FUSE reply counts as busy.
# Env: MDEVCTL, UEVENT_SEND, MDEVD.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
: "${MDEVCTL:?set MDEVCTL}"
: "${UEVENT_SEND:?set UEVENT_SEND}"
: "${MDEVD:?set MDEVD}"
compat_require
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
unshare -n -m true 2>/dev/null || { echo "SKIP: no private network and mount namespaces"; exit 77; }

W=$(mktemp -d /tmp/mdevctl-uevent-wait.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM
mk_tree "$W/t"
export W MDEVCTL UEVENT_SEND MDEVD
unshare -n -m --propagation private sh -eu -c '
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
	# A listener that reads at once and then handles the event for
	# HOLD seconds on its CPU (libvirt 11 reads on one thread and works
	# on another): an empty queue is not enough, start waits for it to
	# rest. HOLD=0: it rests at once, and start does not wait.
	handled() { # HOW HOLD UUID: prints the milliseconds the start took
		rm -f "$W/ready"
		python3 -c "
import os, socket, subprocess, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15)
s.bind((0, 2))
open(sys.argv[1], \"w\").close()
s.recv(65536)
if sys.argv[2] == \"spin\":
    end = time.monotonic() + float(sys.argv[3])
    while time.monotonic() < end:
        pass
elif sys.argv[2] == \"read\":
    os.listdir(sys.argv[3])
else:
    subprocess.run([\"sleep\", sys.argv[3]])
time.sleep(60)" "$W/ready" "$1" "$2" &
		lp=$!
		n=0
		while [ ! -e "$W/ready" ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
		"$UEVENT_SEND" add /devices/virtual/mtty/mtty/x mdev
		start "$3"
		kill $lp
	}
	held=$(handled spin 0.4 aaaaaaaa-0000-4000-8000-000000000003)
	if [ "$held" -ge 250 ] && [ "$held" -lt 3000 ]; then
		echo "ok listener handling the event: start $held ms (waits for it)"
	else echo "FAIL listener handling the event: start $held ms (want 250..3000)"; fails=1; fi
	# ... or waiting for a program it ran (libvirt 11'"'"'s worker running
	# `mdevctl list` while the next event waits behind it)
	child=$(handled child 0.4 aaaaaaaa-0000-4000-8000-000000000005)
	if [ "$child" -ge 250 ] && [ "$child" -lt 3000 ]; then
		echo "ok listener waiting for its child: start $child ms (waits for it)"
	else echo "FAIL listener waiting for its child: start $child ms (want 250..3000)"; fails=1; fi
	# ... or waiting for a FUSE file system to answer (libvirt reading
	# mdevd'"'"'s tree: S, but wchan request_wait_answer): mdevd stopped, so
	# the read never ends and the start takes its whole bound
	if out=$(timeout 30 "$MDEVD" --state "$W/mdevd-state" "$W/m" 2>"$W/mdevd.log"); then
		mp=$(echo "$out" | sed -n "s/^mdevd: serving .* (pid \([0-9]*\))\$/\1/p")
		kill -STOP "$mp"
		fuse=$(handled read "$W/m/sys/class/mdev_bus" aaaaaaaa-0000-4000-8000-000000000006)
		kill -CONT "$mp"
		kill "$mp"
		if [ "$fuse" -ge 500 ] && [ "$fuse" -lt 3000 ]; then
			echo "ok listener waiting for a FUSE reply: start $fuse ms (waits its bound)"
		else echo "FAIL listener waiting for a FUSE reply: start $fuse ms (want 500..3000)"; fails=1; fi
	else
		echo "FAIL mdevd did not start: $out $(cat "$W/mdevd.log")"; fails=1
	fi
	rest=$(handled spin 0 aaaaaaaa-0000-4000-8000-000000000004)
	if [ "$rest" -lt 200 ]; then
		echo "ok listener done with the event: start $rest ms"
	else echo "FAIL listener done with the event: start $rest ms (>= 200)"; fails=1; fi
	exit $fails'
