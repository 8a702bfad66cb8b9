#!/bin/bash
# The Debian package end to end: dpkg-buildpackage -b builds mdevkit,
# libmdev0 and libmdev-dev from a copy of this checkout; lintian must report
# no error; apt installs them, with their dependencies from the Debian
# mirror, into a fresh Debian 12 root (tests/package/debian12-root.sh, a
# cached debootstrap); tests/package/inside.sh checks the installed system
# in that root. Nothing of the build tree is used inside but the .deb files
# and one test input (tests/plugin/broken.c: a plugin of another ABI).
#
#   tests/package/run.sh        (root; scripts/test.sh runs it as "package")
# Environment: MDEVKIT_CACHE (the root's cache, default /var/cache/mdevkit),
# MDEVKIT_PKG_OUT (where packages are built, default /var/tmp/mdevkit-pkg).
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${MDEVKIT_PKG_OUT:-/var/tmp/mdevkit-pkg}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (debootstrap, chroot, mounts)"; exit 77; }

if [ -z "${MDEVKIT_PKG_NS:-}" ]; then
	t0=$(date +%s)
	# --- build, outside the namespace (dpkg-buildpackage needs nothing of it)
	rm -rf "$OUT" && mkdir -p "$OUT/src"
	# The checkout's own files (tracked, or new and not ignored): nothing a
	# build left behind goes into the source package.
	files=$(git -C "$REPO" ls-files -co --exclude-standard) ||
		fail "git ls-files in $REPO failed: the package is built from the checkout's files"
	grep -v '^build' <<<"$files" | (cd "$REPO" && tar -cf - -T -) |
		tar -C "$OUT/src" -xf - || fail "cannot copy the checkout to $OUT/src"
	(cd "$OUT/src" && dpkg-buildpackage -b -us -uc) >"$OUT/build.log" 2>&1 ||
		fail "dpkg-buildpackage: $(grep -m3 -E 'error|FAILED' "$OUT/build.log")"
	ok "dpkg-buildpackage -b -us -uc: $(cd "$OUT" && ls ./*.deb | grep -vc dbgsym) packages in $(($(date +%s) - t0)) s"
	lintian --fail-on error "$OUT"/*.changes >"$OUT/lintian.log" 2>&1 ||
		fail "lintian reports errors: $(grep '^E:' "$OUT/lintian.log")"
	ok "lintian: no errors ($(grep -c '^W:' "$OUT/lintian.log" || true) warnings)"
	t1=$(date +%s)
	TAR=$("$REPO/tests/package/debian12-root.sh")
	ok "Debian 12 root: $TAR ($(($(date +%s) - t1)) s)"
	export MDEVKIT_PKG_NS=1 TAR
	exec unshare -m --propagation private "$0" "$@"
fi

# --- a fresh root from the cached tarball, in this private mount namespace
T=$(mktemp -d /var/tmp/mdevkit-pkgtest.XXXXXX)
R=$T/root
# Every mount is unmounted before anything is removed, and the removal
# never crosses into another file system: the root's /proc and /dev must
# not be walked by rm.
cleanup() {
	umount -R -l "$R" 2>/dev/null || true
	rm -rf --one-file-system "$T"
}
trap cleanup EXIT
mkdir "$R"
tar -C "$R" -xf "$TAR"
# / of the chroot must be a mount point for the private mounts mdevd's
# checks make (tests/lib-env.sh).
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
# A /dev of its own (a tmpfs with the few nodes the tests use), not the
# host's: nothing done in the root can touch the host's device nodes.
mount -t tmpfs -o mode=755 tmpfs "$R/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0 fuse:10:229; do
	IFS=: read -r name major minor <<<"$node"
	mknod -m 666 "$R/dev/$name" c "$major" "$minor"
done
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
mount -t tmpfs tmpfs "$R/run"
cp /etc/resolv.conf "$R/etc/resolv.conf"
mkdir -p "$R/tmp/debs" "$R/tmp/input"
cp $(ls "$OUT"/*.deb | grep -v dbgsym) "$R/tmp/debs/"
cp "$REPO/tests/plugin/broken.c" "$R/tmp/input/"
cp "$REPO/tests/package/inside.sh" "$R/tmp/input/"

t2=$(date +%s)
chroot "$R" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb' >"$T/apt.log" 2>&1 ||
	fail "apt-get install: $(tail -5 "$T/apt.log")"
ok "apt installed $(ls "$R/tmp/debs" | tr '\n' ' ')with their dependencies ($(($(date +%s) - t2)) s)"
chroot "$R" /bin/bash /tmp/input/inside.sh
