#!/usr/bin/env bash
# Bounded fuzzing with libFuzzer (docs/robustness.md).  CI runs it after the
# normal and the sanitizer test passes (.ci/run).
#
#   tests/fuzz/run_fuzz.sh [HARNESS...]     default: compile bytecode scen transcode serve fmt lsp clause
#
# Builds the harnesses with clang -fsanitize=fuzzer,address,undefined in its
# own build directory (build-fuzz/, or $POL_FUZZ_BUILD), then runs each for
# $POL_FUZZ_SECONDS seconds (default 300, what CI's 90 minutes allow after
# the two test passes; 120 on a single core), as many at once as there are
# cores.  A release gets the longer run docs/robustness.md describes:
#   POL_FUZZ_SECONDS=3600 tests/fuzz/run_fuzz.sh
# Fails on any crash, leak, timeout (> 10 s on one input), out-of-memory or
# sanitizer report; the input that failed is saved under
# build-fuzz/artifacts/HARNESS/ and the command to reproduce it is printed.
# Every such input belongs in tests/fuzz/regress/HARNESS/ once fixed: ctest
# replays that folder in every build.
set -euo pipefail
cd "$(dirname "$0")/../.."

# 300 s each by default (about 10 minutes on two cores); on a single core,
# where the harnesses run one after the other, 120 s each, so that the whole
# run stays near 6 minutes in CI.
if [ "$(nproc)" -ge 2 ]; then secs="${POL_FUZZ_SECONDS:-300}"; else secs="${POL_FUZZ_SECONDS:-120}"; fi
dir="${POL_FUZZ_BUILD:-build-fuzz}"
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(compile bytecode scen transcode serve fmt lsp clause)
case "$secs" in
  ''|*[!0-9]*) echo "run_fuzz: POL_FUZZ_SECONDS must be a whole number of seconds" >&2; exit 64 ;;
esac

# clang with libFuzzer: Debian 12 ships the runtime in libclang-rt-14-dev.
fuzzer_works() {
  command -v clang >/dev/null || return 1
  local t
  t="$(mktemp -d)"
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$t/probe.c"
  clang -fsanitize=fuzzer,address,undefined "$t/probe.c" -o "$t/probe" >/dev/null 2>&1
  local rc=$?
  rm -rf "$t"
  return $rc
}
if ! fuzzer_works; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "run_fuzz: installing clang and libclang-rt-14-dev (libFuzzer)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
  fi
  if ! fuzzer_works; then
    echo "run_fuzz: clang cannot build libFuzzer targets; install clang and libclang-rt-14-dev (Debian 12)" >&2
    exit 1
  fi
fi

echo "run_fuzz: building the harnesses in $dir/ (clang, libFuzzer, ASan, UBSan)" >&2
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPOL_FUZZ=ON -DPOL_SANITIZE=ON -DPOL_WERROR=OFF \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null
targets=(polc)
for h in "${harnesses[@]}"; do
  [ -f "tests/fuzz/fuzz_$h.c" ] || { echo "run_fuzz: no harness tests/fuzz/fuzz_$h.c" >&2; exit 64; }
  targets+=("fuzz_$h")
done
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}" >/dev/null

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# Fresh bytecode seeds: the committed .polc files go stale when the format
# changes, so compile the .pol seeds with this build's polc as well.
mkdir -p "$dir/seeds/bytecode"
for src in tests/fuzz/corpus/compile/*.pol policies/*/*.pol; do
  "$dir/polc" build "$src" -o "$dir/seeds/bytecode/$(basename "$src" .pol).polc" >/dev/null 2>&1 || true
done
# and signed ones, so that the signature trailer is fuzzed in this format too
if [ ! -f "$dir/seeds/fuzz.key" ]; then
  "$dir/polc" keygen "$dir/seeds/fuzz" >/dev/null 2>&1 || true
fi
for src in docs/examples/account.pol policies/rizhao/rizhao-2025.pol; do
  "$dir/polc" build "$src" --sign "$dir/seeds/fuzz.key" \
    -o "$dir/seeds/bytecode/signed-$(basename "$src" .pol).polc" >/dev/null 2>&1 || true
done

run_one() {
  local h="$1" max_len=16384 extra=()
  mkdir -p "$dir/corpus/$h" "$dir/artifacts/$h"
  rm -f "$dir/artifacts/$h"/* # only this run's findings
  case "$h" in
    compile|fmt) extra=(-dict=tests/fuzz/pol.dict) ;;
    scen) extra=(-dict=tests/fuzz/scen.dict); max_len=8192 ;;
    transcode) extra=(-dict=tests/fuzz/scen.dict -close_fd_mask=2); max_len=8192 ;; # stderr: header errors lsp) extra=(-dict=tests/fuzz/pol.dict)
  esac
  local seeds=("tests/fuzz/corpus/$h" "tests/fuzz/regress/$h")
  [ "$h" = bytecode ] && seeds+=("$dir/seeds/bytecode")
  [ "$h" = fmt ] && seeds+=("tests/fuzz/corpus/compile" "tests/fuzz/regress/compile")
  "$dir/tests/fuzz/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$h/" "${extra[@]}" \
    "$dir/corpus/$h" "${seeds[@]}" </dev/null >"$dir/fuzz_$h.log" 2>&1
}

jobs_max="$(nproc)"
[ "$jobs_max" -ge 1 ] || jobs_max=1
declare -A pid_of
failed=()
for h in "${harnesses[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
    wait -n || true
  done
  echo "run_fuzz: fuzz_$h for ${secs}s" >&2
  run_one "$h" &
  pid_of[$h]=$!
done
for h in "${harnesses[@]}"; do
  if wait "${pid_of[$h]}"; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/fuzz_$h.log" | grep -o '[0-9]*$' || echo '?')"
    cov="$(grep -o 'cov: [0-9]*' "$dir/fuzz_$h.log" | tail -1 || true)"
    echo "run_fuzz: fuzz_$h ok: $runs inputs, $cov" >&2
  else
    failed+=("$h")
    echo "run_fuzz: fuzz_$h FAILED; end of $dir/fuzz_$h.log:" >&2
    tail -n 60 "$dir/fuzz_$h.log" >&2
    for a in "$dir/artifacts/$h"/*; do
      [ -e "$a" ] || continue
      echo "run_fuzz: reproduce with: $dir/tests/fuzz/fuzz_$h $a" >&2
    done
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run_fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "run_fuzz: all harnesses ran ${secs}s without a finding" >&2
