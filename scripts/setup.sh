#!/usr/bin/env bash
# Installs pol's build dependencies (Debian 12, as root), builds, and runs
# polrun on the bundled Rizhao 2025 policy and scenario.  Safe to run again.
# A development build: warnings are errors (-DPOL_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."

# C build: compilers, flex/bison, GNU gettext (msgfmt builds the Chinese
# catalog; xgettext checks it), GMP, libsodium, check; libmicrohttpd and
# jansson for polserve and pol-lsp.  Page tests: Debian's chromium, driven
# from Node (Debian's nodejs/npm, unless a Node is already on the PATH), and
# a CJK font (fonts-wqy-microhei) so that Chinese pages render as text, not
# boxes, in the screenshots.
PKGS="build-essential cmake flex bison gettext libgmp-dev libsodium-dev check pkg-config python3 libmicrohttpd-dev libjansson-dev chromium fonts-wqy-microhei"
command -v npm >/dev/null || PKGS="$PKGS nodejs npm"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages:$missing (run as root, or install them)" >&2
    exit 1
  fi
  echo "setup: installing$missing" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# The browser-test driver (playwright-core, pinned in package-lock.json; it
# downloads no browser).
scripts/npm-deps.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOL_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

# The PostgreSQL 15 extension (installs postgresql-15 if missing; docs/scale.md).
if [ "$(id -u)" -eq 0 ]; then
  scripts/pg-install.sh >/dev/null
else
  echo "setup: not root: skipping scripts/pg-install.sh (the PostgreSQL extension)" >&2
fi

echo "== polrun policies/rizhao/rizhao-2025.pol policies/rizhao/scenario-early.json --explain" >&2
./build/polrun policies/rizhao/rizhao-2025.pol policies/rizhao/scenario-early.json --explain
