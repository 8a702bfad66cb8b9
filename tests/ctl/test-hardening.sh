#!/bin/sh
# Hostile input that 1.2.0 mishandles (docs/mdevctl.md, "Hostile input"):
# parent names that are not one path component, attribute names escaping
# the device directory (also in hand-written store files and through a
# symlink in the device directory), invalid UTF-8, definitions too large
# to read back, a symlinked parent directory in the store, stale temporary
# files. Each refusal must exit non-zero with one "Error: ..." line and
# change nothing. The invalid UTF-8 message is compared with what Debian's
# mdevctl prints for the same file.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
. "$HERE/tap.sh"
: "${MDEVCTL:?set MDEVCTL}"
compat_require

W=$(mktemp -d /tmp/mdevctl-hardening.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT INT TERM

UB=bbbbbbbb-2222-3333-4444-555555555555
T=$W/t
mk_tree "$T"
echo victim >"$W/victim"
: >"$T/etc/mdevctl.d/.lock" # created by the first locked command
mkdir "$W/outside" "$W/o"

# everything under W (the tree, the canaries), with contents
snapshot() {
	(cd "$W" && find . -path ./o -prune -o \
		-print | LC_ALL=C sort | while read -r p; do
		if [ -L "$p" ]; then
			echo "$p -> $(readlink "$p")"
		elif [ -f "$p" ]; then
			echo "$p $(md5sum <"$p")"
		else
			echo "$p"
		fi
	done)
}

# refused DESC PATTERN ARGS...: must fail with one "Error: " line matching
# PATTERN on stderr and change nothing
refused() {
	_rd=$1 _pat=$2
	shift 2
	snapshot >"$W/o/snap"
	_rc=0
	run_ours "$T" "$@" >/dev/null 2>"$W/o/err" || _rc=$?
	ck "$_rd: exit 1" '[ $_rc = 1 ]'
	ck "$_rd: one line '$_pat'" \
		'[ "$(wc -l <"$W/o/err")" = 1 ] && grep -q "^Error: $_pat" "$W/o/err"'
	ck "$_rd: nothing changed" 'snapshot | cmp -s - "$W/o/snap"'
}

# 1. parent names (R3)
for p in ../../outside a/b .. . scripts.d '' "$(printf 'x\ny')"; do
	refused "define -p '$(echo "$p" | tr '\n' '~')'" "Invalid parent name" \
		define -u $UB -p "$p" -t mtty-1
done
refused "start --jsonfile -p .." "Invalid parent name '..'" \
	start -u $UB -p .. --jsonfile j1.json
refused "modify --jsonfile -p a/b" "Invalid parent name 'a/b'" \
	modify -u $UA -p a/b --jsonfile j1.json
refused "undefine -p .." "Invalid parent name '..'" undefine -u $UA -p ..
mkdir "$T/etc/mdevctl.d/$(printf 'p\001')"
printf '{"mdev_type":"mtty-1","start":"auto"}' \
	>"$T/etc/mdevctl.d/$(printf 'p\001')/$UB"
run_ours "$T" list -d >"$W/o/out" 2>"$W/o/err"
ck "a store directory with a control byte is not a parent" \
	'! grep -q $UB "$W/o/out"'
rm -r "$T/etc/mdevctl.d/$(printf 'p\001')"

# 2. attribute names (R4)
for n in ../../../../victim /etc/passwd a//b a/./b a/../b a/ . '' \
	"$(printf 'a\tb')"; do
	refused "modify --addattr '$n'" "Invalid attribute name" \
		modify -u $UA --addattr="$n" --value=x
done
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"../../../../../../../..%s":"x"}]}' \
	"$W/victim" >"$T/esc.json"
refused "define --jsonfile escaping attribute" "Invalid attribute name" \
	define -u $UB -p mtty --jsonfile esc.json
refused "start --jsonfile escaping attribute" "Invalid attribute name" \
	start -u $UB -p mtty --jsonfile esc.json
refused "start -t ../../../.." "Invalid type name '../../../..'" \
	start -u $UB -p mtty -t ../../../..
run_ours "$T" modify -u $UA --addattr=sub/ok --value=1
ck "a nested attribute name is accepted" \
	'grep -q "sub/ok" "$T/etc/mdevctl.d/mtty/$UA"'
run_ours "$T" modify -u $UA --delattr

# a hand-written definition: listed as 1.2.0 lists it, never started
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"../../../../../../../..%s":"x"}]}' \
	"$W/victim" >"$T/etc/mdevctl.d/mtty/$UB"
rc=0
run_ours "$T" list -d -u $UB >"$W/o/out" 2>"$W/o/err" || rc=$?
ck "hand-written escaping attribute: listed" '[ $rc = 0 ] && grep -q $UB "$W/o/out"'
refused "start of a hand-written escaping attribute" \
	"Invalid attribute name" start -u $UB
rc=0
run_ours "$T" start-parent-mdevs mtty >/dev/null 2>"$W/o/err" || rc=$?
ck "start-parent-mdevs skips it with a warning" \
	'grep -q "Invalid attribute name" "$W/o/err" && [ "$(cat "$W/victim")" = victim ]'

# a symlink in the device directory is not followed
dev=$T/sys/bus/mdev/devices/$UB
mkdir -p "$dev/sub"
echo 0 >"$dev/sub/ok"
ln -s "$W/victim" "$dev/evil"
printf '{"mdev_type":"mtty-1","start":"manual","attrs":[{"sub/ok":"1"}]}' \
	>"$T/etc/mdevctl.d/mtty/$UB"
run_ours "$T" start -u $UB
ck "a nested attribute is written" '[ "$(cat "$dev/sub/ok")" = 1 ]'
printf '{"mdev_type":"mtty-1","start":"manual","attrs":[{"evil":"PWNED"}]}' \
	>"$T/etc/mdevctl.d/mtty/$UB"
rc=0
run_ours "$T" start -u $UB >/dev/null 2>"$W/o/err" || rc=$?
ck "attribute through a symlink: refused" \
	'[ $rc = 1 ] && grep -q "^Error: Refusing to write attribute .evil." "$W/o/err"'
ck "attribute through a symlink: target unchanged" \
	'[ "$(cat "$W/victim")" = victim ]'
rm -rf "$dev" "$T/etc/mdevctl.d/mtty/$UB"

# 3. invalid UTF-8 (R2): 1.2.0's message for --jsonfile
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"x\233y"}]}' \
	>"$T/u.json"
snapshot >"$W/o/snap"
rc=0
run_ours "$T" define -u $UB -p mtty --jsonfile u.json >/dev/null \
	2>"$W/o/got.err" || rc=$?
run_real "$T" define -u $UB -p mtty --jsonfile u.json >/dev/null \
	2>"$W/o/exp.err" || true
ck "jsonfile invalid UTF-8: exit 1" '[ $rc = 1 ]'
ck "jsonfile invalid UTF-8: 1.2.0's message" 'cmp -s "$W/o/exp.err" "$W/o/got.err"'
ck "jsonfile invalid UTF-8: nothing written" 'snapshot | cmp -s - "$W/o/snap"'
cp "$T/u.json" "$T/etc/mdevctl.d/mtty/$UB"
run_ours "$T" list -d >/dev/null 2>"$W/o/err"
ck "store file with invalid UTF-8 reported" \
	'grep -qx "$T/etc/mdevctl.d/mtty/$UB: stream did not contain valid UTF-8" "$W/o/err"'
rm "$T/etc/mdevctl.d/mtty/$UB"

# 4. a definition the store could not read back (R5)
{
	printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"'
	head -c 1100000 /dev/zero | tr '\0' a
	printf '"}]}'
} >"$T/big.json"
refused "definition over 1 MiB" "Definition of device $UB is too large" \
	define -u $UB -p mtty --jsonfile big.json
refused "modify --jsonfile to over 1 MiB" \
	"Definition of device $UA is too large" \
	modify -u $UA -p mtty --jsonfile big.json

# 5. a symlinked parent directory (R6), also a dangling one
ln -s "$W/outside" "$T/etc/mdevctl.d/evil"
refused "define through a symlinked parent dir" "Refusing to write config" \
	define -u $UB -p evil -t mtty-1
rm "$T/etc/mdevctl.d/evil"
ln -s "$W/nowhere" "$T/etc/mdevctl.d/evil"
refused "define through a dangling parent symlink" "Refusing to write config" \
	define -u $UB -p evil -t mtty-1
ck "nothing created at the dangling link's target" '[ ! -e "$W/nowhere" ]'
rm "$T/etc/mdevctl.d/evil"

# 6. stale temporary files are removed under the lock (R8)
: >"$T/etc/mdevctl.d/mtty/.mdevctl.AbC123"
# and in the directory beside the store, where writes are staged
: >"$T/etc/.mdevctl.XyZ789"
run_ours "$T" modify -u $UA --addattr=k --value=v
ck "stale temporary file removed" \
	'[ ! -e "$T/etc/mdevctl.d/mtty/.mdevctl.AbC123" ]'
ck "stale staged file removed" '[ ! -e "$T/etc/.mdevctl.XyZ789" ]'
ck "no temporary file left" \
	'[ -z "$(find "$T/etc" -name ".mdevctl.*")" ]'
ck "the definition was written" \
	'grep -q "\"k\": \"v\"" "$T/etc/mdevctl.d/mtty/$UA"'

echo "hardening: $fails failed"
[ $fails = 0 ]
