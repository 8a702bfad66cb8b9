#!/bin/sh
# 8 processes defining, modifying and undefining in one store at once:
# nothing acknowledged is lost (the store lock serializes read-modify-write),
# nothing is torn (atomic rename: a concurrent reader never sees a partial
# file), and exactly one of 8 racing defines of the same UUID wins.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../compat/lib.sh"
. "$HERE/tap.sh"
: "${MDEVCTL:?set MDEVCTL}"

W=$(mktemp -d /tmp/mdevctl-conc.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM
R=$W/root
mk_tree "$R"
M() { MDEVCTL_ENV_ROOT=$R "$MDEVCTL" "$@"; }
N=8
ROUNDS=${CONC_ROUNDS:-8}

uuid_of() { printf 'c0c0c0c0-0000-0000-%04d-%012d' "$1" "$2"; }

# 1. each worker: define, modify twice, undefine the even ones
worker() { # p
	i=1
	while [ $i -le $ROUNDS ]; do
		u=$(uuid_of "$1" $i)
		M define -p "par$1" -t t -u "$u" >/dev/null
		M modify -u "$u" --addattr a --value "$i" >/dev/null
		M modify -u "$u" -a >/dev/null
		[ $((i % 2)) = 0 ] && M undefine -u "$u" >/dev/null
		i=$((i + 1))
	done
}
p=1
while [ $p -le $N ]; do
	worker $p >"$W/w$p.log" 2>&1 &
	p=$((p + 1))
done
wait
bad=0
p=1
while [ $p -le $N ]; do
	i=1
	while [ $i -le $ROUNDS ]; do
		f=$R/etc/mdevctl.d/par$p/$(uuid_of $p $i)
		if [ $((i % 2)) = 0 ]; then
			[ ! -e "$f" ] || bad=$((bad + 1))
		else
			exp=$(printf '{\n  "mdev_type": "t",\n  "start": "auto",\n  "attrs": [\n    {\n      "a": "%d"\n    }\n  ]\n}' $i)
			[ "$(cat "$f" 2>/dev/null)" = "$exp" ] || bad=$((bad + 1))
		fi
		i=$((i + 1))
	done
	p=$((p + 1))
done
check "8 workers x $ROUNDS define/modify/undefine: every file as expected ($bad bad)" $bad
[ -z "$(cat "$W"/w*.log)" ]
check "no worker saw an error" $?

# 2. 8 racing defines of one UUID: exactly one wins
S=5e5e5e5e-0000-0000-0000-000000000001
p=1
while [ $p -le $N ]; do
	(M define -p shared -t t -u $S >/dev/null 2>"$W/d$p.err" && echo ok >"$W/d$p.ok") &
	p=$((p + 1))
done
wait
wins=$(ls "$W"/d*.ok 2>/dev/null | wc -l)
check "8 racing defines of one UUID: $wins winner(s)" $([ "$wins" = 1 ] && echo 0 || echo 1)
losers=$(cat "$W"/d*.err | grep -c "Error: Device $S on shared already defined" || true)
check "the 7 others get 1.2.0's 'already defined' error ($losers)" $([ "$losers" = 7 ] && echo 0 || echo 1)

# 3. 8 x ROUNDS concurrent --addattr on one definition: no update lost,
#    while readers never see a torn file
reader() {
	while [ ! -e "$W/stop" ]; do
		out=$(M list -d -u $S --dumpjson 2>&1) || { echo "reader failed: $out"; return; }
		case $out in *'"mdev_type": "t"'*) ;; *) echo "torn: $out"; return ;; esac
	done
}
reader >"$W/r1.log" 2>&1 &
RD1=$!
reader >"$W/r2.log" 2>&1 &
RD2=$!
MPIDS=""
p=1
while [ $p -le $N ]; do
	(i=1; while [ $i -le $ROUNDS ]; do
		M modify -u $S --addattr "p$p" --value "$i" || echo "modify failed"
		i=$((i + 1))
	done) >"$W/m$p.log" 2>&1 &
	MPIDS="$MPIDS $!"
	p=$((p + 1))
done
# shellcheck disable=SC2086
wait $MPIDS
touch "$W/stop"
wait $RD1 $RD2
attrs=$(M list -d -u $S --dumpjson | grep -c '"p[0-9]*":' || true)
check "concurrent modifies: $attrs of $((N * ROUNDS)) attributes kept" $([ "$attrs" = $((N * ROUNDS)) ] && echo 0 || echo 1)
[ -z "$(cat "$W"/r*.log "$W"/m*.log)" ]
check "readers never saw a torn or unreadable definition" $?
ls -a "$R/etc/mdevctl.d/shared" | grep -q '^\.mdevctl\.' && leftover=1 || leftover=0
check "no temporary files left behind" $leftover

echo "concurrency: $fails failure(s)"
[ $fails = 0 ]
