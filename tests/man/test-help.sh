#!/bin/bash
# --help and the man pages agree: every option (and every mdevctl
# subcommand) a program's --help prints is in its man page, and each page
# renders with man(1) when man is installed.
set -eu
fail() { echo "FAIL: $*" >&2; exit 1; }

# The page's text: roff font escapes and \- removed.
page_text() {
	sed 's/\\f[BIRP]//g; s/\\-/-/g; s/\\(em/-/g' "$1"
}
# The options in a --help text: -x and --long words that follow a blank,
# a comma, '[' or a line start (so "re-reads" is not one).
help_options() {
	grep -oE -- '(^|[][ ,|])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[][ ,|]*//' | sort -u
}
# check PROGRAM-NAME PAGE HELP-TEXT
check() {
	local name=$1 page=$2 help=$3 text opt n=0
	text=$(page_text "$page")
	for opt in $(echo "$help" | help_options); do
		n=$((n + 1))
		grep -qE -- "(^|[^a-zA-Z0-9-])$opt([^a-zA-Z0-9-]|\$)" <<<"$text" ||
			fail "$name: option $opt of --help is not in $(basename "$page")"
	done
	[ "$n" -gt 0 ] || fail "$name: no options found in its --help"
	echo "ok - $name: $n options of --help in $(basename "$page")"
}

check mdevd "$MAN_MDEVD" "$("$MDEVD" --help)"
check mdev-sandbox "$MAN_SANDBOX" "$("$MDEV_SANDBOX" --help)"
# mdevctl in both of its modes: every option either release's help shows
# is in the one page. 1.4.0 checks its script directories before anything
# else, --help included: an empty root has them.
MDEVCTL_ENV_ROOT=$(mktemp -d)
trap 'rm -rf "$MDEVCTL_ENV_ROOT"' EXIT
export MDEVCTL_ENV_ROOT
mkdir -p "$MDEVCTL_ENV_ROOT"/{etc/mdevctl.d,usr/lib/mdevctl}/scripts.d/{callouts,notifiers}
for compat in 1.2 1.4; do
	export MDEVCTL_COMPAT=$compat
	check "mdevctl ($compat)" "$MAN_MDEVCTL" "$("$MDEVCTL" --help)"
	cmds=$("$MDEVCTL" --help | sed -n '/^\(SUBCOMMANDS\|Commands\):/,/^$/p' |
		awk 'NR > 1 && NF && $1 != "help" {print $1}')
	[ -n "$cmds" ] || fail "no subcommands in mdevctl --help ($compat)"
	for c in $cmds; do
		page_text "$MAN_MDEVCTL" | grep -qE "^\.?(B )?mdevctl $c( |\$)|^mdevctl $c" ||
			grep -qE "mdevctl\\\\fR \\\\fB$c|mdevctl $c" "$MAN_MDEVCTL" ||
			fail "mdevctl: subcommand $c is not in the page's synopsis"
		check "mdevctl $c ($compat)" "$MAN_MDEVCTL" "$("$MDEVCTL" "$c" --help)"
	done
done
unset MDEVCTL_COMPAT

if command -v man >/dev/null; then
	for page in "$MAN_MDEVD" "$MAN_SANDBOX" "$MAN_MDEVCTL" "$MAN_HARDWARE" "$MAN_DRIVER"; do
		out=$(MANWIDTH=80 man -l "$page" 2>&1) || fail "man -l $page: $out"
		! grep -q "warning" <<<"$out" || fail "man -l $page warns: $(grep warning <<<"$out")"
		[ "$(wc -l <<<"$out")" -gt 20 ] || fail "man -l $page rendered only: $out"
	done
	echo "ok - the five pages render with man"
fi
