#!/usr/bin/env bash
# bench/run.sh [N] [--repeat R] [--keep DIR] -- the polrun benchmark.
#
# Generates N scenarios (default 1,000,000) for two fee policies, as JSON
# Lines and as CSV, and evaluates each file with the hand-written int64 C
# baseline (bench/baseline.c), `polrun --batch -j 1` and `polrun --batch -j 2`.
# The three outputs must be byte-identical (the baseline writes polrun's
# format); the script fails if they are not.  It prints scenarios/s (best of
# R runs, default 3, median in brackets), polrun's time relative to the
# baseline, CPU time per scenario (steadier than wall time on a busy
# machine), peak memory, `polc build` time and one-scenario cold starts.
#
#   policies/rizhao/rizhao-2025.pol   the seed policy: 缴费日期 -> five amounts
#   bench/halffen.pol                 a base in yuan and fen at 9% / 9.5%,
#                                     rounded half up to the fen (half-fen ties)
#
# Uses the build in $BUILD (default: build/), configuring and building it if
# needed.  All times are end to end: process start, loading, reading, writing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

n=1000000
repeat=3
keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) n=$1; shift ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done

build=${BUILD:-$root/build}
if [ -z "${POL_BENCH_NO_BUILD:-}" ]; then # ctest sets it: the build is done, other tests are running
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" >/dev/null
  fi
  cmake --build "$build" -j"$(nproc)" --target polc polrun bench_baseline bench_timeit >/dev/null
fi
polc=$build/polc
polrun=$build/polrun
baseline=$build/bench/bench_baseline
timeit=$build/bench/bench_timeit

if [ -n "$keep" ]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/polbench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

# bench_timeit prints "min_wall_ns median_wall_ns max_rss_kib min_cpu_ns";
# integer nanoseconds throughout, no floating point.
rate() { echo $(( n * 1000000000 / $1 )); }            # scenarios/s from ns
ms() { printf '%d.%03d ms' $(( $1 / 1000000 )) $(( $1 / 1000 % 1000 )); }
ratio() { local r=$(( $1 * 100 / $2 )); printf '%d.%02dx' $(( r / 100 )) $(( r % 100 )); }

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "pol benchmark: $n scenarios per file, best of $repeat (median in brackets)"
echo "machine: $(nproc) cores, $cpu; $(uname -sr)"
echo

# compile time and cold start
"$polc" build "$root/policies/rizhao/rizhao-2025.pol" -o "$work/rizhao.polc"
"$polc" build "$here/halffen.pol" -o "$work/halffen.polc"
(cd "$here" && "$polc" build mixed.pol -o "$work/mixed.polc") # positions read mixed.pol:L:C, as the baseline writes them
cold=$(( repeat * 7 ))
read -r c_min c_med _ _ < <("$timeit" -r "$cold" -q -- "$polc" build "$root/policies/rizhao/rizhao-2025.pol" -o "$work/rizhao.polc")
echo "polc build rizhao-2025.pol:                $(ms "$c_min")  [$(ms "$c_med")]"
read -r c_min c_med _ _ < <("$timeit" -r "$cold" -q -- "$polrun" "$work/rizhao.polc" "$root/policies/rizhao/scenario-early.json")
echo "polrun, one scenario, from .polc:          $(ms "$c_min")  [$(ms "$c_med")]"
read -r c_min c_med _ _ < <("$timeit" -r "$cold" -q -- "$polrun" "$root/policies/rizhao/rizhao-2025.pol" "$root/policies/rizhao/scenario-early.json")
echo "polrun, one scenario, from .pol (compiles): $(ms "$c_min")  [$(ms "$c_med")]"
check=$("$polrun" "$work/rizhao.polc" "$root/policies/rizhao/scenario-early.json")
case "$check" in
  *'"全年医疗保险费合计":"2823.60"'*) ;;
  *) echo "run.sh: unexpected one-scenario result: $check" >&2; exit 1 ;;
esac
echo

# compile time against the size of the source: a file of many outputs up to
# the 16 MiB source limit, and one parameter with many dated versions (the
# constant pool was a linear search: 160,000 versions took 27 s).  A quick
# run (N < 100,000, as ctest's) uses smaller files.
if [ "$n" -ge 100000 ]; then
  sizes="1048576 4194304 16776192"; counts="25000 50000 100000 200000"
else
  sizes="262144 1048576"; counts="5000 20000"
fi
echo "polc check, growth with the source (best [median] of $repeat):"
for b in $sizes; do
  k=$(python3 "$here/gen_source.py" outputs "$b" "$work/outputs.pol")
  read -r c_min c_med _ _ < <("$timeit" -r "$repeat" -q -- "$polc" check "$work/outputs.pol")
  printf '  %8d KiB, %7d outputs:  %14s  [%14s]  %6d ns per output\n' $(( b / 1024 )) "$k" "$(ms "$c_min")" "$(ms "$c_med")" $(( c_min / k ))
done
for k in $counts; do
  python3 "$here/gen_source.py" versions "$k" "$work/versions.pol" >/dev/null
  read -r c_min c_med _ _ < <("$timeit" -r "$repeat" -q -- "$polc" check "$work/versions.pol")
  printf '  %7d dated versions:          %14s  [%14s]  %6d ns per version\n' "$k" "$(ms "$c_min")" "$(ms "$c_med")" $(( c_min / k ))
done
rm -f "$work/outputs.pol" "$work/versions.pol"
echo

status=0
rows=()
printf '%-9s %-6s %26s %26s %26s %9s %9s %9s\n' policy format "baseline (int64 C)" "polrun -j 1" "polrun -j 2" "-j1/base" "-j2/base" "-j2 speed"
for pol in rizhao halffen mixed; do
  for fmt in jsonl csv; do
    in=$work/$pol.in.$fmt
    python3 "$here/gen.py" "$pol" "$n" "$in"
    read -r b_min b_med _ b_cpu < <("$timeit" -r "$repeat" -d "$work/$pol.base.$fmt" -- \
      "$baseline" "$pol" "$in" "$work/$pol.base.$fmt")
    ok=0
    [ "$pol" = mixed ] && ok=1 # its out-of-bounds bases are error records: polrun exits 1
    read -r p1_min p1_med p1_rss p1_cpu < <("$timeit" -r "$repeat" -d "$work/$pol.j1.$fmt" -x "$ok" -- \
      "$polrun" "$work/$pol.polc" --batch "$in" -o "$work/$pol.j1.$fmt" -j 1 -q)
    read -r p2_min p2_med p2_rss p2_cpu < <("$timeit" -r "$repeat" -d "$work/$pol.j2.$fmt" -x "$ok" -- \
      "$polrun" "$work/$pol.polc" --batch "$in" -o "$work/$pol.j2.$fmt" -j 2 -q)
    same=ok
    lines=$n
    [ "$fmt" = csv ] && lines=$(( n + 1 ))
    if ! cmp -s "$work/$pol.base.$fmt" "$work/$pol.j1.$fmt"; then
      same="DIFFERS: baseline vs -j 1"
    elif ! cmp -s "$work/$pol.j1.$fmt" "$work/$pol.j2.$fmt"; then
      same="DIFFERS: -j 1 vs -j 2"
    elif [ "$(wc -l < "$work/$pol.j1.$fmt")" -ne "$lines" ]; then
      same="wrong number of output records"
    fi
    printf '%-9s %-6s %12s/s [%10s] %12s/s [%10s] %12s/s [%10s] %9s %9s %9s\n' "$pol" "$fmt" \
      "$(rate "$b_min")" "$(rate "$b_med")" "$(rate "$p1_min")" "$(rate "$p1_med")" "$(rate "$p2_min")" "$(rate "$p2_med")" \
      "$(ratio "$p1_min" "$b_min")" "$(ratio "$p2_min" "$b_min")" "$(ratio "$p1_min" "$p2_min")"
    rows+=("$(printf '%-9s %-6s %14s %14s %14s %9s %12s %10s' "$pol" "$fmt" \
      "$(( b_cpu / n ))" "$(( p1_cpu / n ))" "$(( p2_cpu / n ))" "$(ratio "$p1_cpu" "$b_cpu")" \
      "$(rate "$p1_cpu")" "$(( p1_rss / 1024 ))/$(( p2_rss / 1024 ))")")
    if [ "$same" != ok ]; then
      echo "  $same (files kept in $work)" >&2
      trap - EXIT
      status=1
    fi
  done
done
echo
echo "CPU time (user + system) per scenario, best of $repeat runs:"
printf '%-9s %-6s %14s %14s %14s %9s %12s %10s\n' policy format "baseline ns" "-j 1 ns" "-j 2 ns (sum)" "-j1/base" "-j1 per core" "RSS MiB"
printf '%s\n' "${rows[@]}"
echo
echo "scenarios/s = N / wall time of the whole process (best [median]); -jK/base = polrun's time / the baseline's;"
echo "-j2 speed = -j 1's wall time / -j 2's (2.00x: twice as fast)"
echo "-j1 per core = N / CPU time of polrun -j 1; RSS = peak resident memory of -j 1 / -j 2"
if [ $status -eq 0 ]; then
  echo "outputs: baseline, polrun -j 1 and polrun -j 2 byte-identical for every file"
fi
echo

# Other paths, each against plain -j 1 on the same records, one run: an
# explanation per record (JSON), and a policy of 100 outputs (the same fee
# formula each; cost per output against the Rizhao policy's five).
m=$(( n / 10 ))
[ "$m" -ge 1000 ] || m=1000
head -n "$m" "$work/rizhao.in.jsonl" > "$work/some.jsonl"
read -r e0 _ _ e0_cpu < <("$timeit" -r "$repeat" -d "$work/some.out" -- \
  "$polrun" "$work/rizhao.polc" --batch "$work/some.jsonl" -o "$work/some.out" -j 1 -q)
read -r e1 _ _ e1_cpu < <("$timeit" -r "$repeat" -d "$work/some.explain" -- \
  "$polrun" "$work/rizhao.polc" --batch "$work/some.jsonl" -o "$work/some.explain" --explain=json -j 1 -q)
python3 "$here/gen_source.py" count 100 "$work/hundred.pol" >/dev/null
"$polc" build "$work/hundred.pol" -o "$work/hundred.polc"
python3 "$here/gen.py" halffen "$m" "$work/hundred.jsonl"
read -r h1 _ _ h1_cpu < <("$timeit" -r "$repeat" -d "$work/hundred.out" -- \
  "$polrun" "$work/hundred.polc" --batch "$work/hundred.jsonl" -o "$work/hundred.out" -j 1 -q --allow-extra)
echo "other paths, $m scenarios, polrun -j 1, CPU time per scenario (best of $repeat):"
printf '  %-44s %8d ns\n' "rizhao, JSON Lines (as above)" $(( e0_cpu / m ))
printf '  %-44s %8d ns  %s of plain, %d bytes a record\n' "rizhao, JSON Lines, --explain=json" $(( e1_cpu / m )) \
  "$(ratio "$e1_cpu" "$e0_cpu")" $(( $(wc -c < "$work/some.explain") / m ))
printf '  %-44s %8d ns  %d ns per output (rizhao: %d)\n' "100 outputs (bench/gen_source.py count 100)" $(( h1_cpu / m )) \
  $(( h1_cpu / m / 100 )) $(( e0_cpu / m / 5 ))
rm -f "$work/some.jsonl" "$work/some.out" "$work/some.explain" "$work/hundred.jsonl" "$work/hundred.out"
exit $status
