#!/usr/bin/env bash
# scripts/pg-install.sh -- installs the pol PostgreSQL extension into the
# local PostgreSQL 15 (docs/scale.md).  Safe to run again.
#
#  1. installs postgresql-15 and postgresql-server-dev-15 if missing (apt-get,
#     as root);
#  2. builds libpol (the CMake target pol_static) in $POL_BUILD (default
#     build/, configured as scripts/setup.sh does) if libpol.a is missing or
#     older than the runtime's sources;
#  3. builds pg/ with PGXS against /usr/lib/postgresql/15/bin/pg_config and
#     installs pol.so, pol.control and pol--1.0.sql there (as root).
#
# Afterwards, in any UTF8 database: CREATE EXTENSION pol;
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
build=${POL_BUILD:-$root/build}

missing=""
for p in postgresql-15 postgresql-server-dev-15; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "pg-install: missing Debian packages:$missing (run as root, or install them)" >&2
    exit 1
  fi
  echo "pg-install: installing$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ ! -x "$PG_CONFIG" ]; then
  echo "pg-install: $PG_CONFIG not found: PostgreSQL 15's server development files are missing" >&2
  exit 1
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOL_WERROR=ON >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target pol_static >/dev/null

make -s -C pg PG_CONFIG="$PG_CONFIG" POL_BUILD="$build" clean >/dev/null
make -s -C pg PG_CONFIG="$PG_CONFIG" POL_BUILD="$build" >/dev/null
make -s -C pg PG_CONFIG="$PG_CONFIG" POL_BUILD="$build" install >/dev/null
make -s -C pg PG_CONFIG="$PG_CONFIG" POL_BUILD="$build" clean >/dev/null
echo "pg-install: installed pol into $("$PG_CONFIG" --pkglibdir) and $("$PG_CONFIG" --sharedir)/extension" >&2
echo "pg-install: in a UTF8 database: CREATE EXTENSION pol;" >&2
