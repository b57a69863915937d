#!/usr/bin/env bash
# Branch coverage, SQLite's habit: builds pol with gcc --coverage in build-cov/,
# runs the whole ctest suite, and reports branch coverage with gcovr:
#   - a text summary on stdout (every runtime/ and compiler/ file),
#   - HTML under build-cov/coverage/ (index.html, one page per file),
#   - the four files held to a threshold (decimals, VM, bytecode reader,
#     verifier); the script exits 1 if any of them is below it.
# Installs Debian's gcovr (apt-get) if it is missing.  Safe to run again:
# the counters of an earlier run are cleared first.
#   scripts/coverage.sh            build, test, report
#   scripts/coverage.sh --report   report only, from the counters already there
# gcovr options: --exclude-unreachable-branches (branches gcc generates on
# lines with no source code of their own) and --exclude-throw-branches
# (exception edges, none in C); the branches left out by hand carry a
# GCOVR_EXCL_BR_* marker with the reason beside it (docs/robustness.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# file and its minimum branch coverage, in percent
thresholds=(
  runtime/dec.c:95
  runtime/vm.c:95
  runtime/bytecode.c:95
  runtime/verify.c:95
)

dir=build-cov
report_only=0
[ "${1:-}" = "--report" ] && report_only=1

if ! command -v gcovr >/dev/null; then
  echo "coverage: installing gcovr (apt-get)" >&2
  apt-get install -y gcovr >/dev/null || { apt-get update >/dev/null && apt-get install -y gcovr >/dev/null; }
fi
for tool in cmake gcc gcov gcovr python3; do
  command -v "$tool" >/dev/null || { echo "coverage: $tool is missing; run scripts/setup.sh first" >&2; exit 1; }
done

if [ "$report_only" = 0 ]; then
  cmake -S . -B "$dir" -DPOL_COVERAGE=ON -DPOL_WERROR=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc >/dev/null
  cmake --build "$dir" -j"$(nproc)" >/dev/null
  find "$dir" -name '*.gcda' -delete   # counters from an earlier run
  # The whole suite but two tests that check the installed library itself,
  # which instrumentation changes by construction: libpol_exports (libgcov's
  # symbols are exported too) and libpol_install (a program linked from the
  # pkg-config line alone lacks -lgcov).  Both run in the normal build.
  # The suite's result is reported, but the figures are written either way.
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)" -E '^(libpol_exports|libpol_install)$') || echo "coverage: some tests failed (above); figures follow" >&2
fi

rm -rf "$dir/coverage"
mkdir -p "$dir/coverage"
common=(--root . --object-directory "$dir" --filter 'runtime/' --filter 'compiler/'
        --exclude-unreachable-branches --exclude-throw-branches)
gcovr "${common[@]}" --branches --txt "$dir/coverage/branches.txt" \
  --html-details "$dir/coverage/index.html" --json-summary "$dir/coverage/summary.json" \
  --print-summary
cat "$dir/coverage/branches.txt"

# per-file figures for the four held files, and the verdict
status=0
python3 - "$dir/coverage/summary.json" "${thresholds[@]}" <<'EOF' || status=$?
import json, sys
files = {f["filename"]: f for f in json.load(open(sys.argv[1]))["files"]}
bad = 0
print("\nbranch coverage of the held files:")
for spec in sys.argv[2:]:
    name, need = spec.rsplit(":", 1)
    f = files.get(name)
    if f is None:
        print(f"  {name:20} no data")
        bad = 1
        continue
    covered, total = f["branch_covered"], f["branch_total"]
    pct = 100.0 * covered / total if total else 100.0
    ok = pct >= float(need)
    bad |= not ok
    print(f"  {name:20} {covered:5}/{total:<5} {pct:6.2f}%  (needs {need}%)  {'ok' if ok else 'BELOW'}")
sys.exit(1 if bad else 0)
EOF
echo "HTML report: $dir/coverage/index.html"
exit $status
