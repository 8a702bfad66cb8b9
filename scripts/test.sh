#!/bin/sh
# The one test command (README, .ci/run): installs what is missing, builds
# under AddressSanitizer + UndefinedBehaviorSanitizer, runs every test suite,
# builds the release and the demo's configurations (warnings fatal), runs the
# fuzzers. Every step runs even when an earlier one failed; the summary at
# the end names what failed, and the exit status is 1 if anything did.
#
#   ./scripts/test.sh                  everything (one meson test run per suite)
#   ./scripts/test.sh --suite fs       those meson test arguments instead
#   FUZZ_SECONDS=0 ./scripts/test.sh   without the fuzzers (default 30 s each)
set -eu
cd "$(dirname "$0")/.."
. tests/lib-env.sh

./scripts/install-deps.sh || {
	echo "test.sh: cannot install the build and test dependencies (see above); nothing was built" >&2
	exit 1
}

summary=""  # one line per step
failed=""   # names of the failed steps
passed=0    # meson tests, fuzz targets and builds, by result
nfailed=0
skipped=0
say() { echo "test.sh: $*"; }
note() { summary="$summary$1
"; }
step_failed() { # NAME COUNT WHY: COUNT failed tests (at least one)
	failed="$failed $1"
	nfailed=$((nfailed + ($2 > 0 ? $2 : 1)))
	note "  FAILED   $1: $3"
}

# A plain chroot (/ not a mount point) cannot give the mounted-tree, stress,
# compatibility and libvirt tests their private mount namespaces: they skip.
# Said once here; CI exists to run them all, so there it is a failure.
if mountns_why=$(private_mounts_unavailable); then
	say "WARNING: $mountns_why."
	say "WARNING: the tests that mount a tree will be SKIPPED (exit 77)."
	if [ -n "${CI:-}" ]; then
		step_failed environment 1 "$mountns_why (CI must run every test)"
	fi
fi

# build DIR MESON-SETUP-ARGS...: configures once, then builds.
build() {
	_dir=$1
	shift
	if [ ! -f "$_dir/build.ninja" ]; then
		meson setup "$_dir" "$@" || return 1
	fi
	ninja -C "$_dir"
}

# A build step: NAME, what it is, and its meson setup arguments.
build_step() {
	_name=$1 _what=$2
	shift 2
	say "building $_name ($_what)"
	if build "$_name" "$@"; then
		passed=$((passed + 1))
		note "  ok       $_name: $_what"
		return 0
	fi
	step_failed "$_name" 1 "$_what does not build"
	return 1
}

# meson_step NAME MESON-TEST-ARGS...: one meson test run, its counts and
# the names of its failed tests from meson's log.
meson_step() {
	_name=$1
	shift
	say "meson test $*"
	_rc=0
	_log=build-asan/meson-logs/testlog.json
	rm -f "$_log"
	meson test -C build-asan --print-errorlogs --num-processes 2 "$@" || _rc=$?
	_counts=$(python3 - "$_log" "$skip_reasons" <<'PY'
import json, sys
ok = fail = skip = 0
bad = []
reasons = open(sys.argv[2], "a")
try:
    lines = open(sys.argv[1]).readlines()
except OSError:  # meson ran nothing
    lines = []
for line in lines:
    t = json.loads(line)
    r = t["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif r == "SKIP":
        skip += 1
        # A test says why it skips in its last line of output.
        said = [l for l in t.get("stdout", "").splitlines() if l.strip()]
        reasons.write((said[-1] if said else "(no reason given)") + "\n")
    else:
        fail += 1
        bad.append(t["name"].split(" / ")[-1] + " (" + r + ")")
print(ok, fail, skip, " ".join(bad))
PY
	) || _counts="0 0 0"
	set -- $_counts
	passed=$((passed + $1))
	skipped=$((skipped + $3))
	_ran="$1 passed, $2 failed, $3 skipped"
	if [ $(($1 + $2 + $3)) -eq 0 ]; then
		step_failed "$_name" 1 "no test ran (meson test exit $_rc)"
	elif [ "$_rc" -eq 0 ] && [ "$2" -eq 0 ]; then
		note "  ok       $_name: $_ran"
	else
		_n=$2
		shift 3
		step_failed "$_name" "$_n" "$_ran${*:+: $*}"
	fi
}

# Why tests skipped, one line per skipped test, counted in the summary.
skip_reasons=$(mktemp)

# The Debian roots of the current-stack tests (tests/stack-roots.sh) take
# minutes each on a fresh machine, mostly downloads: they are built in the
# background, one after another, while the configurations compile (a test
# needing one waits on its lock). Cached, the next run only checks them.
roots_log=$(mktemp)
roots_pid=
if [ "$(id -u)" = 0 ] && command -v debootstrap >/dev/null 2>&1; then
	(
		# shellcheck disable=SC2034 # read by stack_root
		top=$PWD
		. tests/stack-roots.sh
		# every root the file defines (its case labels), in its order
		for r in $(sed -n 's/^\t\([a-z0-9][a-z0-9-]*\))$/\1/p' tests/stack-roots.sh); do
			_t=$(date +%s)
			if stack_root "$r" >/dev/null 2>&1; then
				echo "  root     $r: ready after $(($(date +%s) - _t)) s"
			else
				echo "  root     $r: FAILED to build (its tests skip or fail)"
			fi
		done
	) >"$roots_log" 2>&1 &
	roots_pid=$!
fi
asan_built=0
build_step build-asan "ASan + UBSan, tests" -Db_sanitize=address,undefined \
	-Db_lundef=false -Dtests=enabled && asan_built=1
# The optimized configurations must compile too (-O2 and -O3 find other
# warnings): release as a distribution builds it, and the demo's build.
build_step build-rel "release, tests, warnings fatal" --buildtype=release \
	-Dtests=enabled -Dwerror=true || true
build_step build "the demo's, warnings fatal" -Dtests=disabled -Dwerror=true || true

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if [ "$asan_built" = 0 ]; then
	step_failed "meson-test" 1 "not run: build-asan did not build"
elif [ $# -gt 0 ]; then
	meson_step "meson-test" "$@"
else
	suites=$(meson introspect build-asan --tests | python3 -c '
import json, sys
seen = []
for t in json.load(sys.stdin):
    for s in t["suite"]:
        s = s.split(":")[-1]
        if s not in seen:
            seen.append(s)
print(" ".join(seen))') || suites=""
	[ -n "$suites" ] || step_failed "meson-test" 1 "not run: meson introspect build-asan --tests listed no suite"
	for s in $suites; do
		meson_step "suite-$s" --suite "$s"
	done
fi

# The Debian package (tests/package/run.sh): dpkg-buildpackage, lintian,
# apt into a fresh Debian 12 root (cached debootstrap), the installed
# system checked inside. Only with every suite (not with meson test
# arguments); PACKAGE_TEST=0 skips it.
if [ $# -eq 0 ] && [ "${PACKAGE_TEST:-1}" != 0 ]; then
	say "the Debian package: build, lintian, install into a Debian 12 root"
	_t0=$(date +%s)
	_rc=0
	./tests/package/run.sh || _rc=$?
	if [ "$_rc" = 0 ]; then
		passed=$((passed + 1))
		note "  ok       package: built, lintian clean, installed and checked in a Debian 12 root ($(($(date +%s) - _t0)) s)"
	elif [ "$_rc" = 77 ]; then
		skipped=$((skipped + 1))
		note "  skipped  package: tests/package/run.sh needs root"
	else
		step_failed package 1 "tests/package/run.sh exit $_rc (its FAIL line above)"
	fi
fi

# Every libFuzzer target for a bounded time (FUZZ_SECONDS, default 30 s;
# FUZZ_SECONDS=0 skips them). Its own clang build dir, build-fuzz.
if [ "${FUZZ_SECONDS:-30}" != 0 ]; then
	say "fuzzing, ${FUZZ_SECONDS:-30} s per target"
	fuzz_out=$(mktemp)
	# Shown as it runs and kept for the counts; fuzz.sh's status (not
	# tee's) comes back on fd 3.
	exec 5>&1
	fuzz_rc=$({ {
		r=0
		./scripts/fuzz.sh || r=$?
		echo "$r" >&3
	} | tee "$fuzz_out" >&5; } 3>&1)
	exec 5>&-
	fuzz_ok=$(grep -c ' ok$' "$fuzz_out" || true)
	fuzz_bad=$(grep -c ' FAILED ' "$fuzz_out" || true)
	rm -f "$fuzz_out"
	passed=$((passed + fuzz_ok))
	if [ "$fuzz_rc" = 0 ]; then
		note "  ok       fuzzers: $fuzz_ok targets clean"
	else
		step_failed fuzzers "$fuzz_bad" "$fuzz_bad of $((fuzz_ok + fuzz_bad)) targets failed (fuzz.sh exit $fuzz_rc, its reason above)"
	fi
fi

[ -z "$roots_pid" ] || wait "$roots_pid" || true
[ ! -s "$roots_log" ] || summary="$summary$(cat "$roots_log")
"
rm -f "$roots_log"

echo
say "summary"
printf '%s' "$summary"
if [ -s "$skip_reasons" ]; then
	say "skipped tests, by reason:"
	sort "$skip_reasons" | uniq -c | sort -rn
fi
rm -f "$skip_reasons"
# The closing line CI reads: meson tests, fuzz targets and builds.
echo "tests: $passed passed, $nfailed failed, $skipped skipped"
if [ -n "$failed" ]; then
	say "FAILED:$failed"
	exit 1
fi
