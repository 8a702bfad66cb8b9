#!/bin/sh
# Runs inside mdev-sandbox (test-callout-vfio-ap.sh): one vfio_ap device's
# life through the mdevkit-vfio-ap callout, driven by the mdevctl given as
# arguments, and prints a transcript - each command, its exit status and
# output, and the device's matrix read back from mdevd's tree - with the
# device's UUID written as U, so that two mdevctls' transcripts compare.
#   callout-vfio-ap-steps.sh DIR MDEVCTL [ARGS...]
# DIR: where the JSON files are written (a path valid inside the sandbox).
set -u
dir=$1
shift
U=$(cat /proc/sys/kernel/random/uuid)
U2=$(cat /proc/sys/kernel/random/uuid)
U3=$(cat /proc/sys/kernel/random/uuid)
P=matrix
dev=/sys/bus/mdev/devices/$U

def() { # FILE ATTRS (the JSON text inside "attrs":[...])
	printf '{"mdev_type":"vfio_ap-passthrough","start":"manual","attrs":[%s]}' "$2" >"$dir/$1"
}
def a.json '{"assign_adapter":"5"},{"assign_domain":"0x4"},{"assign_control_domain":"7"}'
def b.json '{"assign_adapter":"6"},{"assign_adapter":"0x10"},{"assign_domain":"4"},{"assign_domain":"9"}'
def c.json '{"assign_adapter":"0x10"},{"assign_adapter":"2"},{"unassign_adapter":"0x10"},{"assign_domain":"010"},{"assign_control_domain":"255"}'
def big.json '{"assign_adapter":"300"}'
def name.json '{"assign_adapter":"1"},{"frame_rate":"2"}'
def word.json '{"assign_adapter":"five"}'
def taken.json '{"assign_adapter":"2"},{"assign_domain":"8"}'
def free.json '{"assign_adapter":"2"},{"assign_domain":"9"}'
def grab.json '{"assign_adapter":"2"},{"assign_domain":"8"},{"assign_domain":"9"}'

run() { # MDEVCTL ARGS...: one command; <EOF> ends its output (a missing
	# last newline shows)
	_ctl=$1
	shift
	echo "\$ mdevctl $*" | sed "s/$U3/U3/g; s/$U2/U2/g; s/$U/U/g"
	"$_ctl" "$@" >"$dir/out" 2>"$dir/err"
	echo "rc=$?"
	{ cat "$dir/out"; echo "<EOF>"; cat "$dir/err"; echo "<EOF>"; } |
		sed "s/$U3/U3/g; s/$U2/U2/g; s/$U/U/g"
}
matrix() { # STEP
	if [ -e "$dev/matrix" ]; then
		echo "$1 matrix=$(tr '\n' ' ' <"$dev/matrix")control=$(tr '\n' ' ' <"$dev/control_domains")"
	else
		echo "$1 matrix=none"
	fi
}

run "$@" start -u "$U" -p $P --jsonfile "$dir/a.json"
matrix started
run "$@" list -v -u "$U"
run "$@" list --dumpjson -u "$U"
run "$@" modify -u "$U" --live --jsonfile "$dir/b.json"
matrix live-b
run "$@" list -v -u "$U"
run "$@" modify -u "$U" --live --jsonfile "$dir/c.json"
matrix live-c
run "$@" list --dumpjson -u "$U"
run "$@" modify -u "$U" --live --jsonfile "$dir/big.json"
matrix live-300
run "$@" modify -u "$U" --live --jsonfile "$dir/name.json"
matrix live-name
run "$@" modify -u "$U" --live --jsonfile "$dir/word.json"
matrix live-word
# APQNs another running device holds: refused at start and live
run "$@" start -u "$U3" -p $P --jsonfile "$dir/taken.json"
echo "started-taken=$(test -e "/sys/bus/mdev/devices/$U3" && echo yes || echo no)"
run "$@" start -u "$U3" -p $P --jsonfile "$dir/free.json"
echo "started-free=$(test -e "/sys/bus/mdev/devices/$U3" && echo yes || echo no)"
run "$@" modify -u "$U" --live --jsonfile "$dir/grab.json"
matrix live-grab
run "$@" stop -u "$U3"
run "$@" define -u "$U2" -p $P --jsonfile "$dir/big.json"
echo "defined-300=$(test -e "/etc/mdevctl.d/$P/$U2" && echo yes || echo no)"
run "$@" stop -u "$U"
matrix stopped
