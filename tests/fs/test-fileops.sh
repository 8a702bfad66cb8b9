#!/bin/bash
# Every generic file operation on mdevd's tree answers as the kernel's own
# sysfs answers on this machine (docs/mdevd.md, "File operations"). For
# each kind of object — a file of a mode, a directory, a link to a
# directory — tests/fs/fileops runs on a /sys object of that kind and on
# EVERY mdevd object of that kind, as root and as nobody; the answers must
# be the same. Nothing is expected from a fixture: the kernel gives them.
# Then what kernfs keeps in memory and /sys must not be changed to show
# (a changed mode, owner, times, trusted. xattrs) is checked on mdevd.
set -eu
. "$(dirname "$0")/lib.sh"
: "${FILEOPS:?FILEOPS must point at tests/fs/fileops}"

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(stat -f -c %T /sys)" = sysfs ] || skip "/sys is not the kernel's sysfs"
id nobody >/dev/null 2>&1 || skip "no user nobody to probe as"
NOBODY_GROUP=$(id -gn nobody)

# The probes must be reachable by nobody (the checkout may be under a 0700
# home), and so must the tree.
chmod 755 "$T" "$ROOT"
cp "$FILEOPS" "$T/fileops"
cp "$WRITEFILE" "$T/writefile"
chmod 755 "$T/fileops" "$T/writefile"
as_nobody() {
	setpriv --reuid=nobody --regid="$NOBODY_GROUP" --clear-groups "$@"
}

# What decides the kernel's answers for an object: type, mode, owner, what
# a link leads to; regular files only of a page (attributes, not binary
# attributes with their own size).
keys() {
	find "$@" -xdev -printf '%y %m %U %Y %s\t%p\n' 2>/dev/null |
		awk -F'\t' '{ split($1, k, " ");
			if (k[1] == "f" && k[5] != 4096) next;
			print k[1] " " k[2] " " k[3] " " k[4] "\t" $2 }'
}

start_mdevd --allow-other
# One device on each kind of parent, so that every per-device node exists:
# device dirs, remove, uevent, attribute groups, bus/type/group links.
U1=0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
U2=1f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
U3=2f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
U4=3f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0
create "$(typedir 0000:65:00.0 nvidia-222)" "$U1"
create "$(typedir mtty mtty-1)" "$U2"
create "$(typedir 0000:00:02.0 i915-GVTg_V5_4)" "$U3"
create "$(typedir matrix vfio_ap-passthrough)" "$U4"

# For each key in mdevd's tree, the first /sys object with it (sorted, so
# the same machine always compares with the same object).
keys /sys/bus /sys/class /sys/devices | sort -t$'\t' -k2 >"$T/kernel.keys"
keys "$SYS" -mindepth 1 | sort -t$'\t' -k2 >"$T/mdevd.keys"
# A readable attribute must read without error: some kernel attributes'
# show() fails (unsupported feature), and their answers are not the kind's.
key_of() {
	local p
	while IFS= read -r p; do
		if [ -f "$p" ] && [ -n "$(find "$p" -perm -0400)" ] &&
			! timeout 5 dd if="$p" of=/dev/null bs=4096 count=1 2>/dev/null; then
			continue
		fi
		echo "$p"
		return
	done < <(awk -F'\t' -v want="$1" '$1 == want { print $2 }' "$T/kernel.keys")
}
# The brief's four kinds must exist on this machine, or nothing compares.
for k in "f 444 0 f" "f 200 0 f" "d 755 0 d" "l 777 0 d"; do
	[ -n "$(key_of "$k")" ] || skip "/sys has no object of kind '$k' (type mode uid target)"
done
: >"$T/pairs"
cut -f1 "$T/mdevd.keys" | sort -u >"$T/mdevd.kinds"
while read -r k; do
	kp=$(key_of "$k")
	[ -n "$kp" ] || fail "no /sys object of kind '$k' to compare mdevd's $(awk -F'\t' -v k="$k" '$1 == k { print $2; exit }' "$T/mdevd.keys") with"
	awk -F'\t' -v k="$k" -v kp="$kp" '$1 == k { print $2 "\t" kp }' "$T/mdevd.keys" >>"$T/pairs"
done <"$T/mdevd.kinds"
expect "mdevd objects paired" "$(wc -l <"$T/pairs")" "$(wc -l <"$T/mdevd.keys")"
# mdevd's root answers as /sys itself does.
printf '%s\t/sys\n' "$SYS" >>"$T/pairs"
[ "$(wc -l <"$T/pairs")" -gt 100 ] || fail "only $(wc -l <"$T/pairs") mdevd objects found"

# probe_all USER-RUNNER OUT PATH-FILE: one probe for all paths.
probe_all() {
	local out=$2
	mapfile -t paths <"$3"
	"$1" "$T/fileops" "${paths[@]}" >"$out" || fail "fileops as $1 failed"
}
as_root() { "$@"; }
cut -f2 "$T/pairs" | sort -u >"$T/kernel.paths"
cut -f1 "$T/pairs" >"$T/mdevd.paths"

for who in root nobody; do
	probe_all "as_$who" "$T/kernel.$who" "$T/kernel.paths"
	probe_all "as_$who" "$T/mdevd.$who" "$T/mdevd.paths"
	# What the kernel answers for FUSE before asking mdevd, and so differs
	# from sysfs whatever mdevd does (docs/mdevd.md): f_type is
	# FUSE_SUPER_MAGIC for any FUSE mount; removing a POSIX ACL as a
	# non-owner is EPERM (FUSE has an ACL inode operation, so the
	# ownership check comes first; kernfs has none: EOPNOTSUPP) — mdevd,
	# asked, would answer EOPNOTSUPP as root gets; a private read-only
	# mmap of a direct_io file is FUSE's generic_file_mmap() (sysfs:
	# ENODEV; a shared one is ENODEV on both).
	awk -F'\t' -v who="$who" -v kfile="$T/kernel.$who" -v mfile="$T/mdevd.$who" '
		function load(file, blocks,   line, cur) {
			while ((getline line <file) > 0) {
				if (line ~ /^object /) { cur = substr(line, 8); continue }
				if (line ~ /^statfs-type /) continue
				blocks[cur] = blocks[cur] line "\n"
			}
		}
		BEGIN {
			load(kfile, kb); load(mfile, mb)
			if (who == "nobody")
				fuse_only["removexattr-acl EPERM/EOPNOTSUPP"] = 1
			fuse_only["mmap-private 0/ENODEV"] = 1
		}
		{
			if (!($1 in mb)) { print "no answers for " $1; bad++; next }
			if (mb[$1] == kb[$2]) { same++; next }
			n = split(mb[$1], m, "\n"); split(kb[$2], k, "\n")
			differ = 0
			for (i = 1; i <= n; i++) {
				if (m[i] == k[i]) continue
				split(m[i], mo, " "); split(k[i], ko, " ")
				if (mo[1] == ko[1] && ((mo[1] " " mo[2] "/" ko[2]) in fuse_only)) continue
				print who ": " $1 ": \"" m[i] "\", kernel (" $2 "): \"" k[i] "\""
				differ = 1
			}
			if (differ) bad++; else same++
		}
		END { print who ": " same + 0 " objects as the kernel answers, " bad + 0 " not" >"/dev/stderr"; exit bad > 0 }
	' "$T/pairs" >"$T/diff.$who" || {
		head -40 "$T/diff.$who" >&2
		fail "$(wc -l <"$T/diff.$who") answers differ from /sys's as $who"
	}
done
ok "every object ($(wc -l <"$T/pairs")) answers as its /sys kind, as root and as nobody ($(cut -f1 "$T/mdevd.keys" | sort -u | tr '\n' ',' | sed 's/,$//'))"
# The objects compared with are the machine's: say which.
cut -f2 "$T/pairs" | sort | uniq -c | sed 's/^/# kernel sample: /'

# --- What kernfs keeps in memory, on mdevd only (/sys must not change).
T4=$(typedir 0000:65:00.0 nvidia-222)
D=$SYS/bus/mdev/devices/$U1
mode_of() { stat -c %a "$1"; }
# line OP PATH [as_nobody]: the probe's answer to one operation.
line() {
	"${3:-as_root}" "$T/fileops" "$2" | awk -v op="$1" '$1 == op { print $2 }'
}

name=$(cat "$T4/name")
chmod 0640 "$T4/name"
expect "chmod kept" "$(mode_of "$T4/name")" 640
expect "write to a chmod-ed read-only file (no store)" "$(printf x | wr "$T4/name")" EIO
expect "name unchanged" "$(cat "$T4/name")" "$name"
chmod 0000 "$T4/name"
expect "root open of a mode-0 file" "$(line open-rdonly "$T4/name")" EACCES
chmod 0444 "$T4/name"
expect "read again" "$(line open-rdonly "$T4/name")" 0
chmod 0600 "$T4/create"
expect "read of a chmod-ed write-only file (no show)" "$(line pread-past-end "$T4/create")" EIO
chmod 0200 "$T4/create"
ok "chmod: the new mode is kept and the open check uses it; no show/store: EIO"

# A device's own files: owner and mode die with the device.
chown nobody:"$NOBODY_GROUP" "$D/remove"
expect "chown kept" "$(stat -c %U "$D/remove")" nobody
expect "nobody may now open remove" "$(line open-wronly "$D/remove" as_nobody)" 0
expect "nobody removes the device" "$(printf 1 | as_nobody "$T/writefile" "$D/remove")" "OK 1"
[ ! -e "$D" ] || fail "device survived its removal by nobody"
create "$T4" "$U1"
expect "owner of a new device's remove" "$(stat -c %U:%a "$D/remove")" root:200
ok "chown: kept, honoured by the kernel's checks, gone with the device"

touch -d @1000000000 "$D/"
# The probe above touched every object with utimensat(NULL) ("now"), so
# the target's own time is whatever second that was: compare it with
# itself, before and after the link is touched.
target_mtime=$(stat -c %Y "$SYS/bus/mdev/devices/$U2/")
touch -h -d @1000000001 "$SYS/bus/mdev/devices/$U2"
expect "utimensat kept (dir)" "$(stat -c %Y "$D/")" 1000000000
expect "utimensat kept (link)" "$(stat -c %Y "$SYS/bus/mdev/devices/$U2")" 1000000001
expect "the link's target untouched" "$(stat -c %Y "$SYS/bus/mdev/devices/$U2/")" "$target_mtime"
touch -d @1000000000 "$T4/name"
expect "utimensat kept (file)" "$(stat -c %Y "$T4/name")" 1000000000
[ "$(stat -c %Z "$T4/name")" -gt 1000000000 ] || fail "ctime not updated by utimensat"
ok "utimensat: times kept, ctime moves"

# trusted. xattrs: kept per node, as kernfs's simple_xattr does.
want_xattr=$'set-create 0\nset-create-again EEXIST\nset-replace 0\nget v3\nget-too-small ERANGE\nlistxattr trusted.fileops-probe\nremove 0\nget-removed ENODATA\nlistxattr empty'
for p in "$T4/name" "$D/remove" "$T4" "$D" "$SYS/bus/mdev/devices/$U2"; do
	expect "xattrs of ${p#"$SYS"/}" "$("$T/fileops" --xattr-roundtrip "$p")" "$want_xattr"
done
ok "trusted. xattrs: create, replace, get, list, remove on files, dirs, links"
