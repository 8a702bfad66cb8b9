#!/bin/bash
# Runs inside mdev-sandbox (see test-libvirt-record.sh), whose mdevd
# serves the recording of a static host: Debian's libvirtd must show every
# parent of the host, with the host's types (id, name, deviceAPI,
# availableInstances, as the host's files say) and its active devices.
# Env: HOST_SYS = the static host's sys directory, WORK = scratch.
set -eu
. "$(dirname "$0")/libvirt-lib.sh"
: "${HOST_SYS:?}" "${WORK:?}"
. "$(dirname "$0")/tap.sh"
lv_start "$WORK/libvirt"
ok "libvirtd started on the replayed host"
for link in "$HOST_SYS"/class/mdev_bus/*; do
	p=${link##*/}
	devpath=$(readlink -f "$link")
	devpath=${devpath#"$(readlink -f "$HOST_SYS")"/devices/}
	node=$(lv_name_of_path "/sys/devices/$devpath" || true)
	check "libvirt shows parent $p ($node)" test -n "$node"
	[ -n "$node" ] || continue
	check "libvirt's types of $p are the host's" \
		test "$(lv_types "$node")" = "$(tree_types "$link")"
done
want=$(ls "$HOST_SYS/bus/mdev/devices" | sort)
got() { vsh nodedev-list --cap mdev | sed -n 's/^mdev_\([0-9a-f_]\{36\}\).*/\1/p' | tr _ - | sort; }
check "libvirt's active mdevs are the host's ($(echo $want))" wait_until 10 eval '[ "$(got)" = "$want" ]'
echo "1..$n"
if [ $failures -ne 0 ]; then
	tail -n 30 "$WORK/libvirt/libvirtd.log" | sed 's/^/#   /'
	exit 1
fi
