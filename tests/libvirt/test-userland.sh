#!/bin/bash
# mdev-sandbox --userland DIR: COMMAND runs from another distribution's
# root (Debian 13, mdevctl 1.4.0 only) against mdevd's tree, with our
# mdevctl first on PATH in the mode MDEVCTL_COMPAT selected; the root is
# never written; paths given to COMMAND mean the same inside; bad roots are
# refused in one line before anything is set up.
# Env: MDEV_SANDBOX = path of the mdev-sandbox executable.
set -eu
: "${MDEV_SANDBOX:?}"
[ "$(id -u)" = 0 ] || { echo "needs root: skip"; exit 77; }
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib-env.sh"
. "$top/tests/stack-roots.sh"
require_private_mounts
if ! root=$(stack_root trixie-mdevctl); then
	echo "SKIP: no Debian 13 root (scripts/debian-root.sh failed)"
	exit 77
fi
sbx=$MDEV_SANDBOX
work=$(mktemp -d /tmp/mdev-userland-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0 fail=0
check()
{
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else fail=1; echo "not ok $n - $what"; fi
}
U=5ac1a5e5-0000-4000-8000-000000000001
before=$(find "$root" -xdev -newer "$root/.mdevkit-root" 2>/dev/null | wc -l)
echo "from the host" >"$work/given"

set +e
(cd "$work" && MDEVCTL_COMPAT=1.4 "$sbx" --userland "$root" -- bash -c '
	set -e
	echo "release=$(cut -d. -f1 /etc/debian_version)"
	echo "mdevctl=$(command -v mdevctl)"
	# libvirtd passes no MDEVCTL_COMPAT on: the wrapper keeps the mode.
	echo "version=$(env -u MDEVCTL_COMPAT mdevctl --version)"
	echo "cwd=$(pwd)"
	echo "given=$(cat given)"
	p=$(ls /sys/class/mdev_bus | head -n 1)
	t=$(ls /sys/class/mdev_bus/$p/mdev_supported_types | head -n 1)
	mdevctl start -p "$p" -t "$t" -u '$U'
	echo "created=$(test -d /sys/bus/mdev/devices/'$U' && echo yes)"
	echo "ours=$(mdevctl list)"
	echo "real=$(/usr/bin/mdevctl list)"
	echo "lsmdev=$(lsmdev | head -n 1)"
	mdevctl stop -u '$U'
	echo "stopped=$(test -e /sys/bus/mdev/devices/'$U' || echo yes)"
	echo written >/usr/share/mdev-userland-test
	echo "written=$(cat /usr/share/mdev-userland-test)"
	exit 3') >"$work/out" 2>"$work/err"
code=$?
set -e
sed 's/^/#   /' "$work/out" "$work/err"
get() { sed -n "s/^$1=//p" "$work/out"; }
check "COMMAND's exit status (3) is mdev-sandbox's" test $code = 3
check "COMMAND runs from the Debian 13 root" test "$(get release)" = 13
check "our mdevctl first on PATH inside" test "$(get mdevctl)" = /run/mdev-sandbox/bin/mdevctl
check "it keeps MDEVCTL_COMPAT=1.4 without the variable" test "$(get version)" = "mdevctl 1.4.0"
check "same working directory inside" test "$(get cwd)" = "$work"
check "a host file given by path is readable inside" test "$(get given)" = "from the host"
check "create through our mdevctl reaches mdevd's tree" test "$(get created)" = yes
check "Debian 13's own mdevctl 1.4.0 lists the same device as ours" \
	eval 'test -n "$(get ours)" && test "$(get ours)" = "$(get real)"'
check "lsmdev through the wrapper" test "$(get lsmdev)" = "$(get ours)"
check "stop removes it" test "$(get stopped)" = yes
check "COMMAND may write inside the root" test "$(get written)" = written
check "the root itself is never written" test ! -e "$root/usr/share/mdev-userland-test"
after=$(find "$root" -xdev -newer "$root/.mdevkit-root" 2>/dev/null | wc -l)
check "nothing in the root changed ($before -> $after newer files)" test "$before" = "$after"

# Bad roots: one line naming the path, exit 125, nothing started.
for bad in "$work/missing" "$work/given" "$work"; do
	set +e
	"$sbx" --userland "$bad" -- true >"$work/o" 2>"$work/e"
	code=$?
	set -e
	check "--userland $bad refused (125, one line naming it)" eval \
		'test $code = 125 && test "$(wc -l <"$work/e")" = 1 && grep -qF -- "$bad" "$work/e"'
	sed 's/^/#   /' "$work/e"
done
echo "1..$n"
exit $fail
