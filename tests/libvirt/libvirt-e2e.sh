#!/bin/bash
# Runs inside mdev-sandbox (see test-libvirt.sh): Debian's libvirtd with only
# the node-device driver, checked through virsh against the tree (/sys) and
# mdevctl (mdevkit's, first on PATH).
# Env: HW = the hardware file mdevd serves (edited for the SIGHUP checks),
#      WORK = a scratch directory.
set -eu
. "$(dirname "$0")/libvirt-lib.sh"
: "${HW:?}" "${WORK:?}"

. "$(dirname "$0")/tap.sh"

T=10 # seconds any libvirt reaction may take

# E2E_MDEVCTL=real (test-libvirt.sh ROOT real): the root's own mdevctl for
# libvirtd and for these checks, ours off PATH - the expectations below
# must be the real mdevctl's, not tuned to ours.
if [ "${E2E_MDEVCTL:-}" = real ]; then
	ours_dir=$(dirname "$(command -v mdevctl)")
	PATH=$(printf '%s\n' "${PATH//:/$'\n'}" | grep -vxF "$ours_dir" | paste -sd:)
	export PATH
fi

# A Debian 13 root (--userland) has no uuid-runtime; the kernel makes
# random UUIDs too.
command -v uuidgen >/dev/null 2>&1 || uuidgen() { cat /proc/sys/kernel/random/uuid; }
echo "# libvirt $(virsh --version), $(command -v mdevctl): $(mdevctl --version 2>&1 | head -n1) (MDEVCTL_COMPAT=${MDEVCTL_COMPAT:-default})"
# What this libvirt and mdevctl can do: Debian 12's libvirt 9.0 has neither
# `nodedev-dumpxml --inactive` nor `nodedev-update` (10.1+); mdevctl 1.4
# lists an active device's attributes only from a callout. A Debian 13
# root (--userland) also has Debian's own mdevctl 1.4.0 in /usr/bin.
has_inactive=0 has_update=0 v14=0 real14=
virsh help nodedev-dumpxml 2>/dev/null | grep -q -- --inactive && has_inactive=1
virsh help nodedev-update >/dev/null 2>&1 && has_update=1
mdevctl --version 2>/dev/null | grep -q '^mdevctl 1\.4' && v14=1
if [ "$(command -v mdevctl)" != /usr/bin/mdevctl ] &&
	/usr/bin/mdevctl --version 2>/dev/null | grep -q '^mdevctl 1\.4\.0'; then
	real14=/usr/bin/mdevctl
fi

# Devices that exist before libvirtd starts reach it through libudev's
# enumeration of /sys, not through events: one per parent.
declare -A pre_existing
for link in /sys/class/mdev_bus/*; do
	for t in "$link"/mdev_supported_types/*/; do
		[ "$(cat "$t/available_instances")" -gt 0 ] || continue
		u=$(uuidgen)
		echo "$u" >"$t/create" && pre_existing[$u]=${link##*/}
		break
	done
done

lv_start "$WORK/libvirt"
ok "libvirtd started with the node-device driver only"

# --- the tree as libvirt sees it --------------------------------------------

types_agree()
{
	[ "$(tree_types "$1")" = "$(lv_types "$2")" ]
}

# Node device names for every parent, by sysfs path.
declare -A parent_name
parents=()
for link in /sys/class/mdev_bus/*; do
	p=${link##*/}
	parents+=("$p")
	path=$(readlink -f "$link")
	if name=$(lv_name_of_path "$path"); then
		parent_name[$p]=$name
		ok "parent $p is node device $name"
	else
		not_ok "parent $p ($path) is not a libvirt node device"
	fi
done
[ ${#parents[@]} -ge 5 ] && ok "${#parents[@]} parents in the tree" ||
	not_ok "only ${#parents[@]} parents in the tree"

for p in "${parents[@]}"; do
	[ -n "${parent_name[$p]:-}" ] || continue
	if types_agree "/sys/class/mdev_bus/$p" "${parent_name[$p]}"; then
		ok "types of $p: same id, name, deviceAPI, availableInstances"
	else
		not_ok "types of $p differ:"
		diff <(tree_types "/sys/class/mdev_bus/$p") \
			<(lv_types "${parent_name[$p]}") | sed 's/^/#   /'
	fi
done

# The mdev with UUID $1 appears in nodedev-list --tree under parent $2's
# node device.
in_tree_under()
{
	vsh nodedev-list --tree | awk -v parent="$2" -v dev="mdev_${1//-/_}" '
		index($0, "+- " parent) { depth = index($0, "+-"); inside = 1; next }
		inside && index($0, "+-") && index($0, "+-") <= depth { inside = 0 }
		inside && index($0, "+- " dev) { found = 1 }
		END { exit !found }'
}

lv_active() { vsh nodedev-list --cap mdev | grep -q "mdev_${1//-/_}"; }
lv_inactive() { vsh nodedev-list --cap mdev --inactive | grep -q "mdev_${1//-/_}"; }
lv_absent() { ! vsh nodedev-list --cap mdev --all | grep -q "mdev_${1//-/_}"; }
tree_has() { [ -e "/sys/bus/mdev/devices/$1" ]; }
ctl_active() { mdevctl list | grep -q "^$1 "; }
ctl_defined() { mdevctl list --defined | grep -q "^$1 "; }

# UUID sets, one per line, sorted: libvirt (active / inactive), the tree,
# mdevctl (active / defined).
lv_uuids()
{
	vsh nodedev-list --cap mdev "$@" | sed -n 's/^mdev_\([0-9a-f_]\{36\}\).*/\1/p' |
		tr _ - | sort
}
tree_uuids() { ls /sys/bus/mdev/devices | sort; }
ctl_uuids() { mdevctl list "$@" | awk 'NF { print $1 }' | sort; }

# libvirt, mdevctl and the tree agree: active = tree = mdevctl list;
# libvirt's inactive = defined but not active.
all_agree()
{
	local active defined
	active=$(tree_uuids)
	defined=$(ctl_uuids --defined)
	[ "$(lv_uuids)" = "$active" ] && [ "$(ctl_uuids)" = "$active" ] &&
		[ "$(lv_uuids --inactive)" = "$(comm -23 <(echo "$defined") <(echo "$active") | sed '/^$/d')" ]
}

# The iommu group libvirt reports for the mdev is the tree's, and the
# group lists the device.
iommu_agrees()
{
	local g
	g=$(basename "$(readlink "/sys/bus/mdev/devices/$1/iommu_group")")
	[ -e "/sys/kernel/iommu_groups/$g/devices/$1" ] &&
		vsh nodedev-dumpxml "$2" | grep -q "<iommuGroup number='$g'/>"
}

first_type()
{
	local t
	for t in "/sys/class/mdev_bus/$1"/mdev_supported_types/*/; do
		t=${t%/}
		if [ "$(cat "$t/available_instances")" -gt 0 ]; then
			echo "${t##*/}"
			return 0
		fi
	done
	return 1
}

mdev_xml()
{
	# parent node device, type, uuid
	cat <<-EOF
		<device>
		  <parent>$1</parent>
		  <capability type='mdev'>
		    <type id='$2'/>
		    <uuid>$3</uuid>
		  </capability>
		</device>
	EOF
}

for u in "${!pre_existing[@]}"; do
	p=${pre_existing[$u]}
	check "device made before libvirtd started is under ${parent_name[$p]:-$p} in --tree" \
		in_tree_under "$u" "${parent_name[$p]:-none}"
done
check "libvirt, mdevctl and the tree agree (${#pre_existing[@]} pre-existing)" all_agree
for u in "${!pre_existing[@]}"; do
	echo 1 >"/sys/bus/mdev/devices/$u/remove"
done
for u in "${!pre_existing[@]}"; do
	check "pre-existing device removed through sysfs leaves libvirt" wait_until $T lv_absent "$u"
done

# --- lifecycle through libvirt ----------------------------------------------

gpu=0000:00:02.0
[ -n "${parent_name[$gpu]:-}" ] || { echo "Bail out! no $gpu in libvirt"; exit 1; }
gpu_node=${parent_name[$gpu]}
gtype=$(first_type $gpu)
avail_before=$(cat /sys/class/mdev_bus/$gpu/mdev_supported_types/$gtype/available_instances)

# define + start
u=$(uuidgen)
mdev_xml "$gpu_node" "$gtype" "$u" >"$WORK/def.xml"
check "nodedev-define $gtype on $gpu_node" vsh nodedev-define "$WORK/def.xml"
check "defined mdev listed by mdevctl list --defined" ctl_defined "$u"
check "store file written" test -f "/etc/mdevctl.d/$gpu/$u"
check "nodedev-list --cap mdev --inactive shows it" wait_until $T lv_inactive "$u"
check "not in the tree before start" eval '! tree_has '"$u"
name=$(lv_mdev_name "$u")
if [ $has_inactive = 1 ]; then
	check "dumpxml --inactive of the defined device names its type and uuid" eval \
		'vsh nodedev-dumpxml --inactive '"$name"' | grep -q "<type id=.'"$gtype"'./>" &&
		 vsh nodedev-dumpxml --inactive '"$name"' | grep -q "<uuid>'"$u"'</uuid>"'
fi
check "nodedev-start $name" vsh nodedev-start "$name"
check "started device is in the tree" tree_has "$u"
check "mdevctl list shows it active" ctl_active "$u"
check "libvirt lists it active" wait_until $T lv_active "$u"
check "nodedev-list --tree shows it under $gpu_node" wait_until $T in_tree_under "$u" "$gpu_node"
check "available_instances dropped in the tree" test \
	"$(cat /sys/class/mdev_bus/$gpu/mdev_supported_types/$gtype/available_instances)" -lt "$avail_before"
check "parent's types agree after start" types_agree /sys/class/mdev_bus/$gpu "$gpu_node"
check "libvirt, mdevctl and the tree agree (1 active)" wait_until $T all_agree
check "iommu group: libvirt's = the tree's, listing the device" iommu_agrees "$u" "$name"
check "dumpxml of the mdev names its type and uuid" eval \
	'vsh nodedev-dumpxml '"$name"' | grep -q "<type id=.'"$gtype"'./>" &&
	 vsh nodedev-dumpxml '"$name"' | grep -q "<uuid>'"$u"'</uuid>"'

# autostart
check "nodedev-autostart $name" vsh nodedev-autostart "$name"
check "definition is auto (mdevctl)" eval 'mdevctl list --defined --uuid '"$u"' | grep -q " auto"'
check "nodedev-info says autostart yes" wait_until $T eval \
	'vsh nodedev-info '"$name"' | grep -Eq "^Autostart: +yes"'
check "nodedev-autostart --disable $name" vsh nodedev-autostart --disable "$name"
check "definition is manual again" eval 'mdevctl list --defined --uuid '"$u"' | grep -q " manual"'

# destroy (stays defined), undefine
check "nodedev-destroy $name" vsh nodedev-destroy "$name"
check "destroyed device left the tree" eval '! tree_has '"$u"
check "mdevctl no longer lists it active" eval '! ctl_active '"$u"
check "libvirt shows it inactive" wait_until $T lv_inactive "$u"
check "libvirt, mdevctl and the tree agree (1 inactive)" wait_until $T all_agree
check "available_instances restored" test \
	"$(cat /sys/class/mdev_bus/$gpu/mdev_supported_types/$gtype/available_instances)" -eq "$avail_before"
check "nodedev-undefine $name" vsh nodedev-undefine "$name"
check "mdevctl forgot the definition" eval '! ctl_defined '"$u"
check "libvirt forgot it" wait_until $T lv_absent "$u"
check "libvirt, mdevctl and the tree agree (none)" wait_until $T all_agree

# transient create
u=$(uuidgen)
mdev_xml "$gpu_node" "$gtype" "$u" >"$WORK/create.xml"
start=$(date +%s%N)
check "nodedev-create (transient)" vsh nodedev-create "$WORK/create.xml"
ms=$((($(date +%s%N) - start) / 1000000))
echo "# nodedev-create took $ms ms"
check "nodedev-create returned within 30 s (udev event seen; without it libvirt waits 60 s)" test $ms -lt 30000
check "created device is in the tree" tree_has "$u"
check "mdevctl list shows it" ctl_active "$u"
check "mdevctl list --defined does not" eval '! ctl_defined '"$u"
check "libvirt lists it active" lv_active "$u"
check "libvirt, mdevctl and the tree agree (1 transient)" wait_until $T all_agree
name=$(lv_mdev_name "$u")
check "nodedev-destroy $name" vsh nodedev-destroy "$name"
check "gone from the tree" eval '! tree_has '"$u"
check "gone from libvirt" wait_until $T lv_absent "$u"

# vendor attributes: libvirt's <attr> -> mdevctl definition -> written to
# the device's sysfs attribute on start
nv=0000:65:00.0
if [ -n "${parent_name[$nv]:-}" ]; then
	u=$(uuidgen)
	cat >"$WORK/attr.xml" <<-EOF
		<device>
		  <parent>${parent_name[$nv]}</parent>
		  <capability type='mdev'>
		    <type id='$(first_type $nv)'/>
		    <uuid>$u</uuid>
		    <attr name='nvidia/vgpu_params' value='frame_rate_limiter=0'/>
		  </capability>
		</device>
	EOF
	check "nodedev-define with an <attr>" vsh nodedev-define "$WORK/attr.xml"
	check "definition file holds the attribute" \
		grep -q '"nvidia/vgpu_params": "frame_rate_limiter=0"' "/etc/mdevctl.d/$nv/$u"
	wait_until $T lv_inactive "$u" || true
	name=$(lv_mdev_name "$u")
	check "nodedev-start applies it to sysfs" eval \
		'vsh nodedev-start '"$name"' >/dev/null &&
		 test "$(cat /sys/bus/mdev/devices/'"$u"'/nvidia/vgpu_params)" = frame_rate_limiter=0'
	attr_xml="<attr name=.nvidia/vgpu_params. value=.frame_rate_limiter=0./>"
	if [ $v14 = 0 ]; then
		check "dumpxml of the running device shows the attr" wait_until $T eval \
			'vsh nodedev-dumpxml '"$name"' | grep -q "'"$attr_xml"'"'
	else
		# 1.4.0 takes a running device's attributes from its callout
		# only, and NVIDIA's has none: libvirt shows none either
		check "dumpxml of the running device has no attr (1.4: no callout for the type)" \
			wait_until $T eval '! vsh nodedev-dumpxml '"$name"' | grep -q "<attr "'
		if [ -n "$real14" ]; then
			check "mdevctl list --dumpjson of it: ours = Debian's 1.4.0" eval \
				'[ "$(mdevctl list --dumpjson -u '"$u"')" = "$($real14 list --dumpjson -u '"$u"')" ]'
		fi
	fi
	if [ $has_inactive = 1 ]; then
		check "dumpxml --inactive shows the definition's attr" eval \
			'vsh nodedev-dumpxml --inactive '"$name"' | grep -q "'"$attr_xml"'"'
	fi
	vsh nodedev-destroy "$name" >/dev/null || true
	vsh nodedev-undefine "$name" >/dev/null || true
	check "attr device destroyed and undefined" wait_until $T lv_absent "$u"
fi

# --- nodedev-update (libvirt 10.1+) on a device whose callout supports live
# changes: vfio_ap's matrix through mdevkit-vfio-ap (installed by
# mdev-sandbox). Every flag combination; the matrix is read back from the
# tree, the definition from the store, and both from libvirt's live and
# inactive XML. update_steps also prints a transcript of libvirt's answers,
# compared below with the same steps run with Debian's mdevctl 1.4.0.

ap=
for p in "${parents[@]}"; do
	[ -d "/sys/class/mdev_bus/$p/mdev_supported_types/vfio_ap-passthrough" ] && ap=$p
done
callout=/etc/mdevctl.d/scripts.d/callouts/mdevkit-vfio-ap

# <device> XML for vfio_ap device $2 (libvirt name $1, or - before it has
# one) with attributes NAME=VALUE... (nodedev-update's schema wants <name>)
ap_xml()
{
	local a
	echo "<device>"
	[ "$1" = - ] || echo "<name>$1</name>"
	echo "<parent>${parent_name[$ap]}</parent><capability type='mdev'>"
	echo "<type id='vfio_ap-passthrough'/><uuid>$2</uuid>"
	shift 2
	for a; do echo "<attr name='${a%%=*}' value='${a#*=}'/>"; done
	echo "</capability></device>"
}

# The matrix that "NAME VALUE" lines on stdin (assign_*/unassign_*, values
# as kstrtoul base 0 reads them) build from nothing: "a=.. d=.. c=..".
canon()
{
	local n v i
	local -A A=() D=() C=()
	while read -r n v; do
		[ -n "$n" ] || continue
		i=$((v))
		case $n in
		assign_adapter) A[$i]=1 ;;
		unassign_adapter) unset "A[$i]" ;;
		assign_domain) D[$i]=1 ;;
		unassign_domain) unset "D[$i]" ;;
		assign_control_domain) C[$i]=1 ;;
		unassign_control_domain) unset "C[$i]" ;;
		esac
	done
	echo "a=$(printf '%s\n' "${!A[@]}" | sort -n | paste -sd,)" \
		"d=$(printf '%s\n' "${!D[@]}" | sort -n | paste -sd,)" \
		"c=$(printf '%s\n' "${!C[@]}" | sort -n | paste -sd,)"
}
args_canon() { printf '%s\n' "$@" | tr '=' ' ' | canon; }
# the running device's matrix ("aa.dddd", "aa." or ".dddd" lines; control
# domains "dddd"), or "none"
tree_canon()
{
	local d=/sys/bus/mdev/devices/$1
	[ -e "$d/matrix" ] || { echo none; return; }
	{
		sed -n 's/^\([0-9a-f]\+\)\..*/assign_adapter 0x\1/p' "$d/matrix"
		sed -n 's/^[0-9a-f]*\.\([0-9a-f]\+\)$/assign_domain 0x\1/p' "$d/matrix"
		sed -n 's/^\([0-9a-f]\+\)$/assign_control_domain 0x\1/p' "$d/control_domains"
	} | canon
}
store_attrs()
{
	grep -o '"[a-z_]*": *"[^"]*"' "/etc/mdevctl.d/$ap/$1" |
		grep -v -e '^"mdev_type"' -e '^"start"' | sed 's/"\([^"]*\)": *"\([^"]*\)"/\1 \2/'
}
xml_attrs() { vsh nodedev-dumpxml "$@" | sed -n "s/.*<attr name='\([^']*\)' value='\([^']*\)'\/>.*/\1 \2/p"; }
live_canon() { xml_attrs "$1" | canon; }
inactive_canon() { xml_attrs --inactive "$1" | canon; }

# One nodedev-update: STEP U NAME TREE STORE RC FLAGS... -- ATTRS...; TREE
# and STORE say whether the running matrix and the definition take the new
# attributes ("new") or keep what they had ("old"), RC is ok or refused.
upd()
{
	local step=$1 u=$2 name=$3 want_tree=$4 want_store=$5 want_rc=$6 rc=0
	local flags=() tree0 store0 new
	shift 6
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	tree0=$(tree_canon "$u")
	store0=$(store_attrs "$u" | canon)
	new=$(args_canon "$@")
	ap_xml "$name" "$u" "$@" >"$WORK/upd.xml"
	vsh nodedev-update "$name" "$WORK/upd.xml" ${flags[@]+"${flags[@]}"} \
		>/dev/null 2>"$WORK/upd.err" || rc=$?
	echo "$step: rc=$([ $rc = 0 ] && echo ok || echo refused) $(sed "s/$u/U/g; s/${u//-/_}/U/g" "$WORK/upd.err" | head -n 1)" >>"$WORK/update-$label.txt"
	check "nodedev-update ${flags[*]:-(no flag)} $step: ${want_rc}" \
		test "$([ $rc = 0 ] && echo ok || echo refused)" = "$want_rc"
	[ "$want_tree" = new ] && want_tree=$new || want_tree=$tree0
	[ "$want_store" = new ] && want_store=$new || want_store=$store0
	check "... the tree's matrix: $want_tree" test "$(tree_canon "$u")" = "$want_tree"
	check "... the definition: $want_store" test "$(store_attrs "$u" | canon)" = "$want_store"
	if [ "$want_tree" != none ]; then
		check "... libvirt's live XML: the running matrix" \
			wait_until $T eval '[ "$(live_canon '"$name"')" = "$(tree_canon '"$u"')" ]'
	fi
	check "... libvirt's inactive XML: the definition" \
		wait_until $T eval '[ "$(inactive_canon '"$name"')" = "$(store_attrs '"$u"' | canon)" ]'
	# what libvirt shows once it agrees with the tree (it re-reads mdevctl
	# on the device's change events)
	[ "$want_tree" = none ] ||
		wait_until $T eval '[ "$(live_canon '"$name"')" = "$(tree_canon '"$u"')" ]' || true
	{
		echo "  tree $(tree_canon "$u")"
		[ "$want_tree" = none ] || xml_attrs "$name" | sed 's/^/  live /'
		xml_attrs --inactive "$name" | sed 's/^/  inactive /'
	} >>"$WORK/update-$label.txt"
}

# The whole sequence on a new persistent device; transcript in
# $WORK/update-LABEL.txt.
update_steps()
{
	local u name
	label=$1
	: >"$WORK/update-$label.txt"
	u=$(uuidgen)
	ap_xml - "$u" assign_adapter=5 assign_domain=4 assign_control_domain=7 >"$WORK/ap.xml"
	check "[$label] nodedev-define vfio_ap with a matrix" vsh nodedev-define "$WORK/ap.xml"
	wait_until $T lv_inactive "$u" || true
	name=$(lv_mdev_name "$u")
	check "[$label] nodedev-start $name" vsh nodedev-start "$name"
	check "[$label] started with the defined matrix" \
		test "$(tree_canon "$u")" = "$(args_canon assign_adapter=5 assign_domain=4 assign_control_domain=7)"
	check "[$label] libvirt's live XML shows it (the callout's get attributes)" \
		wait_until $T eval '[ "$(live_canon '"$name"')" = "$(tree_canon '"$u"')" ]'
	upd live "$u" "$name" new old ok --live -- \
		assign_adapter=6 assign_adapter=0x10 assign_domain=4 assign_domain=9
	upd config "$u" "$name" old new ok --config -- assign_adapter=1 assign_domain=1
	upd live+config "$u" "$name" new new ok --live --config -- \
		assign_adapter=2 assign_adapter=3 assign_domain=0x20 assign_control_domain=0x21
	# neither flag is --current: the running device, as it runs
	upd current-running "$u" "$name" new old ok -- assign_adapter=0x0a assign_domain=0x0b
	check "[$label] nodedev-destroy" vsh nodedev-destroy "$name"
	wait_until $T lv_inactive "$u" || true
	upd current-stopped "$u" "$name" old new ok -- assign_adapter=0xff assign_domain=0
	upd live-stopped "$u" "$name" old old refused --live -- assign_adapter=7
	upd config-stopped "$u" "$name" old new ok --config -- assign_adapter=8
	check "[$label] started again: the last definition's matrix" eval \
		'vsh nodedev-start '"$name"' >/dev/null && [ "$(tree_canon '"$u"')" = "$(args_canon assign_adapter=8)" ]'
	vsh nodedev-destroy "$name" >/dev/null || true
	wait_until $T lv_inactive "$u" || true
	check "[$label] nodedev-undefine" vsh nodedev-undefine "$name"
	check "[$label] gone" wait_until $T lv_absent "$u"
}

if [ $has_update = 1 ] && [ -n "$ap" ] && [ -x "$callout" ]; then
	update_steps ours
else
	echo "# nodedev-update not run: libvirt without it (10.1+), no vfio_ap parent or no $callout"
fi

# every other parent: a transient device on its first type
for p in "${parents[@]}"; do
	[ "$p" = "$gpu" ] && continue
	[ -n "${parent_name[$p]:-}" ] || continue
	t=$(first_type "$p") || { not_ok "$p has no type with room"; continue; }
	u=$(uuidgen)
	mdev_xml "${parent_name[$p]}" "$t" "$u" >"$WORK/p.xml"
	if vsh nodedev-create "$WORK/p.xml" >/dev/null && tree_has "$u" &&
		wait_until $T in_tree_under "$u" "${parent_name[$p]}"; then
		ok "nodedev-create $t on $p, shown under ${parent_name[$p]}"
	else
		not_ok "nodedev-create $t on $p"
	fi
	name=$(lv_mdev_name "$u")
	[ -n "$name" ] && vsh nodedev-destroy "$name" >/dev/null || true
	check "device on $p destroyed" wait_until $T lv_absent "$u"
done

# --- changes made outside libvirt --------------------------------------------

u=$(uuidgen)
echo "$u" >"/sys/class/mdev_bus/$gpu/mdev_supported_types/$gtype/create"
check "device written to create appears in libvirt live" wait_until $T lv_active "$u"
check "... under $gpu_node in the tree" wait_until $T in_tree_under "$u" "$gpu_node"
echo 1 >"/sys/bus/mdev/devices/$u/remove"
check "device removed through sysfs leaves libvirt" wait_until $T lv_absent "$u"

u=$(uuidgen)
mdevctl define --uuid "$u" --parent "$gpu" --type "$gtype" >/dev/null
check "definition by mdevctl appears inactive in libvirt" wait_until $T lv_inactive "$u"
mdevctl start --uuid "$u" >/dev/null
check "start by mdevctl appears active in libvirt" wait_until $T lv_active "$u"
mdevctl stop --uuid "$u" >/dev/null
check "stop by mdevctl shows inactive in libvirt" wait_until $T lv_inactive "$u"
mdevctl undefine --uuid "$u" >/dev/null
check "undefine by mdevctl leaves libvirt" wait_until $T lv_absent "$u"

# --- parents added and removed at run time (SIGHUP) --------------------------

newp=0000:66:00.0 # in $WORK/hw-plus.json, not in $HW at start
new_node=pci_0000_66_00_0
mdevd_pid=$(pidof mdevd)
# An autostart definition waiting for the parent: mdevd's --on-register
# "mdevctl start-parent-mdevs" (the udev rule's job) starts it.
ua=$(uuidgen)
ntype=$(first_type 0000:65:00.0)
mdevctl define --uuid "$ua" --parent "$newp" --type "$ntype" --auto >/dev/null
cp "$HW" "$WORK/hw.orig"
cp "$WORK/hw-plus.json" "$HW"
kill -HUP "$mdevd_pid"
check "parent $newp registered after SIGHUP" wait_until $T test -e "/sys/class/mdev_bus/$newp"
check "libvirt shows $new_node without a restart" wait_until $T eval 'vsh nodedev-list | grep -qx '"$new_node"
check "types of $newp agree" wait_until $T types_agree "/sys/class/mdev_bus/$newp" "$new_node"
check "autostart definition started on registration" wait_until $T tree_has "$ua"
check "... and shown active under $new_node" wait_until $T in_tree_under "$ua" "$new_node"
cp "$WORK/hw.orig" "$HW"
kill -HUP "$mdevd_pid"
check "parent $newp unregistered after SIGHUP" wait_until $T eval '! test -e /sys/class/mdev_bus/'"$newp"
check "libvirt dropped $new_node" wait_until $T eval '! vsh nodedev-list | grep -qx '"$new_node"
check "its device is inactive (defined) in libvirt" wait_until $T lv_inactive "$ua"
mdevctl undefine --uuid "$ua" >/dev/null || true
check "libvirtd still running" kill -0 "$(cat /run/libvirtd.pid)"

# --- the nodedev-update steps again, with Debian's mdevctl 1.4.0 ---------
# libvirtd restarted with a PATH without ours: libvirt's answers (status,
# message, XML attributes) must be the same as with ours.
if [ $has_update = 1 ] && [ -n "$ap" ] && [ -x "$callout" ] && [ -n "$real14" ]; then
	pid=$(cat /run/libvirtd.pid)
	kill "$pid"
	wait_until 30 eval '! kill -0 '"$pid" || true
	ours_dir=$(dirname "$(command -v mdevctl)")
	real_path=$(printf '%s\n' "${PATH//:/$'\n'}" | grep -vxF "$ours_dir" | paste -sd:)
	PATH=$real_path lv_start "$WORK/libvirt-real"
	check "libvirtd restarted with Debian's mdevctl 1.4.0 first on PATH" \
		test "$(PATH=$real_path command -v mdevctl)" = /usr/bin/mdevctl
	update_steps real
	if diff "$WORK/update-real.txt" "$WORK/update-ours.txt" >"$WORK/update.diff"; then
		ok "nodedev-update: libvirt answers the same with ours and with mdevctl 1.4.0 ($(wc -l <"$WORK/update-ours.txt") lines)"
	else
		not_ok "nodedev-update: libvirt's answers differ (< 1.4.0, > ours):"
		sed 's/^/#   /' "$WORK/update.diff"
	fi
	check "libvirtd (with 1.4.0) still running" kill -0 "$(cat /run/libvirtd.pid)"
fi

echo "1..$n"
if [ $failures -ne 0 ]; then
	echo "# $failures failed; libvirtd log tail:"
	tail -n 30 "$WORK/libvirt/libvirtd.log" | sed 's/^/#   /'
	exit 1
fi
