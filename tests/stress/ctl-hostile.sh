#!/bin/bash
# Hostile input through mdevctl: each row must fail with a non-zero exit,
# say why on stderr, and change nothing — in the store or anywhere else
# under the test root. Then symlink tricks in the store, a full store disk,
# and callout scripts that must not be run (group/world-writable, not owned
# by root).
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

# Symlinks in the store are never followed for writing.
ln -s "$T/victim" "$store/mtty/$U2"
before=$(md5sum <"$T/victim")
"$MDEVCTL" modify -u $U2 -a >/dev/null 2>&1 || true
"$MDEVCTL" undefine -u $U2 >/dev/null 2>&1 || true
[ "$(md5sum <"$T/victim")" = "$before" ] || bad_row symlink "a write followed a symlinked definition"
rm -f "$store/mtty/$U2"
ln -s "$T/outside/new" "$store/mtty/$U2"
"$MDEVCTL" define -u $U2 -p mtty -t mtty-1 >/dev/null 2>&1 || true
[ ! -e "$T/outside/new" ] || bad_row symlink "define wrote through a dangling symlink"
rm -f "$store/mtty/$U2"
ln -s "$T/outside" "$store/evil"
"$MDEVCTL" define -u $U2 -p evil -t mtty-1 >/dev/null 2>&1 || true
[ -z "$(ls "$T/outside")" ] || bad_row symlink "define wrote through a symlinked parent directory"
rm -f "$store/evil"
echo "symlinks: checked (file link replaced not followed, dangling link, linked parent dir)"

# A full store: define fails with a clear error, nothing partial, the
# earlier definitions intact.
mount -t tmpfs -o size=64k tmpfs "$store"
mkdir -p "$store/scripts.d/callouts" "$store/scripts.d/notifiers"
n=0
while :; do
	u=$(printf 'f0110000-0000-4000-8000-%012d' $n)
	nv=$(head -c 3000 /dev/zero | tr '\0' v)
	if ! "$MDEVCTL" define -u "$u" -p mtty -t mtty-1 2>"$T/err" ||
		! "$MDEVCTL" modify -u "$u" --addattr=a --value="$nv" 2>>"$T/err"; then
		break
	fi
	n=$((n + 1))
	[ $n -lt 500 ] || fail "64 KiB store never filled"
done
grep -q "No space left on device" "$T/err" || fail "full store: unclear error: $(cat "$T/err")"
if [ -e "$store/mtty/$u" ]; then
	# the define went through, the modify did not: the old version stays
	expect_eq "definition after a refused modify" "$(cat "$store/mtty/$u")" \
		"$(render_definition mtty-1 manual)"
	n=$((n + 1))
fi
expect_eq "definitions listed on the full store" "$("$MDEVCTL" list -d 2>&1 | grep -c .)" "$n"
expect_eq "temporary files left" "$(find "$store" -name '.mdevctl.*' | wc -l)" 0
echo "full store after $n definitions: $(grep -v '^$' "$T/err" | tr '\n' ' ')"
umount "$store"

# Callout scripts: run only if root-owned and not group/world-writable.
co=$store/scripts.d/callouts
cat >"$co/probe" <<SH
#!/bin/sh
echo "\$*" >>"$T/callout-ran"
exit 2
SH
try_callout() {
	rm -f "$T/callout-ran"
	"$MDEVCTL" modify -u $U -a >/dev/null 2>"$T/err" || true
	"$MDEVCTL" modify -u $U -m >/dev/null 2>>"$T/err" || true
}
chmod 0755 "$co/probe"
try_callout
[ -s "$T/callout-ran" ] || fail "a root-owned 0755 callout was not run"
chmod 0775 "$co/probe"
try_callout
[ ! -e "$T/callout-ran" ] || fail "a group-writable callout was run"
grep -q "probe" "$T/err" || fail "group-writable callout refused silently"
echo "callout 0775: $(grep probe "$T/err" | head -1)"
chmod 0757 "$co/probe"
try_callout
[ ! -e "$T/callout-ran" ] || fail "a world-writable callout was run"
chmod 0755 "$co/probe"
chown 65534:65534 "$co/probe"
try_callout
[ ! -e "$T/callout-ran" ] || fail "a callout owned by nobody was run"
echo "callout owned by nobody: $(grep probe "$T/err" | head -1)"
rm -f "$co/probe"
stop_mdevd
[ $bad_rows -eq 0 ] || fail "$bad_rows hostile inputs were not refused cleanly"
echo "ctl-hostile: ok"
