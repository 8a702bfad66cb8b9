# Helpers for running Debian's libvirtd (node-device driver only) inside
# mdev-sandbox; sourced by the libvirt tests and the bench. bash.
#
# lv_start DIR   starts libvirtd with its config, log and driver dir in DIR
# vsh ARGS...    virsh -q -c nodedev:///system ARGS
# wait_until SECONDS COMMAND...   polls COMMAND every 20 ms; 1 on timeout

LV_DRIVER=${LV_DRIVER:-}

# The node-device driver module under root $1 (default /), printed
# without the root's prefix.
lv_find_driver()
{
	local r=${1:-} f
	for f in "$r"/usr/lib/*/libvirt/connection-driver/libvirt_driver_nodedev.so \
		"$r"/usr/lib64/libvirt/connection-driver/libvirt_driver_nodedev.so \
		"$r"/usr/lib/libvirt/connection-driver/libvirt_driver_nodedev.so; do
		[ -f "$f" ] && { echo "${f#"$r"}"; return 0; }
	done
	[ -n "$r" ] || dpkg -L libvirt-daemon 2>/dev/null | grep '/libvirt_driver_nodedev\.so$' | head -n1
}

# 0 when libvirtd and its node-device driver are installed (in root $1,
# default /).
lv_available()
{
	local r=${1:-}
	if [ -n "$r" ]; then
		[ -x "$r/usr/sbin/libvirtd" ] && [ -x "$r/usr/bin/virsh" ] || return 1
	else
		command -v libvirtd >/dev/null 2>&1 || [ -x /usr/sbin/libvirtd ] || return 1
		command -v virsh >/dev/null 2>&1 || return 1
	fi
	[ -n "$(lv_find_driver "$r")" ]
}

# lv_userland [ROOT-NAME]: which libvirt a test runs. With a root of
# tests/stack-roots.sh, sets userland=(--userland PATH) and MDEVCTL_COMPAT=1.4
# (a root that cannot be built skips, 77, or fails under CI=1); without,
# userland=() and the host's libvirt (skips when it is not installed).
lv_userland()
{
	userland=()
	if [ $# -ge 1 ]; then
		. "$(dirname "${BASH_SOURCE[0]}")/../stack-roots.sh"
		if ! lv_root=$(top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) stack_root "$1"); then
			[ -z "${CI:-}" ] || { echo "FAIL: cannot build the root $1"; exit 1; }
			echo "SKIP: cannot build the root $1 (scripts/debian-root.sh failed)"
			exit 77
		fi
		userland=(--userland "$lv_root")
		export MDEVCTL_COMPAT=1.4
		lv_available "$lv_root" || { echo "FAIL: $lv_root has no libvirtd / virsh / nodedev driver"; exit 1; }
	else
		lv_available || { echo "libvirtd / virsh / nodedev driver not installed: skip"; exit 77; }
	fi
}

wait_until()
{
	local limit=$1 start now
	shift
	start=$(date +%s%N)
	while ! "$@" >/dev/null 2>&1; do
		now=$(date +%s%N)
		[ $(((now - start) / 1000000)) -ge $((limit * 1000)) ] && return 1
		sleep 0.02
	done
	return 0
}

vsh()
{
	virsh -q -c nodedev:///system "$@"
}

lv_start()
{
	local dir=$1 drv libvirtd
	drv=$(lv_find_driver)
	libvirtd=$(command -v libvirtd || echo /usr/sbin/libvirtd)
	mkdir -p "$dir/drivers"
	ln -sf "$drv" "$dir/drivers/"
	# Everything libvirtd writes goes under the private /run or DIR.
	cat >"$dir/libvirtd.conf" <<-EOF
		unix_sock_dir = "/run/libvirt"
		auth_unix_rw = "none"
		auth_unix_ro = "none"
		log_outputs = "${LV_LOG_LEVEL:-2}:file:$dir/libvirtd.log"
		log_filters = "${LV_LOG_FILTERS:-}"
	EOF
	LIBVIRT_DRIVER_DIR="$dir/drivers" "$libvirtd" -d -f "$dir/libvirtd.conf" \
		-p /run/libvirtd.pid || return 1
	# Up when virsh answers (the socket exists before the driver is ready).
	wait_until 60 vsh nodedev-list || {
		echo "libvirtd did not answer; its log:" >&2
		cat "$dir/libvirtd.log" >&2
		return 1
	}
}

# libvirt's name of the node device whose sysfs path is $1.
lv_name_of_path()
{
	local want=$1 n
	for n in $(vsh nodedev-list); do
		if vsh nodedev-dumpxml "$n" | grep -qxF "  <path>$want</path>"; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

# libvirt's name of the mdev with UUID $1 (active or inactive).
lv_mdev_name()
{
	vsh nodedev-list --cap mdev --all | grep -F "mdev_${1//-/_}" | head -n1
}

# "id|name|deviceAPI|availableInstances" per type of a parent directory of
# the tree, and the same from libvirt's XML of the parent node device (the
# tests compare the two).
tree_types()
{
	local t
	for t in "$1"/mdev_supported_types/*/; do
		t=${t%/}
		printf '%s|%s|%s|%s\n' "${t##*/}" "$(cat "$t/name")" \
			"$(cat "$t/device_api")" "$(cat "$t/available_instances")"
	done | sort
}

lv_types()
{
	vsh nodedev-dumpxml "$1" | sed -n \
		-e "s|^ *<type id='\([^']*\)'>\$|id \1|p" \
		-e 's|^ *<name>\(.*\)</name>$|name \1|p' \
		-e 's|^ *<deviceAPI>\(.*\)</deviceAPI>$|api \1|p' \
		-e 's|^ *<availableInstances>\(.*\)</availableInstances>$|avail \1|p' |
		awk '$1 == "id" { if (id != "") print id "|" nm "|" api "|" av;
				id = substr($0, 4); nm = ""; api = ""; av = "" }
			$1 == "name" { nm = substr($0, 6) }
			$1 == "api" { api = substr($0, 5) }
			$1 == "avail" { av = substr($0, 7) }
			END { if (id != "") print id "|" nm "|" api "|" av }' |
		sed -e 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&apos;/'"'"'/g' | sort
}
