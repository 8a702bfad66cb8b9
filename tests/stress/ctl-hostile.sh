#!/bin/bash
# Hostile input through mdevctl: each row must fail with a non-zero exit,
# say why on stderr, and change nothing — in the store or anywhere else
# under the test root (UUIDs, parent names, attribute names escaping the
# device directory, non-string / invalid UTF-8 / NUL / deeply nested / huge
# --jsonfile, a definition too big to read back, a symlinked parent dir).
# All failing rows are listed before the test fails. (ctl-store.sh has
# the file symlinks, the full store and the callout permissions.)
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
stress_setup tmpfs
ctl_setup
start_mdevd
store=$ROOT/etc/mdevctl.d
U=0bad0000-0000-4000-8000-000000000001
U2=0bad0000-0000-4000-8000-000000000002
"$MDEVCTL" define -u $U -p mtty -t mtty-1
echo victim >"$T/victim"
mkdir -p "$T/outside"

# The test root (but mdevd's tree) and the canaries outside it, with contents.
snapshot() {
	(cd "$T" && find ./root ./outside ./victim -path ./root/sys -prune -o \
		\( -type f -o -type l \) -print | LC_ALL=C sort |
		while read -r p; do
			if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"
			else echo "$p $(md5sum <"$p")"; fi
		done)
	ls "$ROOT/sys/bus/mdev/devices"
}
rows=0 bad_rows=0
# bad_row NAME WHY: a row that failed; the table goes on, the test fails.
bad_row() {
	bad_rows=$((bad_rows + 1))
	echo "  FAIL $1: $2" >&2
}
# refused NAME ARGS...: mdevctl ARGS must fail, print something, change nothing.
refused() {
	local name=$1 rc=0 before after
	shift
	before=$(snapshot)
	timeout 60 "$MDEVCTL" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	after=$(snapshot)
	rows=$((rows + 1))
	if [ $rc -eq 0 ]; then
		bad_row "$name" "succeeded"
	elif [ $rc -ge 124 ]; then
		bad_row "$name" "crashed or hung (exit $rc): $(head -3 "$T/err")"
	elif [ ! -s "$T/err" ]; then
		bad_row "$name" "no message"
	elif [ "$after" != "$before" ]; then
		bad_row "$name" "changed files: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -3 | tr '\n' ' ')"
	else
		echo "  $name: exit $rc: $(grep -v '^$' "$T/err" | head -1 | cut -c1-150)"
		return 0
	fi
	# undo what a wrongly accepted row did, so later rows start clean
	find "$T/outside" -mindepth 1 -delete
	"$MDEVCTL" undefine -u $U2 >/dev/null 2>&1 || true
	rm -rf "$ROOT/outside" "$ROOT/etc/$U2" "$store/$U2" "$store/a"
}
jf=$T/in.json
echo "CLI rows:"
refused "uuid ../../../etc/x" define -u ../../../etc/x -p mtty -t mtty-1
refused "uuid 36 x '-'" define -u ------------------------------------ -p mtty -t mtty-1
refused "uuid with /" define -u 0bad0000/0000-4000-8000-000000000003 -p mtty -t mtty-1
refused "parent ../../outside" define -u $U2 -p ../../outside -t mtty-1
refused "parent a/b" define -u $U2 -p a/b -t mtty-1
refused "parent .." define -u $U2 -p .. -t mtty-1
refused "parent ." define -u $U2 -p . -t mtty-1
refused "parent scripts.d" define -u $U2 -p scripts.d -t mtty-1
refused "define existing" define -u $U -p mtty -t mtty-2
refused "addattr ../../../victim" modify -u $U --addattr=../../../../../../../../..$T/victim --value=x
refused "addattr /abs" modify -u $U --addattr=/etc/passwd --value=x
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":1}]}' >"$jf"
refused "jsonfile non-string value" define -u $U2 -p mtty --jsonfile "$jf"
printf '{"mdev_type":["mtty-1"],"start":"auto","attrs":[]}' >"$jf"
refused "jsonfile non-string type" define -u $U2 -p mtty --jsonfile "$jf"
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"../../../../../../..%s":"x"}]}' "$T/victim" >"$jf"
refused "jsonfile attr escaping" define -u $U2 -p mtty --jsonfile "$jf"
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"x\0y"}]}' >"$jf"
refused "jsonfile NUL byte" define -u $U2 -p mtty --jsonfile "$jf"
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"x\x9by"}]}' >"$jf"
refused "jsonfile invalid UTF-8" define -u $U2 -p mtty --jsonfile "$jf"
{ head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; } >"$jf"
refused "jsonfile 100000-deep" define -u $U2 -p mtty --jsonfile "$jf"
{ printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"'; head -c 20000000 /dev/zero | tr '\0' a; printf '"}]}'; } >"$jf"
refused "jsonfile 20 MB" define -u $U2 -p mtty --jsonfile "$jf"
refused "jsonfile /dev/zero" define -u $U2 -p mtty --jsonfile /dev/zero
refused "jsonfile a directory" define -u $U2 -p mtty --jsonfile "$T"
echo "CLI: $rows rows, $bad_rows failed"

# A definition with a big value is either refused or read back whole.
{ printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"'; head -c 1100000 /dev/zero | tr '\0' a; printf '"}]}'; } >"$jf"
if "$MDEVCTL" define -u $U2 -p mtty --jsonfile "$jf" 2>"$T/err"; then
	"$MDEVCTL" list -d -u $U2 >"$T/out" 2>"$T/err"
	if [ ! -s "$T/err" ] && grep -q $U2 "$T/out"; then
		echo "1.1 MB attribute value: accepted and read back"
	else
		bad_row "1.1 MB value" "written but cannot be read back: $(cat "$T/err")"
	fi
	"$MDEVCTL" undefine -u $U2 >/dev/null 2>&1 || rm -f "$store/mtty/$U2"
else
	echo "1.1 MB attribute value: refused: $(head -1 "$T/err")"
fi

# Upper-case UUIDs are accepted and stored lower-case (as 1.2.0).
"$MDEVCTL" define -u "${U2^^}" -p mtty -t mtty-2
[ -f "$store/mtty/$U2" ] || fail "upper-case UUID not stored lower-case"
"$MDEVCTL" undefine -u $U2

# A symlinked parent directory in the store is not followed for writing.
ln -s "$T/outside" "$store/evil"
"$MDEVCTL" define -u $U2 -p evil -t mtty-1 >/dev/null 2>&1 || true
[ -z "$(ls "$T/outside")" ] || bad_row symlink "define wrote through a symlinked parent directory"
rm -f "$store/evil"
echo "symlinked parent directory: checked"

stop_mdevd
[ $bad_rows -eq 0 ] || fail "$bad_rows hostile inputs were not refused cleanly"
echo "ctl-hostile: ok"
