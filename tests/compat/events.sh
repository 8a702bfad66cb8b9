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
# The first definition of a parent: libvirt watches the store and adds a
# watch for each new directory; what the directory holds by then it never
# hears of. Ours renames the directory in with the definition inside (one
# event, entries=1); a directory that appears empty and is filled after is
# one more re-read by libvirt when the file lands after its watch.
rm -rf "$WORK/real" "$WORK/ours"
cp -a "$WORK/template" "$WORK/real"
cp -a "$WORK/template" "$WORK/ours"
rm -rf "$WORK/real/etc/mdevctl.d/mtty" "$WORK/ours/etc/mdevctl.d/mtty"
for who in real ours; do
	"$INOTIFY_COUNT" "$WORK/$who/etc/mdevctl.d" -- sh "$HERE/events.sh" \
		--run "$who" "$WORK/$who" define -p mtty -t mtty-2 -u "$UN" \
		>"$WORK/$who.events" || true
done
r=$(head -n 1 "$WORK/real.events" | cut -d' ' -f1)
o=$(head -n 1 "$WORK/ours.events" | cut -d' ' -f1)
o_dir=$(sed -n 's/.* mtty .*entries=\([0-9-]*\).*/\1/p' "$WORK/ours.events" | head -n 1)
r_dir=$(sed -n 's/.* mtty .*entries=\([0-9-]*\).*/\1/p' "$WORK/real.events" | head -n 1)
msg="ours $o events, the directory arriving with ${o_dir:-?} entries; mdevctl $COMPAT_VERSION.0 $r, with ${r_dir:-?}"
if [ "$o" -le "$r" ] && [ "${o_dir:-0}" = 1 ]; then
	echo "ok define-new-parent: $msg"
else
	echo "FAIL define-new-parent: $msg"
	sed 's/^/  ours: /' "$WORK/ours.events"
	sed 's/^/  real: /' "$WORK/real.events"
	fail=$((fail + 1))
fi
[ $fail = 0 ]
