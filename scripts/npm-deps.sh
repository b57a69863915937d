#!/usr/bin/env bash
# Installs the npm packages the tests drive real programs with (test drivers
# only; nothing of it is built into pol), each folder from its own
# package-lock.json.  Skips a folder whose node_modules matches its lock
# already, so it is cheap to run again.  Used by setup.sh, test.sh, .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm-deps: npm is missing; run scripts/setup.sh (browser tests will be skipped)" >&2
  exit 0
fi
for lock in tests/*/package-lock.json editors/*/package-lock.json; do
  [ -f "$lock" ] || continue
  d=$(dirname "$lock")
  if [ -f "$d/node_modules/.package-lock.json" ] && cmp -s <(python3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))["packages"].keys()))' "$lock") \
       <(python3 -c 'import json,sys; print(sorted([""]+list(json.load(open(sys.argv[1]))["packages"].keys())))' "$d/node_modules/.package-lock.json"); then
    continue
  fi
  echo "npm-deps: npm ci in $d" >&2
  (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
done
