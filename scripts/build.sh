#!/usr/bin/env bash
# Configure and build one flavour. Usage: scripts/build.sh [plain|asan]
#   plain  g++, -O2: what the demo and the benchmarks run
#   asan   clang 14, -O0, ASan+UBSan: the tests, and the libFuzzer targets that
#          scripts/test.sh runs briefly (one sanitizer build for both: on a fresh machine
#          that is minutes quicker than a g++ one for the tests and a clang one for fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-plain}
case "$flavour" in
  # -g1: line tables only (stack traces keep files and lines); full -g costs minutes of
  # compile time on a fresh machine. Configure by hand for a debugger-friendly build.
  plain) dir=build;      extra=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG") ;;
  asan)
    clang=$(command -v clang++-14 || command -v clang++ || true)
    if [[ -z $clang ]]; then
      echo "The sanitizer build needs clang++ (Debian: clang-14 libclang-rt-14-dev; scripts/deps.sh installs them)" >&2
      exit 1
    fi
    dir=build-asan
    extra=(-DCMAKE_CXX_COMPILER="$clang" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -gline-tables-only"
           -DSANITIZERS=address,undefined,fuzzer-no-link -DPAIRSPACE_FUZZ=ON)
    # An older build-asan made with g++ is configured afresh (a cache keeps its compiler).
    if [[ -f $dir/CMakeCache.txt ]] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang' "$dir/CMakeCache.txt"; then
      rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
    fi ;;
  *) echo "unknown flavour '$flavour' (use plain or asan)" >&2; exit 1 ;;
esac
# Unity batches for tests and the CLI: a cold build (a fresh clone, CI) takes minutes less.
cmake -S . -B "$dir" -G Ninja -DPAIRSPACE_UNITY=ON "${extra[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
