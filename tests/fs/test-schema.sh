#!/bin/bash
# The tree shows exactly the schema's files (mdev_sysfs.h) plus the
# drivers' own: every parent, type and device directory of the demo tree,
# with types and modes, against what tests/fs/schema-files derives from the
# schema table and the drivers' descriptions — so a file the schema
# declares cannot go missing and a file it does not declare cannot appear.
set -eu
. "$(dirname "$0")/lib.sh"
: "${SCHEMA_FILES:?SCHEMA_FILES must point at tests/fs/schema-files}"

start_mdevd

"$SCHEMA_FILES" >"$T/expected" || fail "schema-files exited $?"
[ -s "$T/expected" ] || fail "schema-files printed nothing"

# listing DIR (relative to ROOT/sys): "NAME TYPE PERMS", sorted.
listing() {
	find "$SYS/$1" -mindepth 1 -maxdepth 1 -printf '%f %y %m\n' | LC_ALL=C sort
}

# wanted DIR: the expected lines of DIR, same shape.
wanted() {
	awk -v d="$1" '$1 == d { print $2, $3, $4 }' "$T/expected" | LC_ALL=C sort
}

same() {
	local what=$1 got=$2 want=$3
	[ "$got" = "$want" ] && return 0
	echo "--- $what: tree (<) vs schema (>)" >&2
	diff <(echo "$got") <(echo "$want") >&2 || true
	fail "$what differs from the schema"
}

n_dirs=0
for dir in $(awk '$1 !~ /^(device-of|reserved):/ { print $1 }' "$T/expected" | sort -u); do
	same "$dir" "$(listing "$dir")" "$(wanted "$dir")"
	n_dirs=$((n_dirs + 1))
done
# Every parent and every type the tree shows was compared.
n_tree=0
for p in "$SYS"/class/mdev_bus/*; do
	n_tree=$((n_tree + 1 + $(ls "$p/mdev_supported_types" | wc -l)))
done
expect "directories compared" "$n_dirs" "$n_tree"
n_reserved=0
while read -r dir name; do
	case $dir in reserved:device-of:*) continue ;; esac
	dir=${dir#reserved:}
	[ ! -e "$SYS/$dir/$name" ] || fail "$dir/$name exists (reserved)"
	n_reserved=$((n_reserved + 1))
done < <(grep '^reserved:' "$T/expected")
[ "$n_reserved" -gt 0 ] || fail "the schema reserves no parent or type name"
ok "$n_dirs parent and type directories hold exactly the schema's files"

# A device of each type, one at a time (some parents take one type only).
n=0
for of in $(awk '$1 ~ /^device-of:/ { print $1 }' "$T/expected" | sort -u); do
	tdir=${of#device-of:}
	pdir=${tdir%/mdev_supported_types/*}
	[ "$(cat "$SYS/$tdir/available_instances")" -gt 0 ] ||
		fail "$tdir: no instance available"
	n=$((n + 1))
	u=$(uuid_n $((0x5c4e0000 + n)))
	create "$SYS/$tdir" "$u"
	same "a device of $tdir" "$(listing "$pdir/$u")" "$(wanted "$of")"
	# Reserved names are not found either (lookup, not only listing).
	for r in $(awk -v d="reserved:$of" '$1 == d { print $2 }' "$T/expected"); do
		[ ! -e "$SYS/$pdir/$u/$r" ] || fail "$pdir/$u/$r exists (reserved)"
	done
	expect "remove $u" "$(echo 1 | wr "$SYS/$pdir/$u/remove")" "OK 2"
done
[ "$n" -gt 0 ] || fail "no type to create a device of"
ok "a device of each of the $n types holds exactly the schema's files"
