# Shared helpers for the mdevctl compatibility tests (sourced, POSIX sh).
#
# Two identical trees are built per scenario: one is bound over /sys and
# /etc/mdevctl.d in a private mount namespace for Debian's mdevctl 1.2.0
# (which has no root override), the other is handed to ours through
# MDEVCTL_ENV_ROOT. stdout, stderr, exit status and the resulting files are
# compared byte for byte.

# HERE is the sourcing script's directory (tests/compat or tests/ctl).
. "$HERE/../lib-env.sh"

# COMPAT_VERSION selects the reference: 1.2 = Debian 12's mdevctl 1.2.0 on
# this machine; 1.4 = Debian 13's mdevctl 1.4.0 run inside a cached Debian 13
# root (scripts/debian-root.sh), ours then runs with MDEVCTL_COMPAT=1.4.
COMPAT_VERSION=${COMPAT_VERSION:-1.2}
case $COMPAT_VERSION in
1.2) REAL=${REAL_MDEVCTL:-/usr/bin/mdevctl} ;;
1.4) REAL=${REAL_MDEVCTL:-/usr/bin/mdevctl} ;;
*)
	echo "COMPAT_VERSION must be 1.2 or 1.4, not '$COMPAT_VERSION'" >&2
	exit 1
	;;
esac
export MDEVCTL_COMPAT=$COMPAT_VERSION
U1=11111111-2222-3333-4444-555555555555
U2=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
UA=aaaaaaaa-2222-3333-4444-555555555555
U0=00000000-2222-3333-4444-555555555555
UN=12345678-1234-1234-1234-123456789abc

compat_require() {
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
		echo "SKIP: needs root and unshare"
		exit 77
	fi
	if [ "$COMPAT_VERSION" = 1.4 ]; then
		compat_require_trixie
	elif [ ! -x "$REAL" ]; then
		echo "SKIP: reference mdevctl ($REAL) not installed"
		exit 77
	fi
	# run_real binds the static tree over /sys in a private namespace.
	require_private_mounts
}

# A static sysfs-like tree: an i915 GPU and mtty, two active devices, three
# definitions. Plain files stand in for sysfs attributes.
mk_parent() { # ROOT devpath name
	mkdir -p "$1/sys/devices/$2/mdev_supported_types"
	ln -s "../../devices/$2" "$1/sys/class/mdev_bus/$3"
}

mk_type() { # ROOT devpath type name avail api description
	_t="$1/sys/devices/$2/mdev_supported_types/$3"
	mkdir -p "$_t/devices"
	[ -n "$4" ] && printf '%s\n' "$4" >"$_t/name"
	printf '%s\n' "$5" >"$_t/available_instances"
	printf '%s\n' "$6" >"$_t/device_api"
	[ -n "$7" ] && printf '%b' "$7" >"$_t/description"
	: >"$_t/create"
}

mk_dev() { # ROOT devpath uuid type
	mkdir -p "$1/sys/devices/$2/$3"
	ln -s "../mdev_supported_types/$4" "$1/sys/devices/$2/$3/mdev_type"
	: >"$1/sys/devices/$2/$3/remove"
	ln -s "../../../devices/$2/$3" "$1/sys/bus/mdev/devices/$3"
}

mk_tree() { # ROOT
	_r=$1
	mkdir -p "$_r/sys/class/mdev_bus" "$_r/sys/bus/mdev/devices" \
		"$_r/etc/mdevctl.d/scripts.d/callouts" \
		"$_r/etc/mdevctl.d/scripts.d/notifiers"
	# 1.4.0 refuses to run under MDEVCTL_ENV_ROOT without these
	[ "$COMPAT_VERSION" = 1.2 ] || mkdir -p \
		"$_r/usr/lib/mdevctl/scripts.d/callouts" \
		"$_r/usr/lib/mdevctl/scripts.d/notifiers"
	_g=pci0000:00/0000:00:02.0
	_m=virtual/mtty/mtty
	mk_parent "$_r" $_g 0000:00:02.0
	mk_type "$_r" $_g i915-GVTg_V5_4 GVTg_V5_4 2 vfio-pci \
		'low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n'
	mk_type "$_r" $_g i915-GVTg_V5_8 GVTg_V5_8 0 vfio-pci \
		'low_gm_size: 64MB\nhigh_gm_size: 384MB\n'
	mk_parent "$_r" $_m mtty
	mk_type "$_r" $_m mtty-1 "Single port serial" 24 vfio-pci ''
	mk_type "$_r" $_m mtty-2 "" 12 vfio-pci 'Dual port'
	mk_dev "$_r" $_g $U1 i915-GVTg_V5_4
	mk_dev "$_r" $_m $U2 mtty-1
	mkdir -p "$_r/etc/mdevctl.d/0000:00:02.0" "$_r/etc/mdevctl.d/mtty"
	printf '{\n  "mdev_type": "i915-GVTg_V5_4",\n  "start": "auto",\n  "attrs": [\n    {\n      "x": "1"\n    },\n    {\n      "a": "2"\n    }\n  ]\n}' \
		>"$_r/etc/mdevctl.d/0000:00:02.0/$U1"
	printf '{"mdev_type":"mtty-2","start":"manual"}' \
		>"$_r/etc/mdevctl.d/mtty/$UA"
	printf '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' \
		>"$_r/etc/mdevctl.d/mtty/$U0"
	printf '{"mdev_type":"mtty-1","start":"auto","attrs":[{"b":"1"}]}' \
		>"$_r/j1.json"
	printf '{"mdev_type":"mtty-1",' >"$_r/bad.json"
}

# The Debian 13 root holding mdevctl 1.4.0 (built once, cached outside the
# checkout; defined in tests/stack-roots.sh). TRIXIE_ROOT overrides it.
compat_require_trixie() {
	if [ -z "${TRIXIE_ROOT:-}" ]; then
		if ! TRIXIE_ROOT=$(top="$HERE/../.." && . "$top/tests/stack-roots.sh" &&
			stack_root trixie-mdevctl); then
			echo "SKIP: no Debian 13 root (scripts/debian-root.sh failed)"
			exit 77
		fi
	fi
	export TRIXIE_ROOT
	if ! chroot "$TRIXIE_ROOT" "$REAL" --version >/dev/null 2>&1; then
		echo "SKIP: $TRIXIE_ROOT has no runnable $REAL"
		exit 77
	fi
}

# Runs the reference on ROOT (cwd ROOT) in a private mount namespace:
# 1.2.0 with the tree bound over /sys and /etc/mdevctl.d (it has no root
# override); 1.4.0 chrooted into the Debian 13 root, with ROOT bound at the
# same path inside it and handed over through MDEVCTL_ENV_ROOT.
run_real() { # ROOT args...
	_root=$1
	shift
	if [ "$COMPAT_VERSION" = 1.4 ]; then
		(cd "$_root" && unshare -m --propagation private sh -c '
			t=$0 root=$1 real=$2 && shift 2 &&
			mount -t tmpfs tmp "$t/tmp" && mkdir -p "$t$root" &&
			mount --rbind "$root" "$t$root" &&
			mount --bind /dev "$t/dev" &&
			exec chroot "$t" /bin/sh -c "cd \"\$0\" &&
				unset RUST_BACKTRACE RUST_LIB_BACKTRACE &&
				MDEVCTL_ENV_ROOT=\"\$0\" exec \"\$@\"" \
				"$root" "$real" "$@"' "$TRIXIE_ROOT" "$_root" "$REAL" "$@")
		return
	fi
	(cd "$_root" && unshare -m sh -c 'mount --bind "$0/sys" /sys &&
		mount --bind "$0/etc/mdevctl.d" /etc/mdevctl.d &&
		r=$1 && shift && exec "$r" "$@"' "$_root" "$REAL" "$@")
}

run_ours() { # ROOT args...
	_root=$1
	shift
	(cd "$_root" && MDEVCTL_ENV_ROOT=$_root "$MDEVCTL" "$@")
}

# env_logger stamps warnings with the time; compare without it
norm_err() {
	sed -E 's/^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z /[TS /' "$1"
}

# A callout/notifier script that records its arguments and stdin in
# etc/mdevctl.d/<log>, prints MSG on stderr and exits with RC, or with
# PRE_RC for the pre event. Paths are relative to the script so the same
# script works under / (reference) and under ROOT (ours).
mk_script() { # DIR NAME LOG RC PRE_RC [MSG]
	mkdir -p "$1"
	cat >"$1/$2" <<SCRIPT
#!/bin/sh
d=\$(cd "\$(dirname "\$0")/../.." && pwd)
printf '%s\\n' "$2 \$*" >>"\$d/$3"
case "\$*" in *"-e get"*) ;; *) cat >>"\$d/$3"; echo >>"\$d/$3" ;; esac
[ -n "${6:-}" ] && echo "${6:-}" >&2
case "\$*" in *"-e pre"*) exit $5 ;; esac
exit $4
SCRIPT
	chmod 755 "$1/$2"
}

# A versioned callout script (mdevctl 1.4.0's protocol): answers
# `-e get -a capabilities` with {"supports":...} listing EVENTS, `-e get -a
# attributes` with ATTRS, exits LIVE_RC for `-e live` and PRE_RC for `-e
# pre`; records its arguments and stdin in etc/mdevctl.d/<log>. 1.2.0 sees
# an ordinary script that accepts every device.
mk_vscript() { # DIR NAME LOG EVENTS ATTRS LIVE_RC PRE_RC
	mkdir -p "$1"
	cat >"$1/$2" <<SCRIPT
#!/bin/sh
d=\$(cd "\$(dirname "\$0")/../.." && pwd)
printf '%s\\n' "$2 \$*" >>"\$d/$3"
cat >>"\$d/$3"
echo >>"\$d/$3"
case "\$*" in
*"-e get -a capabilities"*)
	printf '{"supports":{"version":2,"actions":["start","stop","define","undefine","modify","attributes","capabilities"],"events":[%s]}}' '$4'
	exit 0 ;;
*"-e get -a attributes"*) printf '%s' '$5'; exit 0 ;;
*"-e live"*) exit $6 ;;
*"-e pre"*) exit $7 ;;
esac
exit 0
SCRIPT
	chmod 755 "$1/$2"
}
