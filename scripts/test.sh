#!/bin/sh
# The one test command (README, .ci/run): installs what is missing, builds
# under AddressSanitizer + UndefinedBehaviorSanitizer, runs every test.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dtests=enabled
fi
ninja -C build-asan
# The demo's optimized build must compile too (-O2 finds other warnings).
if [ ! -f build/build.ninja ]; then
	meson setup build -Dtests=disabled >/dev/null
fi
ninja -C build >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
meson test -C build-asan --print-errorlogs --num-processes 2 "$@"
# Every libFuzzer target for a bounded time (FUZZ_SECONDS, default 30 s;
# FUZZ_SECONDS=0 skips them). Its own clang build dir, build-fuzz.
if [ "${FUZZ_SECONDS:-30}" != 0 ]; then
	./scripts/fuzz.sh
fi
