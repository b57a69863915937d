#!/usr/bin/env bash
# bench/compare.sh [N] [--repeat R] -- polrun --compare against two batches.
#
# For the two shipped reforms (Rizhao 5% -> 8%, Weifang 2023 -> 2024 rates)
# generates N records (default 1,000,000; policies/*/gen_population.py
# --no-errors, fixed seed), then times, best of R runs (default 3, median
# in brackets):
#   polrun --compare OLD NEW --batch POP -o DIFF --summary S.json   (-j 1, -j 2)
#   polrun OLD --batch POP -o A  +  polrun NEW --batch POP -o B     (-j 1, -j 2)
# and prints records/s for each and the compare time as a multiple of the
# two batches' (below 1: the one pass is cheaper than the two runs a script
# would join afterwards, before any joining).  CPU time per record too, which
# other load on a shared machine disturbs less than wall time.
# Uses the build in $BUILD (default: build/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
n=1000000
repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) n=$1; shift ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
build=${BUILD:-$root/build}
if [ -z "${POL_BENCH_NO_BUILD:-}" ]; then
  [ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" >/dev/null
  cmake --build "$build" -j2 --target polc polrun bench_timeit >/dev/null
fi
polc=$build/polc
polrun=$build/polrun
timeit=$build/bench/bench_timeit
work=$(mktemp -d "${TMPDIR:-/tmp}/polcmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

rate() { echo $(( n * 1000000000 / $1 )); }
ratio() { local r=$(( $1 * 100 / $2 )); printf '%d.%02dx' $(( r / 100 )) $(( r % 100 )); }

echo "polrun --compare benchmark: $n records, best of $repeat (median in brackets)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-3s %28s %28s %8s %14s %14s\n' reform -j "compare" "two batches" ratio "cpu ns/rec cmp" "cpu ns/rec 2x"
for ex in rizhao weifang; do
  case $ex in
    rizhao) old=$root/policies/rizhao/rizhao-2025.pol new=$root/policies/rizhao/rizhao-2025-reform-8pct.pol
            extra=(--pair 全年医疗保险费合计=全年合计_改革后) ;;
    weifang) old=$root/policies/weifang/weifang-hanting-2023.pol new=$root/policies/weifang/weifang-2024-rates-reform.pol
             extra=(--by 档次) ;;
  esac
  "$polc" build "$old" -o "$work/old.polc"
  "$polc" build "$new" -o "$work/new.polc"
  python3 "$root/policies/$ex/gen_population.py" "$n" --no-errors -o "$work/pop.jsonl"
  for j in 1 2; do
    read -r c_min c_med _ c_cpu < <("$timeit" -r "$repeat" -d "$work/diff.jsonl" -- "$polrun" --compare \
      "$work/old.polc" "$work/new.polc" --batch "$work/pop.jsonl" --key 编号 "${extra[@]}" -o "$work/diff.jsonl" \
      --summary "$work/s.json" -j "$j" -q)
    read -r a_min a_med _ a_cpu < <("$timeit" -r "$repeat" -d "$work/a.jsonl" -- "$polrun" "$work/old.polc" \
      --batch "$work/pop.jsonl" --allow-extra -o "$work/a.jsonl" -j "$j" -q)
    read -r b_min b_med _ b_cpu < <("$timeit" -r "$repeat" -d "$work/b.jsonl" -- "$polrun" "$work/new.polc" \
      --batch "$work/pop.jsonl" --allow-extra -o "$work/b.jsonl" -j "$j" -q)
    two=$(( a_min + b_min )); two_med=$(( a_med + b_med ))
    printf '%-8s %-3s %14s/s [%10s] %14s/s [%10s] %8s %14s %14s\n' "$ex" "$j" "$(rate "$c_min")" "$(rate "$c_med")" \
      "$(rate "$two")" "$(rate "$two_med")" "$(ratio "$c_min" "$two")" $(( c_cpu / n )) $(( (a_cpu + b_cpu) / n ))
  done
done
