#!/bin/bash
# The fault layer (docs/faults.md) against the mounted tree, with shell
# tools: every fault kind set through the control socket (mdevd --control)
# and from the hardware file, what the writer gets, what is left behind,
# that a held write does not hold the rest of the tree, that a seeded
# schedule replays, that run-time faults do not survive a restart while
# the file's do, and Debian's mdevctl 1.2.0 under faults.
set -eu
. "$(dirname "$0")/lib.sh"

ctl() {
	"$MDEVD" --control "$ROOT" "$@"
}

cat >"$T/hw.json" <<'JSON'
{"parents": [
  {"name": "mtty", "driver": "mtty"},
  {"name": "0000:65:00.0", "driver": "nvidia"},
  {"name": "mdpy", "driver": "mdpy"}],
 "faults": [
  {"action": "fail", "op": "create", "type": "mtty-2", "errno": "ENOSPC",
   "next": 1}]}
JSON
start_mdevd --hardware "$T/hw.json"
M1=$(typedir mtty mtty-1)
M2=$(typedir mtty mtty-2)
DEVS=$SYS/bus/mdev/devices
count_devs() {
	find "$DEVS" -mindepth 1 -maxdepth 1 | wc -l
}

# --- the hardware file's rule, then nothing
expect "declared rule fires" "$(uuid_n 1 | wr "$M2/create")" "ENOSPC"
create "$M2" "$(uuid_n 1)"
expect "list shows the declared rule" \
	"$(ctl list | sed -n 1p)" \
	"1: fail op=create type=mtty-2 errno=ENOSPC next=1 (hardware file, matched 1, fired 1)"
ok "a fault declared in the hardware file"

# --- create fails before the device appears: nothing left behind
before=$(avail mtty mtty-1)
expect "add rule" "$(ctl fail op=create errno=EIO next=2)" "ok 2"
expect "create 1 of 2" "$(uuid_n 2 | wr "$M1/create")" "EIO"
expect "create 2 of 2" "$(uuid_n 2 | wr "$M1/create")" "EIO"
[ ! -e "$DEVS/$(uuid_n 2)" ] || fail "a vetoed create left a device"
expect "ports given back" "$(avail mtty mtty-1)" "$before"
create "$M1" "$(uuid_n 2)"
ok "fail op=create next=2: EIO twice, no device, no port taken"

# --- every Kth, and filters that do not match
ctl fail op=create type=mtty-1 errno=EBUSY every=2 >/dev/null
pattern=
for i in 10 11 12 13; do
	r=$(uuid_n $i | wr "$M1/create")
	pattern="$pattern$r/"
done
expect "every=2" "$pattern" "OK 37/EBUSY/OK 37/EBUSY/"
create "$(typedir 0000:65:00.0 nvidia-230)" "$(uuid_n 20)"
ok "every=2 on mtty-1 only (nvidia untouched)"
ctl clear >/dev/null
expect "clear empties the list" "$(ctl list)" "ok"

# --- a seeded fraction replays exactly
fraction_run() {
	ctl fail op=create type=mtty-1 errno=ENOSPC fraction=0.5 seed=$1 >/dev/null
	local out= i r
	for i in $(seq 100 119); do
		r=$(uuid_n $i | wr "$M1/create")
		if [ "$r" = "OK 37" ]; then
			out="${out}."
			echo 1 | wr "$DEVS/$(uuid_n $i)/remove" >/dev/null
		else
			out="${out}x"
		fi
	done
	ctl clear >/dev/null
	echo "$out"
}
a=$(fraction_run 5)
b=$(fraction_run 5)
c=$(fraction_run 6)
expect "seed 5 replays" "$b" "$a"
[ "$a" != "$c" ] || fail "seeds 5 and 6 gave the same schedule $a"
case $a in *x*.*|*.*x*) ;; *) fail "fraction=0.5 gave $a" ;; esac
ok "fraction=0.5 seed=5 replays exactly ($a)"

# --- a create that fails after its device appeared
ctl fail op=create errno=EBUSY when=after next=1 >/dev/null
expect "when=after" "$(uuid_n 3 | wr "$M1/create")" "EBUSY"
[ ! -e "$DEVS/$(uuid_n 3)" ] || fail "when=after left the device"
grep -q "rule 7: create $(uuid_n 3) on mtty/mtty-1: EBUSY after the device appeared" "$LOG" ||
	fail "when=after not logged"
create "$M1" "$(uuid_n 3)"
ok "fail when=after: EBUSY, the device came and went"

# --- remove and store fail
ctl fail op=remove errno=EBUSY next=1 >/dev/null
expect "remove vetoed" "$(echo 1 | wr "$DEVS/$(uuid_n 3)/remove")" "EBUSY"
[ -e "$DEVS/$(uuid_n 3)" ] || fail "a vetoed remove removed"
expect "remove after" "$(echo 1 | wr "$DEVS/$(uuid_n 3)/remove")" "OK 2"
NV=$SYS/bus/mdev/devices/$(uuid_n 20)/nvidia/vgpu_params
echo frl=1 | wr "$NV" >/dev/null
ctl fail op=store attr=nvidia/vgpu_params errno=EINVAL next=1 >/dev/null
expect "store vetoed" "$(echo frl=2 | wr "$NV")" "EINVAL"
expect "value kept" "$(cat "$NV")" "frl=1"
ok "fail op=remove / op=store: refused, nothing changed"

# --- latency: the held write waits, the rest of the tree does not
create "$M1" "$(uuid_n 4)"
ctl delay op=remove ms=1500 >/dev/null
start=$(date +%s%N)
(echo 1 | wr "$DEVS/$(uuid_n 4)/remove" >"$T/held") &
held=$!
sleep 0.2
t0=$(date +%s%N)
cat "$M1/available_instances" >/dev/null
ls "$DEVS" >/dev/null
create "$M1" "$(uuid_n 5)"
t1=$(date +%s%N)
[ -e "$DEVS/$(uuid_n 4)" ] || fail "a held remove ran early"
wait $held
end=$(date +%s%N)
expect "held remove" "$(cat "$T/held")" "OK 2"
[ ! -e "$DEVS/$(uuid_n 4)" ] || fail "the held remove did not remove"
[ $(((t1 - t0) / 1000000)) -lt 700 ] ||
	fail "other operations took $(((t1 - t0) / 1000000)) ms during a held remove"
[ $(((end - start) / 1000000)) -ge 1450 ] ||
	fail "a remove held 1500 ms returned after $(((end - start) / 1000000)) ms"
ctl clear >/dev/null
ok "delay op=remove ms=1500: held $(((end - start) / 1000000)) ms, others served in $(((t1 - t0) / 1000000)) ms"

# --- available_instances over-reports; the create it invites gets EUSERS
free=$(avail mtty mtty-2)
ctl overreport type=mtty-2 by=3 >/dev/null
expect "over-reported" "$(avail mtty mtty-2)" "$((free + 3))"
i=200
while [ "$(avail mtty mtty-2)" -gt 3 ]; do
	create "$M2" "$(uuid_n $i)"
	i=$((i + 1))
done
expect "create past the real capacity" "$(uuid_n $i | wr "$M2/create")" "EUSERS"
ctl clear >/dev/null
expect "honest again" "$(uuid_n $i | wr "$M2/create")" "ENOSPC"
for j in $(seq 200 $((i - 1))); do
	echo 1 | wr "$DEVS/$(uuid_n $j)/remove" >/dev/null
done
ok "overreport by=3: available_instances $((free + 3)), then EUSERS"

# --- the driver removes a device (a reset)
expect "reset" "$(ctl reset uuid="$(uuid_n 5)" | sed 's/[0-9]*$/N/')" "ok N"
[ ! -e "$DEVS/$(uuid_n 5)" ] || fail "reset left the device"
expect "reset of a missing device is logged" \
	"$(ctl reset uuid="$(uuid_n 5)" >/dev/null; grep -c "reset $(uuid_n 5): No such device" "$LOG")" 1
ok "reset: the device is gone"

# --- surprise removal of a parent after N creates; SIGHUP plugs it back
ctl unplug parent=mdpy after=2 >/dev/null
create "$(typedir mdpy mdpy-vga)" "$(uuid_n 30)"
[ -d "$SYS/class/mdev_bus/mdpy" ] || fail "mdpy went after 1 create"
create "$(typedir mdpy mdpy-vga)" "$(uuid_n 31)"
for _ in $(seq 1 100); do
	[ -e "$SYS/class/mdev_bus/mdpy" ] || break
	sleep 0.05
done
[ ! -e "$SYS/class/mdev_bus/mdpy" ] || fail "mdpy still there after 2 creates"
[ ! -e "$DEVS/$(uuid_n 30)" ] || fail "an unplugged parent's device stayed"
kill -HUP "$MDEVD_PID"
for _ in $(seq 1 100); do
	[ -e "$SYS/class/mdev_bus/mdpy" ] && break
	sleep 0.05
done
[ -d "$SYS/class/mdev_bus/mdpy" ] || fail "SIGHUP did not plug mdpy back"
[ ! -e "$DEVS/$(uuid_n 30)" ] || fail "a replugged parent brought a device back"
ctl unplug parent=mdpy >/dev/null
[ ! -e "$SYS/class/mdev_bus/mdpy" ] || fail "unplug now: mdpy still there"
expect "SIGHUP re-read the file's rules" "$(ctl list | grep -c '(hardware file, matched 0')" 1
ctl clear >/dev/null
ok "unplug after=2 and now; SIGHUP plugs back (and re-reads the file's rules)"

# --- control errors: one line each, exit 1, nothing changed
expect "bad rule" "$(ctl fail op=create errno=EIOX 2>&1; echo "rc=$?")" \
	"error: errno: expected an errno name (EIO, EBUSY, ...) or 1..4095, got 'EIOX'
rc=1"
expect "unknown action" "$(ctl sleep ms=1; echo "rc=$?")" \
	"error: unknown action 'sleep' (fail, delay, overreport, unplug, reset)
rc=1"
expect "long line" "$(head -c 5000 /dev/zero | tr '\0' a | ctl; echo "rc=$?")" \
	"error: line longer than 1023 bytes
rc=1"
expect "several lines from stdin" "$(printf 'list\nclear 99\n' | ctl; echo "rc=$?")" \
	"ok
error: clear: no such rule
rc=1"
expect "NUL in a line" "$(printf 'list\0x\nlist\n' | ctl; echo "rc=$?")" \
	"error: NUL in a command
ok
rc=1"
# Clients that connect and never send: the ninth is turned away, the
# daemon is not held, and a slot frees when one leaves.
idle=
for _ in 1 2 3 4 5 6 7 8; do
	sleep 3 | "$MDEVD" --control "$ROOT" >/dev/null &
	idle="$idle $!"
done
sleep 0.5
expect "a ninth client" "$(ctl list; echo "rc=$?")" "error: too many control clients
rc=1"
cat "$M1/available_instances" >/dev/null
wait $idle
expect "slots free again" "$(ctl list)" "ok"
expect "rules after errors" "$(ctl list)" "ok"
[ "$(stat -c %a "$ROOT/run/mdevd/control")" = 600 ] || fail "control socket mode"
ok "control errors"

# --- restart: run-time rules are gone, the file's are back, the journal
# holds exactly the devices that were acknowledged
ctl fail op=create errno=EIO >/dev/null
want=$(ls "$DEVS" | sort)
kill9_mdevd
start_mdevd --hardware "$T/hw.json"
expect "devices after restart" "$(ls "$DEVS" | sort)" "$want"
expect "rules after restart" "$(ctl list | sed 's/ (.*//')" \
	"1: fail op=create type=mtty-2 errno=ENOSPC next=1
ok"
create "$M1" "$(uuid_n 40)"
ok "kill -9 + restart: control rules gone, declared rule back, devices as acknowledged"

# --- Debian's mdevctl 1.2.0 under faults (its own namespace: /sys and
# /etc/mdevctl.d bound over, as in test-mdevctl-compat.sh)
REAL=${REAL_MDEVCTL:-/usr/bin/mdevctl}
if [ ! -x "$REAL" ] || ! "$REAL" -V 2>/dev/null | grep -q '^mdevctl 1\.2\.'; then
	echo "ok - # SKIP Debian's mdevctl 1.2 not installed at $REAL"
	exit 0
fi
STORE=$T/store
mkdir -p "$STORE/scripts.d/callouts" "$STORE/scripts.d/notifiers"
mdevctl() {
	unshare -m --propagation private sh -c '
		mount --bind "$0" /sys && mount --bind "$1" /etc/mdevctl.d &&
		shift && exec "$REAL" "$@"' "$SYS" "$STORE" "$@"
}
export REAL
U=$(uuid_n 50)
ctl fail op=create type=mtty-1 errno=EIO next=1 >/dev/null
if mdevctl start -p mtty -t mtty-1 -u "$U" >"$T/out" 2>&1; then
	fail "mdevctl start succeeded while creates fail: $(cat "$T/out")"
fi
[ ! -e "$DEVS/$U" ] || fail "mdevctl start under EIO left a device"
mdevctl start -p mtty -t mtty-1 -u "$U"
[ -e "$DEVS/$U" ] || fail "mdevctl start after the fault created nothing"
ctl fail op=remove errno=EBUSY next=1 >/dev/null
if mdevctl stop -u "$U" >"$T/out" 2>&1; then
	fail "mdevctl stop succeeded while removes fail: $(cat "$T/out")"
fi
[ -e "$DEVS/$U" ] || fail "mdevctl stop under EBUSY removed the device"
mdevctl stop -u "$U"
[ ! -e "$DEVS/$U" ] || fail "mdevctl stop after the fault left the device"
ctl overreport type=mtty-2 by=5 >/dev/null
expect "mdevctl types sees the over-report" \
	"$(mdevctl types | grep -A1 '^  mtty-2$' | sed -n 's/.*Available instances: //p')" \
	"$(($(avail mtty mtty-2)))"
ctl clear >/dev/null
ctl delay op=create ms=300 >/dev/null
start=$(date +%s%N)
mdevctl start -p mtty -t mtty-1 -u "$U"
took=$((($(date +%s%N) - start) / 1000000))
[ "$took" -ge 300 ] || fail "a create held 300 ms took $took ms through mdevctl"
[ -e "$DEVS/$U" ] || fail "mdevctl start under latency created nothing"
ctl clear >/dev/null
ok "mdevctl 1.2.0: start under EIO and stop under EBUSY fail and change nothing; types sees the over-report; start waits out a 300 ms create"
