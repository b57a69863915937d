#!/usr/bin/env bash
# bench/pg.sh [N] [--repeat R] -- the PostgreSQL extension against polrun.
#
# Generates N enrollee scenarios for bench/halffen.pol (default 1,000,000;
# bench/gen.py, fixed seed: a base in yuan and fen, a third of them half-fen
# ties at 9%, and a date), loads them into a table of a PostgreSQL 15 cluster
# this script starts (initdb in a temporary directory, Unix socket only, as
# the user postgres when run as root; stopped on exit), exports the table
# again as JSON Lines (COPY ... TO), and times, best of R runs (default 3,
# median in brackets), wall clock from the client's start to its exit:
#
#   SELECT sum(pol_eval_numeric(...)) serial (max_parallel_workers_per_gather = 0)
#   the same query parallel (2 workers + the leader: Gather over a parallel seq scan)
#   SELECT sum(round(base * rate, 2)) written in SQL (jsonb access and numeric only)
#   polrun --batch -j 1 and -j 2 on the exported JSON Lines (writing every output)
#
# and checks that the sums agree: polrun's 月缴费额 summed exactly
# (Python's decimal) must equal the SQL sums.  Needs scripts/pg-install.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
n=1000000
repeat=3
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) n=$1; shift ;;
    *) echo "pg.sh: unknown argument $1" >&2; exit 64 ;;
  esac
done
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
build=${BUILD:-$root/build}
[ -x "$PG_CONFIG" ] && [ -f "$("$PG_CONFIG" --pkglibdir)/pol.so" ] ||
  { echo "pg.sh: the pol extension is not installed; run scripts/pg-install.sh" >&2; exit 1; }
bindir=$("$PG_CONFIG" --bindir)
if [ ! -f "$build/CMakeCache.txt" ]; then cmake -S "$root" -B "$build" >/dev/null; fi
cmake --build "$build" -j"$(nproc)" --target polc polrun bench_timeit >/dev/null
timeit=$build/bench/bench_timeit

run_as=()
if [ "$(id -u)" -eq 0 ]; then run_as=(runuser -u postgres --); fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/polpgbench.XXXXXX")
started=
cleanup() {
  if [ -n "$started" ]; then "${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
mkdir -p "$tmp/sock"
(cd "$root" && "$build/polc" build bench/halffen.pol -o "$tmp/halffen.polc" >/dev/null)
python3 "$here/gen.py" halffen "$n" "$tmp/gen.jsonl"
if [ ${#run_as[@]} -gt 0 ]; then chown -R postgres "$tmp"; fi
"${run_as[@]}" "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
cat >>"$tmp/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$tmp/sock'
fsync = off
shared_buffers = 256MB
max_parallel_workers_per_gather = 2
CONF
started=1
"${run_as[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w start >/dev/null
psql=("$bindir/psql" -h "$tmp/sock" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1)

"${psql[@]}" <<SQL
CREATE EXTENSION pol;
SELECT pol_load('halffen', pg_read_binary_file('$tmp/halffen.polc')) \g /dev/null
CREATE TABLE enrollee (s jsonb NOT NULL);
\copy enrollee FROM '$tmp/gen.jsonl'
VACUUM ANALYZE enrollee;
\copy (SELECT s FROM enrollee) TO '$tmp/enrollee.jsonl'
SQL

fee="pol_eval_numeric('halffen', s, '月缴费额')"
q_pol="SELECT sum($fee) FROM enrollee"
q_sql="SELECT sum(round((s->>'缴费基数')::numeric * CASE WHEN (s->>'缴费日期')::date <= date '2025-06-30' THEN 0.09 ELSE 0.095 END, 2)) FROM enrollee"
serial="SET max_parallel_workers_per_gather = 0;"
parallel="SET max_parallel_workers_per_gather = 2; SET min_parallel_table_scan_size = 0;"

plan=$("${psql[@]}" -At -c "$parallel EXPLAIN (COSTS OFF) $q_pol" | tr '\n' ' ')
case "$plan" in *Gather*"Parallel Seq Scan"*) ;; *) echo "pg.sh: the parallel query is not parallel: $plan" >&2; exit 1 ;; esac
s_serial=$("${psql[@]}" -At -c "$serial $q_pol")
s_parallel=$("${psql[@]}" -At -c "$parallel $q_pol")
s_sql=$("${psql[@]}" -At -c "$serial $q_sql")
"$build/polrun" "$tmp/halffen.polc" --batch "$tmp/enrollee.jsonl" -o "$tmp/out.jsonl" -j 2 2>/dev/null
s_polrun=$(python3 -c '
import decimal, json, sys
t = decimal.Decimal(0)
for line in open(sys.argv[1], encoding="utf-8"):
    t += decimal.Decimal(json.loads(line)["outputs"]["月缴费额"])
print(t)' "$tmp/out.jsonl")
if [ "$s_serial" != "$s_parallel" ] || [ "$s_serial" != "$s_sql" ] || [ "$s_serial" != "$s_polrun" ]; then
  echo "pg.sh: sums differ: serial $s_serial, parallel $s_parallel, SQL $s_sql, polrun $s_polrun" >&2
  exit 1
fi

rate() { echo $(( n * 1000000000 / $1 )); }
secs() { printf '%d.%03d s' $(( $1 / 1000000000 )) $(( $1 / 1000000 % 1000 )); }
line() { # label min median
  printf '%-52s %9s/s  %s  [%s]\n' "$1" "$(rate "$2")" "$(secs "$2")" "$(secs "$3")"
}
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo "pol PostgreSQL benchmark: $n enrollee rows, best of $repeat (median in brackets)"
echo "machine: $(nproc) cores, $cpu; $(uname -sr); $("$bindir/postgres" --version)"
echo "sum(月缴费额) = $s_serial in every run below (SQL serial, parallel, SQL-only, polrun)"
echo
read -r a b _ < <("$timeit" -r "$repeat" -q -- "${psql[@]}" -c "SELECT 1")
printf '%-52s %9s    %s  [%s]\n' "client start and SELECT 1 (in every SQL line)" "" "$(secs "$a")" "$(secs "$b")"
read -r a b _ < <("$timeit" -r "$repeat" -q -- "${psql[@]}" -c "$serial $q_pol")
line "SQL sum(pol_eval_numeric) serial" "$a" "$b"
read -r a b _ < <("$timeit" -r "$repeat" -q -- "${psql[@]}" -c "$parallel $q_pol")
line "SQL sum(pol_eval_numeric) parallel, 2 workers" "$a" "$b"
read -r a b _ < <("$timeit" -r "$repeat" -q -- "${psql[@]}" -c "$serial SELECT count(pol_eval('halffen', s)) FROM enrollee")
line "SQL count(pol_eval) serial (all outputs as jsonb)" "$a" "$b"
read -r a b _ < <("$timeit" -r "$repeat" -q -- "${psql[@]}" -c "$serial $q_sql")
line "SQL sum(round(base * rate, 2)), no pol, serial" "$a" "$b"
read -r a b _ < <("$timeit" -r "$repeat" -q -- "${psql[@]}" -c "$parallel $q_sql")
line "SQL sum(round(base * rate, 2)), no pol, parallel" "$a" "$b"
read -r a b _ < <("$timeit" -r "$repeat" -q -d "$tmp/out.jsonl" -- "$build/polrun" "$tmp/halffen.polc" --batch "$tmp/enrollee.jsonl" -o "$tmp/out.jsonl" -j 1 2>/dev/null)
line "polrun --batch -j 1 on the exported JSON Lines" "$a" "$b"
read -r a b _ < <("$timeit" -r "$repeat" -q -d "$tmp/out.jsonl" -- "$build/polrun" "$tmp/halffen.polc" --batch "$tmp/enrollee.jsonl" -o "$tmp/out.jsonl" -j 2 2>/dev/null)
line "polrun --batch -j 2 on the exported JSON Lines" "$a" "$b"
