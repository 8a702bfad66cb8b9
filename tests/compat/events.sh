#!/bin/sh
# File events in the store: for each operation, the real mdevctl and ours
# run on two identical fresh trees while inotify-count watches
# etc/mdevctl.d and the parent's directory with the mask GLib (libvirt's
# GFileMonitor) uses. libvirt re-reads the store after events, so ours must
# cause no more events than the real one's for every operation (ours
# writes beside the store and renames in: one event, where the real one's
# in-place rewrite makes two or three). Counts and spans are printed.
# Env: MDEVCTL, INOTIFY_COUNT, COMPAT_VERSION (1.2 or 1.4).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
if [ "${1:-}" = --run ]; then # internal: inotify-count's command
	shift
	who=$1 root=$2
	shift 2
	"run_$who" "$root" "$@"
	exit
fi
: "${MDEVCTL:?set MDEVCTL}"
: "${INOTIFY_COUNT:?set INOTIFY_COUNT}"
compat_require

WORK=$(mktemp -d /tmp/mdevctl-events.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM
mk_tree "$WORK/template"
fail=0

count() { # WHO ROOT args... -> prints the event count
	_who=$1 _root=$2
	shift 2
	"$INOTIFY_COUNT" "$_root/etc/mdevctl.d" "$_root/etc/mdevctl.d/mtty" \
		-- sh "$HERE/events.sh" --run "$_who" "$_root" "$@" \
		>"$WORK/$_who.events" || true
	head -n 1 "$WORK/$_who.events"
}


while IFS='|' read -r name args; do
	case $name in '' | '#'*) continue ;; esac
	rm -rf "$WORK/real" "$WORK/ours"
	cp -a "$WORK/template" "$WORK/real"
	cp -a "$WORK/template" "$WORK/ours"
	eval "set -- $args"
	# the real one's first: its run fills the page cache for ours
	set -- $(count real "$WORK/real" "$@") $(count ours "$WORK/ours" "$@")
	r=$1 rspan=$2 o=$3 ospan=$4
	ok=$([ "$o" -le "$r" ] && echo 1 || echo 0)
	msg="ours $o events in $ospan ms, mdevctl $COMPAT_VERSION.0 $r in $rspan ms"
	if [ "$ok" = 1 ]; then
		echo "ok $name: $msg"
	else
		echo "FAIL $name: $msg"
		sed 's/^/  ours: /' "$WORK/ours.events"
		sed 's/^/  real: /' "$WORK/real.events"
		fail=$((fail + 1))
	fi
done <<LIST
define|define -p mtty -t mtty-2 -u $UN
define-auto|define -p mtty -t mtty-1 -u $UN -a
define-jsonfile|define -p mtty --jsonfile j1.json -u $UN
modify-manual|modify -u $U0 -m
modify-addattr|modify -u $UA --addattr k --value v
modify-delattr|modify -u $U0 --delattr
undefine|undefine -u $UA
LIST
[ $fail = 0 ]
