#!/bin/sh
# Where our mdevctl is deliberately better than 1.2.0 (docs/mdevctl.md):
# a broken definition is reported as "<path>: <reason>" and skipped, never
# breaking the command; scripts.d is never a parent; non-string attribute
# values are an error, not a panic; out-of-range --delattr index is an
# error. Expected listings are produced live by Debian's mdevctl on the
# same tree without the broken file.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
. "$HERE/tap.sh"
: "${MDEVCTL:?set MDEVCTL}"
compat_require

W=$(mktemp -d /tmp/mdevctl-robust.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

UB=bbbbbbbb-2222-3333-4444-555555555555
mk_tree "$W/clean"

# 1. a truncated definition
cp -a "$W/clean" "$W/t1"
printf '{"mdev_type":"mtty-1",' >"$W/t1/etc/mdevctl.d/mtty/$UB"
run_real "$W/clean" list -d >"$W/exp.out" 2>"$W/exp.err"
rc=0
run_ours "$W/t1" list -d >"$W/got.out" 2>"$W/got.err" || rc=$?
check "truncated definition: exit 0" $rc
same "truncated definition: others listed as 1.2.0 lists them" "$W/exp.out" "$W/got.out"
echo "$W/t1/etc/mdevctl.d/mtty/$UB: EOF while parsing a value at line 1 column 22" >"$W/exp.err"
same "truncated definition: reported as <path>: <reason>" "$W/exp.err" "$W/got.err"
rc=0
run_real "$W/t1" list -d >/dev/null 2>&1 || rc=$?
ck "(1.2.0 itself fails on this tree: exit $rc)" '[ $rc != 0 ]'

# 2. a non-string attribute value (1.2.0 panics)
cp -a "$W/clean" "$W/t2"
printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":1}]}' >"$W/t2/etc/mdevctl.d/mtty/$UB"
run_real "$W/clean" list -d --dumpjson >"$W/exp.out" 2>/dev/null
rc=0
run_ours "$W/t2" list -d --dumpjson >"$W/got.out" 2>"$W/got.err" || rc=$?
check "non-string attribute: exit 0" $rc
same "non-string attribute: others listed" "$W/exp.out" "$W/got.out"
echo "$W/t2/etc/mdevctl.d/mtty/$UB: invalid JSON format for attribute: value of 'a' is not a string" >"$W/exp.err"
same "non-string attribute: clear message" "$W/exp.err" "$W/got.err"
rc=0
run_ours "$W/t2" start -u $UB >"$W/got.out" 2>"$W/got.err" || rc=$?
ck "a broken definition is not started" '[ $rc = 1 ] && grep -q "is insufficiently specified" "$W/got.err"'

# 3. scripts.d holding a UUID-named file is not a parent
cp -a "$W/clean" "$W/t3"
printf '{"mdev_type":"x","start":"auto"}' >"$W/t3/etc/mdevctl.d/scripts.d/$UB"
printf 'x' >"$W/t3/etc/mdevctl.d/.hidden"
run_real "$W/clean" list -d >"$W/exp.out" 2>/dev/null
run_ours "$W/t3" list -d >"$W/got.out" 2>"$W/got.err"
same "scripts.d is never taken for a parent" "$W/exp.out" "$W/got.out"
run_real "$W/t3" list -d >"$W/real3.out" 2>/dev/null || true
ck "(1.2.0 lists scripts.d as a parent here)" 'grep -q "scripts.d" "$W/real3.out"'

# 4. a broken definition can still be undefined; the others stay
cp -a "$W/t1" "$W/t4"
run_ours "$W/t4" undefine -u $UB >"$W/got.out" 2>"$W/got.err"
ck "undefine removes a broken definition and nothing else" '[ ! -e "$W/t4/etc/mdevctl.d/mtty/$UB" ] && diff -r -x .lock "$W/clean/etc" "$W/t4/etc" >/dev/null'

# 5. starting one device while another definition is broken
cp -a "$W/t1" "$W/t5"
rc=0
run_ours "$W/t5" start -u $UA >"$W/got.out" 2>"$W/got.err" || rc=$?
check "start works next to a broken definition" $rc
ck "start wrote the UUID to create" 'grep -q "^$UA\$" "$W/t5/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-2/create"'

# 6. --delattr past the end is an error (1.2.0 panics), the file unchanged
cp -a "$W/clean" "$W/t6"
rc=0
run_ours "$W/t6" modify -u $UA --delattr -i 0 >"$W/got.out" 2>"$W/got.err" || rc=$?
echo "Error: Attribute index 0 is invalid" >"$W/exp.err"
ck "delattr index == count: exit 1" '[ $rc = 1 ]'
same "delattr index == count: message" "$W/exp.err" "$W/got.err"
ck "delattr index == count: store unchanged" 'diff -r -x .lock "$W/clean/etc" "$W/t6/etc" >/dev/null'

# 7. a huge definition file is refused, not read into memory
cp -a "$W/clean" "$W/t7"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$W/t7/etc/mdevctl.d/mtty/$UB"
run_ours "$W/t7" list -d >"$W/got.out" 2>"$W/got.err"
echo "$W/t7/etc/mdevctl.d/mtty/$UB: file too large" >"$W/exp.err"
same "oversized definition reported" "$W/exp.err" "$W/got.err"

# 8. writes replace a symlink planted at the definition path, never follow it
cp -a "$W/clean" "$W/t8"
ln -s "$W/planted" "$W/t8/etc/mdevctl.d/mtty/$UN"
rc=0
run_ours "$W/t8" define -p mtty -t mtty-1 -u $UN >/dev/null 2>&1 || rc=$?
check "define over a dangling symlink: exit 0" $rc
ck "the symlink target was not created" '[ ! -e "$W/planted" ]'
ck "the definition is a regular file now" '[ -f "$W/t8/etc/mdevctl.d/mtty/$UN" ] && [ ! -L "$W/t8/etc/mdevctl.d/mtty/$UN" ]'

echo "robust: $fails failure(s)"
[ $fails = 0 ]
