#!/bin/bash
# kill -9 of mdevctl during define / modify / undefine — every other round
# at a random moment (0-300 ms), else the moment its temporary file appears
# in the parent's directory (between write and rename):
# after each kill the definition file is exactly the old version or exactly
# the new one (absent counts as a version for define and undefine), never
# empty or partial; `mdevctl list -d` reports nothing broken and lists no
# temporary file; the next command is not blocked by the dead one's lock.
# Prints rounds, how many kills landed before/after the change, leftover
# temporary files, mismatches.
# Usage: ctl-crash.sh [ROUNDS]   (CI: 30; documented run: 300)
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
rounds=${1:-300}
# On the real disk: fsync takes long enough there for kills to land
# between the temporary file and the rename.
stress_setup
ctl_setup
mkdir -p "$ROOT/sys/class/mdev_bus" "$ROOT/sys/bus/mdev/devices"
store=$ROOT/etc/mdevctl.d
u=c4a50000-0000-4000-8000-000000000001
f=$store/p0/$u
# the model: defined, type, start, attrs
defined=0 type=t-1 start=manual attrs=()
old_seen=0 new_seen=0 mid=0 leftover=0 mismatches=0
render() { render_definition "$type" "$start" "${attrs[@]}"; }

for round in $(seq 1 "$rounds"); do
	if [ $defined -eq 0 ]; then
		nt=t-$((RANDOM % 3)) ns=$([ $((RANDOM % 2)) -eq 0 ] && echo auto || echo manual)
		a=()
		[ "$ns" = auto ] && a=(-a)
		cmd=(define -u "$u" -p p0 -t "$nt" "${a[@]}")
		old=ABSENT
		new=$(render_definition "$nt" "$ns")
	else
		old=$(render)
		case $((RANDOM % 4)) in
		0) cmd=(undefine -u "$u"); new=ABSENT ;;
		1) nv="v$round$(head -c $((RANDOM % 2000)) /dev/zero | tr '\0' x)"
		   cmd=(modify -u "$u" --addattr=cfg --value="$nv")
		   new=$(render_definition "$type" "$start" "${attrs[@]}" "cfg=$nv") ;;
		2) nt=t-$((RANDOM % 3)); cmd=(modify -u "$u" -t "$nt")
		   new=$(render_definition "$nt" "$start" "${attrs[@]}") ;;
		3) if [ "$start" = auto ]; then cmd=(modify -u "$u" -m); ns=manual
		   else cmd=(modify -u "$u" -a); ns=auto; fi
		   new=$(render_definition "$type" "$ns" "${attrs[@]}") ;;
		esac
	fi
	"$MDEVCTL" "${cmd[@]}" >/dev/null 2>&1 &
	pid=$!
	if [ $((round % 2)) -eq 0 ]; then
		# the moment its temporary file appears: between write and rename
		[ "$("$RACER" killon "$store/p0" $pid 3000)" = mid-write ] &&
			mid=$((mid + 1))
	else
		sleep "0.$(printf '%03d' $((RANDOM % 300)))"
		kill -KILL $pid 2>/dev/null || true
	fi
	wait $pid 2>/dev/null || true
	if [ -e "$f" ]; then got=$(cat "$f"); else got=ABSENT; fi
	if [ "$got" = "$old" ]; then
		old_seen=$((old_seen + 1))
	elif [ "$got" = "$new" ]; then
		new_seen=$((new_seen + 1))
		# apply the command to the model
		case ${cmd[0]} in
		define) defined=1 type=$nt start=$ns attrs=() ;;
		undefine) defined=0 ;;
		modify)
			case ${cmd[3]} in
			--addattr=cfg) attrs+=("cfg=$nv") ;;
			-t) type=$nt ;;
			-a) start=auto ;;
			-m) start=manual ;;
			esac ;;
		esac
	else
		mismatches=$((mismatches + 1))
		echo "round $round (${cmd[*]:0:4}): file is neither old nor new: [$(head -c 200 "$f" 2>&1)]" >&2
		break
	fi
	if ! timeout 20 "$MDEVCTL" list -d >"$T/list.out" 2>"$T/list.err" || [ -s "$T/list.err" ]; then
		mismatches=$((mismatches + 1))
		echo "round $round: list -d after the kill: $(cat "$T/list.err")" >&2
		break
	fi
	lines=$(grep -c . "$T/list.out" || true)
	[ "$lines" -eq "$defined" ] || {
		mismatches=$((mismatches + 1))
		echo "round $round: list -d shows $lines devices, want $defined" >&2
		break
	}
	# A kill between write and rename leaves the temporary file: it was
	# not listed above; clear it so killon only sees the next one.
	n=$(find "$store" -name '.*' -type f ! -name .lock | wc -l)
	leftover=$((leftover + n))
	find "$store" -name '.*' -type f ! -name .lock -delete
done
echo "ctl-crash: rounds=$round killed-mid-write=$mid old-version=$old_seen new-version=$new_seen leftover-temp-files=$leftover mismatches=$mismatches"
[ $mismatches -eq 0 ] || fail "a definition was torn"
