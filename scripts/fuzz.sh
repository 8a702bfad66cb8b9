#!/bin/sh
# Runs every libFuzzer target for a bounded time and prints one summary line
# per target; exits non-zero if any target crashed, leaked or timed out.
#
#   scripts/fuzz.sh [TARGET...]          30 s each (CI)
#   FUZZ_SECONDS=600 scripts/fuzz.sh     the documented long run
#
# Sets up its own clang build dir (FUZZ_BUILD, default build-fuzz) with the
# libraries instrumented for coverage. The committed seed corpus
# fuzz/corpus/<target> is read, never written: new inputs go to
# FUZZ_OUT/<target>/corpus (default build-fuzz/fuzz-out), crash inputs to
# FUZZ_OUT/<target>/ with libFuzzer's crash-/leak-/timeout- names.
set -eu
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
build=${FUZZ_BUILD:-build-fuzz}
out=${FUZZ_OUT:-$build/fuzz-out}
die() {
	echo "fuzz.sh: $*" >&2
	exit 1
}

command -v clang >/dev/null 2>&1 || die "clang not found (Debian: apt-get install clang)"
# clang links libFuzzer and ASan from its runtime package, which Debian
# installs only as a Recommends: try one tiny target before the build.
probe=$(mktemp -d)
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
	'{ return (int)(d == NULL && n > 0); }' >"$probe/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>"$probe/err"; then
	sed 's/^/  /' "$probe/err" >&2
	rm -rf "$probe"
	die "clang cannot link a libFuzzer + ASan target (Debian: apt-get install libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev)"
fi
rm -rf "$probe"

setup_log=$(mktemp)
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzzers=true -Db_lundef=false \
		-Db_sanitize=address,undefined -Dtests=disabled \
		-Dc_args=-fsanitize=fuzzer-no-link >"$setup_log" 2>&1 ||
		{ cat "$setup_log" >&2; rm -f "$setup_log"; die "meson setup $build failed"; }
else
	# Picks up layers (src/*/meson.build) that appeared since the setup.
	meson setup --reconfigure "$build" >"$setup_log" 2>&1 ||
		{ cat "$setup_log" >&2; rm -f "$setup_log"; die "meson setup --reconfigure $build failed"; }
fi
rm -f "$setup_log"
if [ $# -eq 0 ]; then
	# Every target fuzz/meson.build declares (a layer not landed yet has
	# none).
	set -- $(ninja -C "$build" -t targets all 2>/dev/null |
		sed -n 's|^fuzz/\(fuzz-[a-z0-9-]*\): c_LINKER.*|\1|p' | sort -u)
fi
[ $# -gt 0 ] || die "no fuzz targets in $build (core not built yet?)"
targets=""
for t in "$@"; do
	targets="$targets fuzz/$t"
done
# shellcheck disable=SC2086
ninja -C "$build" $targets >"$build/fuzz-build.log" 2>&1 ||
	{ cat "$build/fuzz-build.log" >&2; die "building the fuzz targets in $build failed"; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
printf '%-20s %8s %12s %10s %7s %s\n' target seconds execs exec/s corpus result
for t in "$@"; do
	mkdir -p "$out/$t/corpus"
	log=$out/$t/log
	rc=0
	"$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$out/$t/" "$out/$t/corpus" "fuzz/corpus/$t" \
		>"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	corpus=$(ls "$out/$t/corpus" | wc -l)
	result=ok
	if [ "$rc" -ne 0 ]; then
		result="FAILED (exit $rc; see $log)"
		status=1
	fi
	printf '%-20s %8s %12s %10s %7s %s\n' "$t" "$seconds" "${execs:-?}" \
		"${speed:-?}" "$corpus" "$result"
done
exit $status
