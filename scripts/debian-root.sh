#!/bin/sh
# Builds (once) and prints the path of a cached Debian root for tests that
# run other Debian releases' programs side by side with ours (Debian 13's
# mdevctl 1.4.0, libvirt, Nova, QEMU):
#
#   scripts/debian-root.sh NAME SUITE [PKG...] [--backports PKG...]
#
# PKGs come from SUITE; those after --backports from SUITE-backports
# (installed with -t SUITE-backports: naming a package as pkg/SUITE-backports
# leaves its dependencies in SUITE and fails). The root is kept in
# ${MDEVKIT_CACHE:-/var/cache/mdevkit}/roots/NAME and rebuilt when missing or
# when the suite or package list changed; it is built beside the cache entry
# and renamed into place, so an interrupted build never looks finished. The
# mirror is the one this machine's apt uses, read at run time.
set -eu

die() {
	echo "debian-root: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: debian-root.sh NAME SUITE [PKG...] [--backports PKG...]"
name=$1 suite=$2
shift 2
case $name in
*/* | .* | "") die "NAME '$name' must be one path component" ;;
esac
main_pkgs="" bp_pkgs="" into=main
for p in "$@"; do
	if [ "$p" = --backports ]; then
		into=bp
	elif [ "$into" = main ]; then
		main_pkgs="$main_pkgs $p"
	else
		bp_pkgs="$bp_pkgs $p"
	fi
done

[ "$(id -u)" = 0 ] || die "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null 2>&1 ||
	die "debootstrap is not installed (scripts/install-deps.sh installs it)"

cache=${MDEVKIT_CACHE:-/var/cache/mdevkit}/roots
root=$cache/$name
want="suite=$suite main=$main_pkgs backports=$bp_pkgs"
mkdir -p "$cache" || die "cannot create $cache"

# One builder per root: a second caller waits, then finds it built.
exec 9>"$cache/$name.lock"
flock 9 || die "cannot lock $cache/$name.lock"

if [ -f "$root/.mdevkit-root" ] && [ "$(cat "$root/.mdevkit-root")" = "$want" ]; then
	echo "$root"
	exit 0
fi

mirror=$({ grep -hsE '^(URIs:|deb )' /etc/apt/sources.list \
	/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list || true; } |
	grep -v -e security -e updates -e backports | head -n 1 |
	sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*$//')
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*"

tmp=$root.tmp
# Never across file systems: a root must not take a mount with it.
rm -rf --one-file-system "$tmp"
echo "debian-root: building $name ($suite) in $root from $mirror" >&2
# debootstrap mounts /proc and /sys in the root while it works; in a private
# mount namespace those mounts end with it, even if it fails half-way.
unshare -m --propagation private \
	debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1 ||
	die "debootstrap $suite failed (log: $tmp.log)"

sources="deb $mirror $suite main"
[ -z "$bp_pkgs" ] || sources="$sources
deb $mirror $suite-backports main"
printf '%s\n' "$sources" >"$tmp/etc/apt/sources.list"
# No service may start inside the root while packages are installed.
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod 755 "$tmp/usr/sbin/policy-rc.d"

# apt's maintainer scripts want /proc and /dev; a private mount namespace
# keeps those mounts from outliving the build.
unshare -m sh -eu -c '
	mount -t proc proc "$1/proc"
	mount --rbind /dev "$1/dev"
	export DEBIAN_FRONTEND=noninteractive
	chroot "$1" apt-get update -qq
	if [ -n "$2" ]; then
		chroot "$1" apt-get install -y -qq --no-install-recommends $2
	fi
	if [ -n "$3" ]; then
		chroot "$1" apt-get install -y -qq --no-install-recommends -t "$4-backports" $3
	fi
	chroot "$1" apt-get clean
' debian-root "$tmp" "$main_pkgs" "$bp_pkgs" "$suite" >>"$tmp.log" 2>&1 ||
	die "installing packages into $name failed (log: $tmp.log)"

printf '%s\n' "$want" >"$tmp/.mdevkit-root"
rm -rf --one-file-system "$root"
mv "$tmp" "$root"
rm -f "$tmp.log"
echo "$root"
