#!/usr/bin/env bash
# Line coverage of src/ by the whole test suite (unit + integration), with gcovr.
# Usage: scripts/coverage.sh   -> summary on stdout, HTML in build-cov/coverage/index.html
# Builds its own flavour (Debug, --coverage) in build-cov; takes about as long as one
# build plus one test run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh gcovr
dir=build-cov
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS=--coverage -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$dir" -j "$(nproc)"
find "$dir" -name '*.gcda' -delete
ctest --test-dir "$dir" -j "$(nproc)" --timeout 300 --output-on-failure || {
  echo "Some tests failed; the coverage below is of the run as it went." >&2
}
mkdir -p "$dir/coverage"
gcovr --root . --object-directory "$dir" --filter 'src/' --exclude 'src/daemon/main.cpp' \
  --exclude-unreachable-branches --print-summary \
  --html-details "$dir/coverage/index.html" --txt "$dir/coverage/files.txt"
echo "Per file: $dir/coverage/files.txt; HTML report: $dir/coverage/index.html"
