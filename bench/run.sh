#!/usr/bin/env bash
# bench/run.sh [N] [--repeat R] [--keep DIR] -- the polrun benchmark.
#
# Generates N scenarios (default 1,000,000) for two fee policies, as JSON
# Lines and as CSV, and evaluates each file with the hand-written int64 C
# baseline (bench/baseline.c), `polrun --batch -j 1` and `polrun --batch -j 2`,
# one after the other in each of R rounds (default 5).  The three outputs
# must be byte-identical (the baseline writes polrun's format); the script
# fails if they are not.  It prints scenarios/s (best of R runs, median in
# brackets), polrun's time relative to the baseline and -j 2's speed-up as
# the median of the rounds' own ratios (a machine whose speed drifts moves
# the three runs of a round together), CPU time per scenario, peak memory,
# `polc build` time and one-scenario cold starts.  --instructions also counts
# the instructions per record of the baseline and of polrun -j 1 under
# valgrind's callgrind, a ratio that no other load on the machine moves.
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
repeat=5
keep=
instructions=
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --instructions) instructions=1; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
hundredths() { printf '%d.%02dx' $(( $1 / 100 )) $(( $1 % 100 )); }
# min / median of integer arguments
least() { printf '%s\n' "$@" | sort -n | head -n 1; }
middle() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
# once "<wall_ns> <cpu_ns> <rss_kib>": one run of a command under bench_timeit
# (OK_STATUS counts as success too; OUT is removed first)
once() {
  local ok=$1 out=$2; shift 2
  local t m c
  read -r t _ m c < <("$timeit" -r 1 -d "$out" -x "$ok" -- "$@") || true
  if [ -z "${t:-}" ]; then
    echo "run.sh: failed: $*" >&2
    exit 1
  fi
  echo "$t $c $m"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "pol benchmark: $n scenarios per file, $repeat rounds (baseline, -j 1, -j 2 in each)"
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
    ok=0
    [ "$pol" = mixed ] && ok=1 # its out-of-bounds bases are error records: polrun exits 1
    bw=() bc=() w1=() c1=() w2=() c2=() r1=() r2=() s2=()
    p1_rss=0 p2_rss=0
    for ((round = 0; round < repeat; round++)); do # one round: the three, one after the other
      read -r t c _ < <(once 0 "$work/$pol.base.$fmt" "$baseline" "$pol" "$in" "$work/$pol.base.$fmt")
      bw+=("$t") bc+=("$c")
      read -r t c m < <(once "$ok" "$work/$pol.j1.$fmt" "$polrun" "$work/$pol.polc" --batch "$in" -o "$work/$pol.j1.$fmt" -j 1 -q)
      w1+=("$t") c1+=("$c")
      [ "$m" -gt "$p1_rss" ] && p1_rss=$m
      read -r t c m < <(once "$ok" "$work/$pol.j2.$fmt" "$polrun" "$work/$pol.polc" --batch "$in" -o "$work/$pol.j2.$fmt" -j 2 -q)
      w2+=("$t") c2+=("$c")
      [ "$m" -gt "$p2_rss" ] && p2_rss=$m
      r1+=($(( w1[round] * 100 / bw[round] ))) r2+=($(( t * 100 / bw[round] ))) s2+=($(( w1[round] * 100 / t )))
    done
    b_min=$(least "${bw[@]}") b_med=$(middle "${bw[@]}") b_cpu=$(least "${bc[@]}")
    p1_min=$(least "${w1[@]}") p1_med=$(middle "${w1[@]}") p1_cpu=$(least "${c1[@]}")
    p2_min=$(least "${w2[@]}") p2_med=$(middle "${w2[@]}") p2_cpu=$(least "${c2[@]}")
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
      "$(hundredths "$(middle "${r1[@]}")")" "$(hundredths "$(middle "${r2[@]}")")" "$(hundredths "$(middle "${s2[@]}")")"
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
echo "CPU time (user + system) per scenario, least of $repeat runs:"
printf '%-9s %-6s %14s %14s %14s %9s %12s %10s\n' policy format "baseline ns" "-j 1 ns" "-j 2 ns (sum)" "-j1/base" "-j1 per core" "RSS MiB"
printf '%s\n' "${rows[@]}"
echo
echo "scenarios/s = N / wall time of the whole process (best [median] of $repeat rounds);"
echo "-jK/base = polrun's wall time / the baseline's, -j2 speed = -j 1's wall time / -j 2's (2.00x: twice"
echo "as fast): each the median over the rounds of that round's own ratio"
echo "-j1 per core = N / CPU time of polrun -j 1; RSS = peak resident memory of -j 1 / -j 2"
if [ $status -eq 0 ]; then
  echo "outputs: baseline, polrun -j 1 and polrun -j 2 byte-identical for every file"
fi
echo

# --instructions: instructions executed per record, baseline and polrun -j 1,
# counted by callgrind over the first M records of each file (at most 100,000).
# The process's start and the policy's loading are in the count: about 6
# instructions a record at 100,000 records, 200 at 3,000.
if [ -n "$instructions" ]; then
  m=$(( n < 100000 ? n : 100000 ))
  if ! command -v valgrind >/dev/null; then
    echo "instructions per record: skipped, no valgrind on this machine"
  else
    # ir FILE CMD...: the "Collected" count of one callgrind run
    ir() {
      local log=$1; shift
      valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$log" || true
      local c
      c=$(awk '/Collected/ {print $4}' "$log")
      if [ -z "$c" ]; then
        echo "run.sh: callgrind counted nothing for: $* (see $log)" >&2
        trap - EXIT
        exit 1
      fi
      echo "$c"
    }
    echo "instructions per record (callgrind, $m records, polrun -j 1):"
    printf '%-9s %-6s %14s %14s %9s\n' policy format baseline "polrun -j 1" "-j1/base"
    for pol in rizhao halffen mixed; do
      for fmt in jsonl csv; do
        few=$work/few.$fmt
        if [ "$fmt" = csv ]; then head -n $(( m + 1 )) "$work/$pol.in.$fmt" > "$few"; else head -n "$m" "$work/$pol.in.$fmt" > "$few"; fi
        bi=$(ir "$work/cg.log" "$baseline" "$pol" "$few" "$work/few.base.$fmt")
        pi=$(ir "$work/cg.log" "$polrun" "$work/$pol.polc" --batch "$few" -o "$work/few.pol.$fmt" -j 1 -q)
        if ! cmp -s "$work/few.base.$fmt" "$work/few.pol.$fmt"; then
          echo "  DIFFERS under callgrind: $pol $fmt (files kept in $work)" >&2
          trap - EXIT
          status=1
        fi
        printf '%-9s %-6s %14d %14d %9s\n' "$pol" "$fmt" $(( bi / m )) $(( pi / m )) "$(ratio "$pi" "$bi")"
      done
    done
    rm -f "$work"/few.* "$work/cg.log"
  fi
  echo
fi

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
