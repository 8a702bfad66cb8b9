# Shared by the guest tests (sourced by bash after tests/fs/lib.sh): a
# QEMU that a failing check leaves behind is killed (kit.sh execs into
# it: $QEMU is its pid), the guest root is built or the test skips (77; a
# failure under CI), and a display model's screenshot is fetched.
# Sets GUEST (this directory) and KROOT (the guest root).
GUEST=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QEMU=
trap 'rc=$?; set +e; [ -z "$QEMU" ] || kill -KILL "$QEMU" 2>/dev/null; (exit $rc); cleanup' EXIT

if ! KROOT=$("$KIT" root 2>"$T/kit.log"); then
	cat "$T/kit.log" >&2
	[ -z "${CI:-}" ] || fail "cannot build the guest root"
	echo "SKIP: cannot build the guest root (above)"
	exit 77
fi

# screenshot SOCKET OUT: what <uuid>.screen answers (a PNG, or nothing).
screenshot() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
with open(sys.argv[2], "wb") as f:
    while True:
        b = s.recv(1 << 16)
        if not b: break
        f.write(b)' "$1" "$2"
}

# boot_until LOG PATTERN IMAGE SOCKET...: boots IMAGE with the devices
# (kit.sh run, in the background: $QEMU) and waits (at most 120 s, or until
# QEMU exits) for the console, LOG, to show PATTERN; 1 if it does not.
boot_until() {
	local log=$1 pattern=$2
	shift 2
	"$KIT" run "$@" >"$log" 2>&1 &
	QEMU=$!
	for _ in $(seq 1 1200); do
		grep -q "$pattern" "$log" && return 0
		kill -0 $QEMU 2>/dev/null || break
		sleep 0.1
	done
	grep -q "$pattern" "$log"
}
