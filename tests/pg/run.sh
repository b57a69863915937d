#!/usr/bin/env bash
# tests/pg/run.sh POLC -- the pol extension's pg_regress suite (tests/pg/sql,
# tests/pg/expected) against a PostgreSQL 15 cluster this script starts:
# initdb in a temporary directory, Unix socket in that directory only (no
# TCP), as the user postgres when run as root; stopped and removed on exit,
# whatever happened.  Exit 77 (ctest's SKIP_RETURN_CODE) with the reason
# when PostgreSQL 15 or the installed extension is missing
# (scripts/pg-install.sh installs both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
polc=${1:?usage: run.sh POLC}
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

# POL_REQUIRE_PG=1 (CI, after scripts/pg-install.sh) makes a skip a failure.
skip() {
  if [ "${POL_REQUIRE_PG:-0}" = 1 ]; then echo "FAIL pg_regress: $* (POL_REQUIRE_PG=1)" >&2; exit 1; fi
  echo "SKIP pg_regress: $*" >&2; exit 77
}
[ -x "$PG_CONFIG" ] || skip "PostgreSQL 15 is not installed ($PG_CONFIG missing); run scripts/pg-install.sh"
bindir=$("$PG_CONFIG" --bindir)
pkglibdir=$("$PG_CONFIG" --pkglibdir)
sharedir=$("$PG_CONFIG" --sharedir)
regress=$(dirname "$("$PG_CONFIG" --pgxs)")/../test/regress/pg_regress
[ -x "$bindir/initdb" ] && [ -x "$bindir/postgres" ] || skip "the PostgreSQL 15 server (postgresql-15) is not installed; run scripts/pg-install.sh"
[ -x "$regress" ] || skip "pg_regress is missing (postgresql-server-dev-15); run scripts/pg-install.sh"
[ -f "$sharedir/extension/pol.control" ] && [ -f "$pkglibdir/pol.so" ] ||
  skip "the pol extension is not installed in $pkglibdir; run scripts/pg-install.sh"
for f in "$root/pg/pol_pg.c" "$root/pg/pol--1.0.sql"; do
  if [ "$f" -nt "$pkglibdir/pol.so" ]; then
    echo "pg_regress: warning: $f is newer than the installed $pkglibdir/pol.so; run scripts/pg-install.sh" >&2
  fi
done

run_as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || skip "running as root and there is no user postgres to run the cluster as"
  run_as=(runuser -u postgres --)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/polpg.XXXXXX")
data=$tmp/data
sock=$tmp/sock
started=
cleanup() {
  if [ -n "$started" ]; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

mkdir -p "$sock" "$tmp/in" "$tmp/out"
cp -r "$here/sql" "$here/expected" "$tmp/in/"
# the policies the tests load, compiled from the source tree (relative paths:
# the positions in the expected output name them so)
(cd "$root" && for p in bench/halffen.pol policies/rizhao/rizhao-2025.pol policies/weinan/weinan-2023.pol \
    policies/weifang/weifang-hanting-2023.pol; do
  "$polc" build "$p" -o "$tmp/$(basename "$p" .pol).polc" >/dev/null
done)
printf 'this is not a policy\n' >"$tmp/garbage.polc"
if [ ${#run_as[@]} -gt 0 ]; then chown -R postgres "$tmp"; fi

"${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = 5432
fsync = off
max_worker_processes = 8
max_parallel_workers = 4
max_parallel_workers_per_gather = 2
CONF
started=1
"${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$tmp/server.log" -w start >/dev/null ||
  { cat "$tmp/server.log" >&2; exit 1; }

tests=$(cd "$here/sql" && ls *.sql | sed 's/\.sql$//' | sort)
status=0
"${run_as[@]}" env POL_PG_POLC_DIR="$tmp" PGHOST="$sock" PGPORT=5432 PGUSER=postgres \
  "$regress" --inputdir="$tmp/in" --outputdir="$tmp/out" --bindir="$bindir" \
  --host="$sock" --port=5432 --user=postgres --dbname=pol_regress $tests || status=$?
if [ "$status" -ne 0 ]; then
  [ -f "$tmp/out/regression.diffs" ] && head -c 20000 "$tmp/out/regression.diffs" >&2
  echo "pg_regress: server log tail:" >&2
  tail -n 30 "$tmp/server.log" >&2
  if [ -n "${POL_PG_KEEP:-}" ]; then mkdir -p "$POL_PG_KEEP" && cp -r "$tmp/out/." "$POL_PG_KEEP/"; fi
fi
exit "$status"
