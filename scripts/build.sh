#!/usr/bin/env bash
# Configure and build one flavour. Usage: scripts/build.sh [plain|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-plain}
case "$flavour" in
  # -g1: line tables only (stack traces keep files and lines); full -g costs minutes of
  # compile time on a fresh machine. Configure by hand for a debugger-friendly build.
  plain) dir=build;      extra=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG") ;;
  asan)  dir=build-asan; extra=(-DSANITIZERS=address,undefined -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1") ;;
  *) echo "unknown flavour '$flavour' (use plain or asan)" >&2; exit 1 ;;
esac
# Unity batches for tests and the CLI: a cold build (a fresh clone, CI) takes minutes less.
cmake -S . -B "$dir" -G Ninja -DPAIRSPACE_UNITY=ON "${extra[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
