#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: plain, then ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
jobs=$(nproc)
for flavour in plain asan; do
  echo "== $flavour build =="
  scripts/build.sh "$flavour"
  dir=build; [[ $flavour == asan ]] && dir=build-asan
  echo "== $flavour tests =="
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 300
done
