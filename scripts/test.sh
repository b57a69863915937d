#!/usr/bin/env bash
# Builds (if needed) and runs every test with ctest.  Safe to run again.
#   scripts/test.sh            the normal build, in build/
#   scripts/test.sh --sanitize AddressSanitizer + UBSan build, in build-asan/
# Warnings are errors here (-DPOL_WERROR=ON), unlike a plain `cmake` build.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
extra=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  extra=(-DPOL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
# Every test starts in English whatever the shell's locale (runtime/lang.h:
# LC_ALL wins); the tests of the Chinese texts set LC_ALL or --lang themselves.
export LC_ALL=C.UTF-8
unset LANGUAGE
for tool in cmake flex bison pkg-config python3 msgfmt xgettext; do
  command -v "$tool" >/dev/null || { echo "test: $tool is missing; run scripts/setup.sh first" >&2; exit 1; }
done
scripts/npm-deps.sh   # the browser-test driver, if npm is here
cmake -S . -B "$dir" -DPOL_WERROR=ON "${extra[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)" >/dev/null
cd "$dir"
ctest --output-on-failure -j"$(nproc)"
