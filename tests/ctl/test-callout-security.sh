#!/bin/sh
# Callout and notifier scripts must be owned by root and not writable by
# group or others; others are refused with a message and never run. And
# with no script installed, nothing is forked: start-parent-mdevs over many
# auto definitions runs in one process (checked with strace when present).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
. "$HERE/tap.sh"
: "${MDEVCTL:?set MDEVCTL}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chown)"; exit 77; }

W=$(mktemp -d /tmp/mdevctl-sec.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

for kind in group-writable world-writable not-root; do
	R=$W/$kind
	mk_tree "$R"
	C=$R/etc/mdevctl.d/scripts.d/callouts
	mk_script "$C" evil.sh calllog 0 1
	case $kind in
	group-writable) chmod 775 "$C/evil.sh"; why="writable by group or others" ;;
	world-writable) chmod 757 "$C/evil.sh"; why="writable by group or others" ;;
	not-root) chown 65534 "$C/evil.sh"; why="not owned by root" ;;
	esac
	rc=0
	MDEVCTL_ENV_ROOT=$R "$MDEVCTL" define -p mtty -t mtty-1 -u $UN >"$W/out" 2>"$W/err" || rc=$?
	check "$kind script: define goes ahead (the script's pre veto is ignored)" $rc
	echo "mdevctl: refusing to run $C/evil.sh: $why" >"$W/exp"
	ck "$kind script: refused with a clear message" 'cmp -s "$W/exp" "$W/err"'
	ck "$kind script: never ran" '[ ! -e "$R/etc/mdevctl.d/calllog" ]'
done

# the same script, root-owned 0755, is run and its pre veto honoured
R=$W/trusted
mk_tree "$R"
mk_script "$R/etc/mdevctl.d/scripts.d/callouts" good.sh calllog 0 1
rc=0
MDEVCTL_ENV_ROOT=$R "$MDEVCTL" define -p mtty -t mtty-1 -u $UN >"$W/out" 2>"$W/err" || rc=$?
ck "trusted script runs and cancels define" '[ $rc = 1 ] && [ -s "$R/etc/mdevctl.d/calllog" ] && [ ! -e "$R/etc/mdevctl.d/mtty/$UN" ]'

# no scripts: no fork
if command -v strace >/dev/null 2>&1; then
	R=$W/nofork
	mk_tree "$R"
	i=0
	while [ $i -lt 50 ]; do
		printf '{"mdev_type":"mtty-1","start":"auto"}' >"$R/etc/mdevctl.d/mtty/$(printf 'f0f0f0f0-0000-0000-0000-%012d' $i)"
		i=$((i + 1))
	done
	ASAN_OPTIONS=detect_leaks=0 MDEVCTL_ENV_ROOT=$R strace -f -qq -e trace=fork,vfork,clone,clone3 -o "$W/trace" \
		"$MDEVCTL" start-parent-mdevs mtty >/dev/null 2>&1
	ck "start-parent-mdevs over 51 auto definitions forks nothing" '! grep -Eq "clone|fork" "$W/trace"'
	mk_script "$R/etc/mdevctl.d/scripts.d/notifiers" n.sh notelog 0 0
	ASAN_OPTIONS=detect_leaks=0 MDEVCTL_ENV_ROOT=$R strace -f -qq -e trace=fork,vfork,clone,clone3 -o "$W/trace" \
		"$MDEVCTL" start-parent-mdevs mtty >/dev/null 2>&1
	ck "(with a notifier installed it does fork, so the check can fail)" 'grep -Eq "clone|fork" "$W/trace"'
else
	echo "ok - # SKIP no-fork check: strace not installed"
fi

echo "callout-security: $fails failure(s)"
[ $fails = 0 ]
