#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes libmdev's linker version script: the functions the public headers
declare are exported, everything else (src/core's internals, src/common)
is local. Generated from the headers so that the export list and the API
cannot drift apart; tests/package/check-exports.sh checks the result with
nm -D.

usage: libmdev-symbols.py OUTPUT HEADER...   (or --list HEADER...)"""
import re
import sys

# A declaration: a name starting with mdev_ directly followed by its
# parameter list. Function pointer members are "(*name)(", macros are
# upper case, so neither matches.
DECL = re.compile(r"\b(mdev_[a-z0-9_]+)\s*\(")


def public_functions(headers):
    names = set()
    for path in headers:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # Comments mention functions ("mdev_core_lock()"): drop them.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"^\s*#.*?(?<!\\)$", "", text, flags=re.M | re.S)
        names.update(DECL.findall(text))
    return sorted(names)


def main(argv):
    if len(argv) >= 2 and argv[0] == "--list":
        print("\n".join(public_functions(argv[1:])))
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    names = public_functions(argv[1:])
    with open(argv[0], "w", encoding="utf-8") as out:
        out.write("LIBMDEV_0 {\n  global:\n")
        for name in names:
            out.write("    %s;\n" % name)
        out.write("  local:\n    *;\n};\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
