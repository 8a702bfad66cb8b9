#!/bin/sh
# mdevctl compatibility suite: every scenario of scenarios.txt runs on two
# fresh identical trees, one under the real mdevctl (COMPAT_VERSION=1.2:
# Debian 12's 1.2.0 in a private mount namespace; 1.4: Debian 13's 1.4.0 in
# its root, see lib.sh) and one under ours (MDEVCTL_ENV_ROOT, run with
# MDEVCTL_COMPAT=COMPAT_VERSION); stdout, stderr, exit status and the
# resulting store and sysfs files must be identical.
# Env: MDEVCTL (ours, required), REAL_MDEVCTL (default /usr/bin/mdevctl),
# COMPAT_ONLY (run only scenarios whose name contains this string).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
: "${MDEVCTL:?set MDEVCTL to the mdevctl under test}"
compat_require

WORK=$(mktemp -d /tmp/mdevctl-compat.XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

mk_tree "$WORK/template"
pass=0
fail=0
failed=""

# Renames a generated definition file to GEN and masks the UUID in stdout.
normalize_generated() { # ROOT OUTFILE
	_u=$(grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$2" | head -n1 || true)
	[ -n "$_u" ] || return 0
	for _f in "$1"/etc/mdevctl.d/*/"$_u"; do
		[ -e "$_f" ] && mv "$_f" "$(dirname "$_f")/GEN"
	done
	for _f in "$1"/sys/devices/*/*/mdev_supported_types/*/create \
		"$1"/sys/devices/*/*/*/mdev_supported_types/*/create; do
		[ -f "$_f" ] && sed -i "s/$_u/GEN/" "$_f"
	done
	sed -i "s/$_u/GEN/" "$2"
}

run_scenario() { # name flags setup args
	_name=$1 _flags=$2 _setup=$3 _args=$4
	_d=$WORK/$_name
	mkdir -p "$_d"
	cp -a "$WORK/template" "$_d/real"
	cp -a "$WORK/template" "$_d/ours"
	if [ -n "$_setup" ]; then
		(cd "$_d/real" && eval "$_setup")
		(cd "$_d/ours" && eval "$_setup")
	fi
	eval "set -- $_args"
	_rc=0
	run_real "$_d/real" "$@" >"$_d/real.out" 2>"$_d/real.err0" || _rc=$?
	echo "$_rc" >"$_d/real.rc"
	_rc=0
	run_ours "$_d/ours" "$@" >"$_d/ours.out" 2>"$_d/ours.err0" || _rc=$?
	echo "$_rc" >"$_d/ours.rc"
	# 1.4.0 runs on ROOT as well (MDEVCTL_ENV_ROOT)
	norm_err "$_d/real.err0" | sed "s|$_d/real/|/|g" >"$_d/real.err"
	# ours runs on ROOT, the reference on /: paths in messages differ by it
	norm_err "$_d/ours.err0" | sed "s|$_d/ours/|/|g" >"$_d/ours.err"
	rm -f "$_d/ours/etc/mdevctl.d/.lock"
	case $_flags in
	*G*)
		normalize_generated "$_d/real" "$_d/real.out"
		normalize_generated "$_d/ours" "$_d/ours.out"
		;;
	esac
	_ok=1
	for _k in out err rc; do
		if ! cmp -s "$_d/real.$_k" "$_d/ours.$_k"; then
			_ok=0
			echo "FAIL $_name: $_k differs (args: $_args)"
			diff "$_d/real.$_k" "$_d/ours.$_k" | head -n 20 || true
		fi
	done
	for _t in etc sys; do
		if ! diff -r --no-dereference "$_d/real/$_t" "$_d/ours/$_t" >"$_d/$_t.diff" 2>&1; then
			_ok=0
			echo "FAIL $_name: resulting $_t tree differs"
			head -n 20 "$_d/$_t.diff"
		fi
	done
	if [ $_ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $_name"
	fi
	rm -rf "$_d"
}

while IFS='|' read -r name flags setup args; do
	case $name in '' | '#'*) continue ;; esac
	if [ -n "${COMPAT_ONLY:-}" ]; then
		case $name in *"$COMPAT_ONLY"*) ;; *) continue ;; esac
	fi
	# 4: a 1.4.0 feature; our 1.2 mode takes 1.3's modify options that
	# 1.2.0 refuses (a documented difference), so compare it on 1.4 only
	case $flags in *4*) [ "$COMPAT_VERSION" = 1.4 ] || continue ;; esac
	run_scenario "$name" "$flags" "$setup" "$args"
done <"$HERE/scenarios.txt"

# lsmdev: upstream dispatches on argv[0]
REAL_LSMDEV=$(dirname "$REAL")/lsmdev
if [ -x "$REAL_LSMDEV" ]; then
	mkdir -p "$WORK/bin"
	ln -s "$(cd "$(dirname "$MDEVCTL")" && pwd)/$(basename "$MDEVCTL")" "$WORK/bin/lsmdev"
	for args in "" "-d" "-d -v -p mtty" "--dumpjson" "--help" "-h" "-V" \
		"--foo" "-d -d" "list"; do
		REAL=$REAL_LSMDEV MDEVCTL=$WORK/bin/lsmdev \
			run_scenario "lsmdev" "" "" "$args"
	done
fi

echo "compat: $pass passed, $fail failed"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
