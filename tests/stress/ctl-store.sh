#!/bin/bash
# mdevctl's store under attack and under pressure:
#  - a definition path that is a symlink (to a file elsewhere, or dangling)
#    is never followed for writing: modify/undefine replace or remove the
#    link, define does not create the target;
#  - a full store (64 KiB tmpfs): the write fails with "No space left on
#    device", no partial or temporary file, earlier definitions intact;
#  - callout scripts run only when root-owned and not group/world-writable;
#    others are refused with a message naming the script and the reason.
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

# Symlinks in the store are never followed for writing.
ln -s "$T/victim" "$store/mtty/$U2"
before=$(md5sum <"$T/victim")
"$MDEVCTL" modify -u $U2 -a >/dev/null 2>&1 || true
"$MDEVCTL" undefine -u $U2 >/dev/null 2>&1 || true
[ "$(md5sum <"$T/victim")" = "$before" ] || fail "a write followed a symlinked definition"
rm -f "$store/mtty/$U2"
ln -s "$T/outside/new" "$store/mtty/$U2"
"$MDEVCTL" define -u $U2 -p mtty -t mtty-1 >/dev/null 2>&1 || true
[ ! -e "$T/outside/new" ] || fail "define wrote through a dangling symlink"
rm -f "$store/mtty/$U2"
echo "symlinked definitions: never followed for writing"

# Hostile files in the store: a 64 MB definition, binary junk, a deeply
# nested one, a directory named like a UUID. Each is reported as
# "<path>: <reason>", the good definition is still listed, reading is
# bounded (a few seconds at most).
U3=0bad0000-0000-4000-8000-000000000003
U4=0bad0000-0000-4000-8000-000000000004
U5=0bad0000-0000-4000-8000-000000000005
U6=0bad0000-0000-4000-8000-000000000006
head -c 67108864 /dev/zero | tr '\0' ' ' >"$store/mtty/$U3"
head -c 4096 /dev/urandom >"$store/mtty/$U4"
{ head -c 100000 /dev/zero | tr '\0' '['; } >"$store/mtty/$U5"
mkdir "$store/mtty/$U6"
rc=0
timeout 20 "$MDEVCTL" list -d >"$T/out" 2>"$T/err" || rc=$?
[ $rc -lt 124 ] || fail "list -d over hostile store files: exit $rc"
grep -q "^$U " "$T/out" || fail "the good definition is not listed next to bad files"
for u in $U3 $U4 $U5; do
	grep -q "$u" "$T/err" || fail "bad file $u not reported: $(cat "$T/err")"
done
grep -q "$U3\|$U4\|$U5" "$T/out" && fail "a bad file was listed as a device"
echo "hostile store files: reported, good one listed: $(grep -c . "$T/err") lines on stderr"
rm -rf "$store/mtty/$U3" "$store/mtty/$U4" "$store/mtty/$U5" "$store/mtty/$U6"

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
echo "ctl-store: ok"
