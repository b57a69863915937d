#!/usr/bin/env bash
# Timelines over long histories: polrun on the Rizhao timeline walked month by
# month, the same rules written with nested aggregates, and a hand-written C
# state machine (bench/timeline/baseline.c), on generated histories of 1, 5,
# 10, 20 and 40 years (bench/timeline/gen.py, fixed seed).
#
#   bench/timeline/run.sh [PEOPLE]     200 people per history length by default
#
# Checks that the three agree byte for byte (the nested form only where it
# finishes within the step limit: it fails from about 16 years on), and
# prints CPU time per person-month (user + system, from bench_timeit: less
# disturbed by other load than wall time) and polrun's multiple of C.
# POL_BENCH_NO_BUILD=1 uses the build in $BUILD (default build/) as it is.
set -euo pipefail
cd "$(dirname "$0")/../.."
people=${1:-200}
build=${BUILD:-build}
if [ "${POL_BENCH_NO_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)" --target polrun bench_timeit bench_timeline_baseline >/dev/null
fi
polrun=$build/polrun
timeit=$build/bench/bench_timeit
base=$build/bench/bench_timeline_baseline
new=policies/rizhao/rizhao-2025-timeline.pol
old=bench/timeline/rizhao-2025-timeline-nested.pol
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$polrun" "$new" --interface >/dev/null   # fails early on a broken build
polc=$(dirname "$polrun")/polc
"$polc" build "$new" -o "$tmp/new.polc"
"$polc" build "$old" -o "$tmp/old.polc"
status=0
printf '%-6s %9s %12s %12s %12s %9s\n' years months "C ns/month" "pol ns/month" "nested" "pol / C"
for years in 1 5 10 20 40; do
  in=$tmp/h$years.jsonl
  python3 bench/timeline/gen.py --years "$years" --people "$people" > "$in"
  months=$((people * years * 12))
  c=$("$timeit" -r 3 -- sh -c "$base < $in > $tmp/c.jsonl" | awk '{print $4}')
  p=$("$timeit" -r 3 -- "$polrun" "$tmp/new.polc" --batch "$in" -o "$tmp/p.jsonl" -j 1 -q | awk '{print $4}')
  if ! cmp -s "$tmp/c.jsonl" "$tmp/p.jsonl"; then
    echo "timeline bench: polrun and the C baseline differ at $years years" >&2
    status=1
  fi
  nested="-"
  if [ "$years" -le 10 ]; then
    if o=$("$timeit" -r 1 -- "$polrun" "$tmp/old.polc" --batch "$in" -o "$tmp/o.jsonl" -j 1 -q 2>/dev/null); then
      if cmp -s "$tmp/o.jsonl" "$tmp/p.jsonl"; then
        nested=$(( $(echo "$o" | awk '{print $4}') / months ))
      else
        nested="differs"
        status=1
      fi
    else
      nested="fails"
    fi
  fi
  printf '%-6s %9s %12s %12s %12s %9s\n' "$years" "$months" $((c / months)) $((p / months)) "$nested" \
    "$(awk -v p="$p" -v c="$c" 'BEGIN { printf "%.1f", p / c }')" # a ratio of times: not an amount
done
exit $status
