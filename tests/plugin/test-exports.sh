#!/bin/bash
# libmdev.so exports exactly the functions the public headers declare
# (every one of them, nothing of src/core's internals or src/common), under
# a versioned SONAME.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }

soname=$(readelf -d "$LIBMDEV" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libmdev.so.0 ] || fail "SONAME is '$soname', want libmdev.so.0"
echo "ok - SONAME $soname"

# Defined dynamic symbols, without the version node itself.
exported=$(nm -D --defined-only "$LIBMDEV" | awk '{print $3}' |
	grep -v '^LIBMDEV_' | sed 's/@.*//' | sort -u)
declared=$(python3 "$LIBMDEV_SYMBOLS" --list "$SOURCE_ROOT"/include/*.h | sort -u)
[ "$(echo "$declared" | wc -l)" -gt 50 ] || fail "too few declarations found: $declared"
if [ "$exported" != "$declared" ]; then
	diff <(echo "$declared") <(echo "$exported") >&2 || true
	fail "exports differ from the header declarations (- declared, + exported)"
fi
echo "ok - $(echo "$exported" | wc -l) symbols exported, each declared in include/"
