#!/usr/bin/env bash
# polrun under valgrind: memcheck errors or leaks fail the test.
#   valgrind_polrun.sh POLRUN SOURCE_DIR plain|sanitized
# Exit 77 (ctest: skipped) when valgrind is missing or the build uses
# AddressSanitizer, which valgrind cannot run.
set -uo pipefail
polrun="$1" root="$2" mode="${3:-plain}"
if [ "$mode" = sanitized ]; then
  echo "SKIP: this build uses AddressSanitizer; valgrind cannot run it (the plain build runs this test)"
  exit 77
fi
if ! command -v valgrind >/dev/null; then
  echo "SKIP: valgrind is not installed (Debian: apt-get install valgrind)"
  exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pol="$root/policies/rizhao/rizhao-2025.pol"
vg=(valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --track-fds=no -q)
status=0
run() { # expected-exit description command...
  local want="$1" what="$2"
  shift 2
  "${vg[@]}" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: $what: exit $rc, expected $want"
    cat "$tmp/err"
    status=1
  else
    echo "ok: $what"
  fi
}
# a small batch: good records, a bad one, a runtime error, a blank line
printf '%s\n' '{"缴费日期": "2025-09-30"}' '{"缴费日期": "2025-10-01"}' '{"缴费日期": 5}' \
  '' '{"缴费日期": "2026-01-01"}' '{"缴费日期": "2025-12-31"' >"$tmp/in.jsonl"
printf '缴费日期\n2025-09-30\n2025-13-01\n2025-10-01\n' >"$tmp/in.csv"
"$(dirname "$polrun")/polc" build "$pol" -o "$tmp/rizhao.polc" >/dev/null 2>&1 || cp /dev/null "$tmp/rizhao.polc"

run 1 "batch, JSON Lines, compiled from source, 2 threads" "$polrun" "$pol" --batch "$tmp/in.jsonl" -j 2
run 1 "batch, CSV in, CSV out" "$polrun" "$pol" --batch "$tmp/in.csv" --out csv -j 1
run 1 "batch, JSON explanations" "$polrun" "$pol" --batch "$tmp/in.jsonl" --explain=json -j 2
run 0 "one scenario, explained" "$polrun" "$pol" "$root/policies/rizhao/scenario-early.json" --explain
run 0 "the policy's tests" "$polrun" "$pol" --test
if [ -s "$tmp/rizhao.polc" ]; then
  run 1 "batch from the bytecode file" "$polrun" "$tmp/rizhao.polc" --batch "$tmp/in.jsonl"
fi
exit $status
