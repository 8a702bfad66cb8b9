#!/bin/sh
# The vfio_ap callout (data/callouts/mdevkit-vfio-ap) in mdev-sandbox, which
# installs it in the store: a running device's matrix changes with `mdevctl
# modify --live` (read back from mdevd's tree), listings show the running
# matrix (from the callout's `get attributes`), bad ids and names are
# refused with the matrix unchanged - with our mdevctl in 1.2 mode and in
# 1.4 mode, and inside Debian 13's root (mdev-sandbox --userland) with ours
# in 1.4 mode and Debian's mdevctl 1.4.0 side by side, whose transcripts
# must be identical. Also: a callout that exits without reading its stdin
# does not kill mdevctl (SIGPIPE).
# Env: MDEVCTL, MDEV_SANDBOX. A missing Debian 13 root skips that part
# (fails under CI=1).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$HERE/../.." && pwd)
. "$HERE/../compat/lib.sh"
. "$HERE/tap.sh"
: "${MDEVCTL:?}" "${MDEV_SANDBOX:?}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
require_private_mounts

# anyhow (1.4.0's errors) appends a backtrace when these are set
unset RUST_BACKTRACE RUST_LIB_BACKTRACE
W=$(mktemp -d /tmp/mdevctl-apcallout.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT INT TERM

# --- SIGPIPE: a ~100 KiB definition on the stdin of a script that exits 2
# at once; the write fails (EPIPE) and mdevctl goes on.
R=$W/pipe
mk_tree "$R"
mkdir -p "$R/usr/lib/mdevctl/scripts.d/callouts" "$R/usr/lib/mdevctl/scripts.d/notifiers"
printf '#!/bin/sh\nexit 2\n' >"$R/etc/mdevctl.d/scripts.d/callouts/other"
chmod 755 "$R/etc/mdevctl.d/scripts.d/callouts/other"
i=0 attrs=''
while [ $i -lt 2000 ]; do
	attrs="$attrs${attrs:+,}{\"a$i\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"
	i=$((i + 1))
done
printf '{"mdev_type":"mtty-1","start":"manual","attrs":[%s]}' "$attrs" >"$W/big.json"
for mode in 1.2 1.4; do
	rc=0
	MDEVCTL_COMPAT=$mode MDEVCTL_ENV_ROOT=$R "$MDEVCTL" define -p mtty -u "$UN" \
		--jsonfile "$W/big.json" >"$W/out" 2>&1 || rc=$?
	ck "$mode: define with a callout that ignores its stdin: exit 0 (was 141, SIGPIPE)" \
		'[ $rc = 0 ] && [ -s "$R/etc/mdevctl.d/mtty/$UN" ]'
	MDEVCTL_COMPAT=$mode MDEVCTL_ENV_ROOT=$R "$MDEVCTL" undefine -u "$UN" >/dev/null 2>&1 || true
done

# --- the steps, with mdevd
cp "$HERE/callout-vfio-ap-steps.sh" "$W/steps.sh"
cat >"$W/hw.json" <<'JSON'
{ "parents": [ { "driver": "vfio_ap" }, { "driver": "mtty" } ] }
JSON

# Each transcript must show the matrix the kernel's vfio_ap would have.
expect_matrices() { # LABEL TRANSCRIPT
	_l=$1 _t=$2
	ck "$1: the callout is in the sandbox's store" \
		'[ -x "$W/$_l.store/mdevkit-vfio-ap" ]'
	ck "$1: started with A's matrix" \
		'grep -qx "started matrix=05.0004 control=0007 " "$_t"'
	ck "$1: list shows the running matrix (get attributes)" \
		'grep -qF "{\"assign_control_domain\":\"0x0007\"}" "$_t"'
	ck "$1: modify --live to B: the tree has B's matrix" \
		'grep -qx "live-b matrix=06.0004 06.0009 10.0004 10.0009 control=" "$_t"'
	ck "$1: modify --live to C (unassign in order, octal, 255)" \
		'grep -qx "live-c matrix=02.0008 control=00ff " "$_t"'
	ck "$1: ids above 255, other names, words: refused, matrix unchanged" \
		'[ "$(grep -c "^live-[nw3].* matrix=02.0008 control=00ff $" "$_t")" = 3 ] &&
		 grep -q "is not an id from 0 to 255" "$_t" &&
		 grep -q "is not a vfio_ap matrix attribute" "$_t"'
	ck "$1: start on an APQN another device holds: refused; on a free one: started" \
		'grep -qx "started-taken=no" "$_t" && grep -qx "started-free=yes" "$_t" &&
		 grep -q "APQN 02.0008 is in use by U" "$_t"'
	ck "$1: live change onto a held APQN: refused, matrix unchanged" \
		'grep -qx "live-grab matrix=02.0008 control=00ff " "$_t" &&
		 grep -q "APQN 02.0009 is in use by U3" "$_t"'
	ck "$1: define with id 300 refused by the pre callout" \
		'grep -qx "defined-300=no" "$_t"'
	ck "$1: stopped" 'grep -qx "stopped matrix=none" "$_t"'
}

# Runs the steps in a sandbox: LABEL, then mdev-sandbox options, --, and
# the mdevctl command line.
steps() {
	_label=$1
	shift
	_rc=0
	(cd "$W" && timeout 120 "$MDEV_SANDBOX" --hardware "$W/hw.json" "$@") \
		>"$W/$_label.txt" 2>"$W/$_label.err" || _rc=$?
	check "$_label: steps ran (exit $_rc)" $_rc
	[ $_rc = 0 ] || sed 's/^/#   /' "$W/$_label.err" | tail -n 5
}
# Keeps a copy of the store's callouts directory (it goes with the sandbox).
keep='mkdir -p "$0.store" && cp -p /etc/mdevctl.d/scripts.d/callouts/* "$0.store/"'

steps ours-1.2 -- sh -c "$keep"' && MDEVCTL_COMPAT=1.2 sh "$1/steps.sh" "$1" mdevctl' \
	"$W/ours-1.2" "$W"
expect_matrices ours-1.2 "$W/ours-1.2.txt"
# On Debian 12 1.4 mode finds usr/lib/mdevctl/scripts.d under the
# sandbox's root (MDEVCTL_ENV_ROOT), with mdevd's tree as its sys/.
steps ours-1.4 -- sh -c "$keep"' && MDEVCTL_COMPAT=1.4 MDEVCTL_ENV_ROOT=$MDEV_SANDBOX_ROOT sh "$1/steps.sh" "$1" mdevctl' \
	"$W/ours-1.4" "$W"
expect_matrices ours-1.4 "$W/ours-1.4.txt"

. "$top/tests/stack-roots.sh"
if ! root=$(stack_root trixie-mdevctl 2>"$W/root.log"); then
	cat "$W/root.log" >&2
	[ -z "${CI:-}" ] || { check "Debian 13 root (trixie-mdevctl) built" 1; [ $fails = 0 ]; }
	echo "ok - # SKIP Debian 13 part: the trixie-mdevctl root cannot be built"
	[ $fails = 0 ]
	exit
fi
export MDEVCTL_COMPAT=1.4
steps trixie-ours-1.4 --userland "$root" -- sh -c "$keep"' && sh "$1/steps.sh" "$1" mdevctl' \
	"$W/trixie-ours-1.4" "$W"
expect_matrices trixie-ours-1.4 "$W/trixie-ours-1.4.txt"
steps trixie-real-1.4.0 --userland "$root" -- sh -c "$keep"' && sh "$1/steps.sh" "$1" /usr/bin/mdevctl' \
	"$W/trixie-real-1.4.0" "$W"
expect_matrices trixie-real-1.4.0 "$W/trixie-real-1.4.0.txt"
ck "Debian 13: the real mdevctl is 1.4.0" \
	'grep -q "^mdevctl 1\.4\.0" "$W/version" 2>/dev/null ||
	 chroot "$root" /usr/bin/mdevctl --version | grep -q "^mdevctl 1\.4\.0"'
same "Debian 13: ours in 1.4 mode and mdevctl 1.4.0: identical transcripts" \
	"$W/trixie-real-1.4.0.txt" "$W/trixie-ours-1.4.txt"
[ $fails = 0 ]
