#!/bin/bash
# 8 mdevctl processes defining, modifying (start policy, type, attributes),
# undefining, starting and stopping devices in one store on mdevd for
# SECONDS, while a reader keeps reading every definition file and running
# `mdevctl list -d`. Each worker owns 3 UUIDs, so the acknowledged
# operations (exit 0) replay to a known final state per UUID:
#  - the final store holds exactly the definitions the replay says, byte
#    for byte (the format both mdevctl versions write);
#  - the active devices are exactly the started ones, with the attribute
#    value the last start wrote;
#  - an operation the model says must fail (define of a defined UUID,
#    modify/undefine of an undefined one) fails and changes nothing;
#  - the reader never saw an empty, partial or unparsable file.
# Usage: ctl-concurrency.sh [SECONDS] [WORKERS]   (CI: 5 8; long: 30 8)
set -eu
. "$(dirname "$0")/lib.sh"
stress_enter_namespace "$@"
seconds=${1:-30}
workers=${2:-8}
stress_setup tmpfs
ctl_setup
cat >"$T/hw.json" <<'JSON'
{"parents":[{"name":"cc0","driver":"json","pools":{"slots":1000},
 "types":[{"id":"cc-a","device_api":"vfio-pci","cost":{"slots":1},
   "device_attrs":{"cfg":{"mode":"rw","default":""}}},
  {"id":"cc-b","device_api":"vfio-pci","cost":{"slots":1},
   "device_attrs":{"cfg":{"mode":"rw","default":""}}}]}]}
JSON
start_mdevd --hardware "$T/hw.json"
store=$ROOT/etc/mdevctl.d

# worker N: runs until $T/stop exists; writes its model to $T/model.N.
worker() {
	local w=$1 ops=0 bad=0 i u rc op
	local -a uuids defined type start attrs active cfg
	for i in 0 1 2; do
		uuids[i]=$(printf 'cc000000-0000-4000-8000-%06d%06d' "$w" "$i")
		defined[i]=0 type[i]=cc-a start[i]=manual attrs[i]="" active[i]=0 cfg[i]=""
	done
	local n=0
	while [ ! -e "$T/stop" ]; do
		i=$((RANDOM % 3))
		u=${uuids[i]}
		op=$((RANDOM % 9))
		# mostly define what is undefined: fewer no-op failures
		[ "${defined[i]}" = 0 ] && [ $((RANDOM % 10)) -lt 7 ] && op=0
		n=$((n + 1))
		rc=0
		case $op in
		0) # define
			local t=cc-$([ $((RANDOM % 2)) -eq 0 ] && echo a || echo b) a=
			[ $((RANDOM % 2)) -eq 0 ] && a=-a
			"$MDEVCTL" define -u "$u" -p cc0 -t "$t" $a 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ]; then
				[ $rc -ne 0 ] || { echo "w$w: define of defined $u succeeded" >>"$T/bad"; }
			elif [ $rc -eq 0 ]; then
				defined[i]=1 type[i]=$t attrs[i]=""
				start[i]=$([ -n "$a" ] && echo auto || echo manual)
			else
				echo "w$w: define $u failed ($rc)" >>"$T/bad"
			fi ;;
		1 | 2) # auto / manual
			local flag=-a s=auto
			[ $op -eq 2 ] && flag=-m s=manual
			"$MDEVCTL" modify -u "$u" $flag 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ]; then
				[ $rc -eq 0 ] && start[i]=$s ||
					echo "w$w: modify $flag $u failed ($rc)" >>"$T/bad"
			else
				[ $rc -ne 0 ] || echo "w$w: modify of undefined $u succeeded" >>"$T/bad"
			fi ;;
		3) # type
			local t=cc-$([ $((RANDOM % 2)) -eq 0 ] && echo a || echo b)
			"$MDEVCTL" modify -u "$u" -t "$t" 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ]; then
				[ $rc -eq 0 ] && type[i]=$t ||
					echo "w$w: modify -t $u failed ($rc)" >>"$T/bad"
			else
				[ $rc -ne 0 ] || echo "w$w: modify of undefined $u succeeded" >>"$T/bad"
			fi ;;
		4) # add an attribute
			local v="v$w.$n"
			"$MDEVCTL" modify -u "$u" --addattr=cfg --value="$v" 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ]; then
				[ $rc -eq 0 ] && attrs[i]="${attrs[i]} cfg=$v" ||
					echo "w$w: addattr $u failed ($rc)" >>"$T/bad"
			else
				[ $rc -ne 0 ] || echo "w$w: modify of undefined $u succeeded" >>"$T/bad"
			fi ;;
		5) # delete the last attribute
			"$MDEVCTL" modify -u "$u" --delattr 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ] && [ $rc -eq 0 ]; then
				local -a list=(${attrs[i]})
				[ ${#list[@]} -gt 0 ] && unset "list[$((${#list[@]} - 1))]"
				attrs[i]="${list[*]:-}"
			elif [ "${defined[i]}" = 0 ] && [ $rc -eq 0 ]; then
				echo "w$w: modify of undefined $u succeeded" >>"$T/bad"
			fi ;;
		6) # undefine
			"$MDEVCTL" undefine -u "$u" 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ]; then
				[ $rc -eq 0 ] && defined[i]=0 ||
					echo "w$w: undefine $u failed ($rc)" >>"$T/bad"
			else
				[ $rc -ne 0 ] || echo "w$w: undefine of undefined $u succeeded" >>"$T/bad"
			fi ;;
		7) # start
			"$MDEVCTL" start -u "$u" 2>>"$T/err.$w" || rc=$?
			if [ "${defined[i]}" = 1 ] && [ "${active[i]}" = 0 ]; then
				if [ $rc -eq 0 ]; then
					local -a list=(${attrs[i]})
					active[i]=1 cfg[i]=""
					[ ${#list[@]} -gt 0 ] && cfg[i]=${list[-1]#cfg=}
					activetype[i]=${type[i]}
				else
					echo "w$w: start $u failed ($rc)" >>"$T/bad"
				fi
			else
				[ $rc -ne 0 ] || echo "w$w: start of $u (defined=${defined[i]} active=${active[i]}) succeeded" >>"$T/bad"
			fi ;;
		8) # stop
			"$MDEVCTL" stop -u "$u" 2>>"$T/err.$w" || rc=$?
			if [ "${active[i]}" = 1 ]; then
				[ $rc -eq 0 ] && active[i]=0 ||
					echo "w$w: stop $u failed ($rc)" >>"$T/bad"
			else
				[ $rc -ne 0 ] || echo "w$w: stop of inactive $u succeeded" >>"$T/bad"
			fi ;;
		esac
		[ $rc -eq 0 ] && ops=$((ops + 1))
	done
	for i in 0 1 2; do
		echo "${uuids[i]} ${defined[i]} ${type[i]} ${start[i]} ${active[i]} ${activetype[i]:--} =${cfg[i]} ${attrs[i]}"
	done >"$T/model.$w"
	echo "$n $ops" >"$T/count.$w"
}

# reader: every definition file complete; list -d never reports one.
reader() {
	local reads=0 torn=0 f c
	while [ ! -e "$T/stop" ]; do
		for f in "$store"/cc0/*; do
			[ -f "$f" ] || continue
			c=$(cat "$f" 2>/dev/null) || continue # gone meanwhile
			reads=$((reads + 1))
			case $c in
			'{'*'}') ;;
			*) torn=$((torn + 1)); printf 'torn %s: [%s]\n' "$f" "$c" >>"$T/bad" ;;
			esac
		done
		"$MDEVCTL" list -d >/dev/null 2>"$T/list.err" || true
		if [ -s "$T/list.err" ]; then
			torn=$((torn + 1))
			cat "$T/list.err" >>"$T/bad"
		fi
	done
	echo "$reads $torn" >"$T/reads"
}

pids=()
for w in $(seq 1 "$workers"); do
	worker "$w" &
	pids+=($!)
done
reader &
pids+=($!)
sleep "$seconds"
touch "$T/stop"
for p in "${pids[@]}"; do
	wait "$p"
done

mismatches=0
mismatch() {
	mismatches=$((mismatches + 1))
	echo "mismatch: $*" >&2
}
for w in $(seq 1 "$workers"); do
	while read -r u def type start act atype cfgf attrlist; do
		f=$store/cc0/$u
		if [ "$def" = 1 ]; then
			# shellcheck disable=SC2086
			want=$(render_definition "$type" "$start" $attrlist)
			if [ ! -f "$f" ]; then
				mismatch "$u: acknowledged definition missing"
			elif [ "$(cat "$f")" != "$want" ]; then
				mismatch "$u: definition differs:"$'\n'"$(cat "$f")"$'\n'"want:"$'\n'"$want"
			fi
		elif [ -e "$f" ]; then
			mismatch "$u: undefined but the file is there"
		fi
		d=$ROOT/sys/bus/mdev/devices/$u
		if [ "$act" = 1 ]; then
			if [ ! -e "$d" ]; then
				mismatch "$u: started but not active"
			else
				[ "$(cat "$d/cfg")" = "${cfgf#=}" ] ||
					mismatch "$u: cfg '$(cat "$d/cfg")' != '${cfgf#=}'"
				[ "$(basename "$(readlink "$d/mdev_type")")" = "$atype" ] ||
					mismatch "$u: active with the wrong type"
			fi
		elif [ -e "$d" ]; then
			mismatch "$u: stopped but active"
		fi
	done <"$T/model.$w"
done
ops=0 acked=0
for w in $(seq 1 "$workers"); do
	read -r n a <"$T/count.$w"
	ops=$((ops + n)) acked=$((acked + a))
done
read -r reads torn <"$T/reads"
if [ -s "$T/bad" ]; then
	head -20 "$T/bad" >&2
	mismatches=$((mismatches + $(wc -l <"$T/bad")))
fi
echo "ctl-concurrency: $workers workers x ${seconds}s: ops=$ops acknowledged=$acked reads=$reads torn=$torn mismatches=$mismatches"
[ "$mismatches" -eq 0 ] || fail "the store does not match the acknowledged operations"
sort "$T"/err.* | sed "s/[0-9a-f-]\{36\}/U/g" | sort | uniq -c | sort -rn | head -8
stop_mdevd
