# TAP lines for the bash tests that report many checks and go on after a
# failed one (sourced): ok / not_ok count in n and failures, check runs a
# command as one check. Print "1..$n" at the end; exit non-zero when
# failures is.
n=0
failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
check()
{
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
