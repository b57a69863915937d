#!/usr/bin/env bash
# serve.sh -- a bounded load run against polserve on loopback (not a timed
# test): polserve on the bundled policies, a free port, no access log; then
# for each request kind N requests (default 20,000) over C keep-alive
# connections (default 64), each reply checked (200 and the expected amount).
# Prints p50/p90/p99/max latency and throughput; exits 1 if any request failed.
#   bench/serve.sh [N] [C]        BUILD=build-release bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
C=${2:-64}
BUILD=${BUILD:-build}
if [ -z "${POL_BENCH_NO_BUILD:-}" ]; then
  cmake -S . -B "$BUILD" >/dev/null
  cmake --build "$BUILD" -j2 --target polserve bench_serve_load >/dev/null
fi
tmp=$(mktemp -d)
log=$tmp/serve.log
"$BUILD/polserve" policies --port 0 --quiet --reload 0 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
  port=$(sed -n 's|.*on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$log" >&2; exit 1; }
echo "polserve $(git rev-parse --short HEAD 2>/dev/null || echo ?) on port $port, $(nproc) cores, $N requests per kind, $C connections"
printf '{"缴费日期":"2025-10-01"}' >"$tmp/rizhao.json"
cp policies/weifang/scenario-timeline.json "$tmp/timeline.json"
python3 - "$tmp/array.json" <<'PY'
import json, sys
days = ["2025-%02d-%02d" % (m, d) for m in range(1, 13) for d in (1, 15)][:20]
json.dump([{"缴费日期": x} for x in days], open(sys.argv[1], "w"), ensure_ascii=False)
PY
rc=0
run() { # NAME PATH BODY EXPECT
  echo "== $1: POST $2"
  "$BUILD/bench/bench_serve_load" "$port" "$2" "$3" "$4" "$N" "$C" || rc=1
}
run "calculate, one scenario (Rizhao)" /v1/policies/rizhao-2025/calculate "$tmp/rizhao.json" '"全年医疗保险费合计":"2876.40"'
run "calculate, 20 scenarios in an array (Rizhao)" /v1/policies/rizhao-2025/calculate "$tmp/array.json" '"全年医疗保险费合计":"2876.40"'
run "calculate, payment history timeline (Weifang)" /v1/policies/weifang-hanting-2023-timeline/calculate "$tmp/timeline.json" '"医疗保险费合计":"2375.22"'
run "explain, one scenario (Rizhao)" /v1/policies/rizhao-2025/explain "$tmp/rizhao.json" '"月缴费基数"'
exit $rc
