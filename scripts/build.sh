#!/usr/bin/env bash
# Configure and build one flavour. Usage: scripts/build.sh [plain|asan]
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-plain}
case "$flavour" in
  plain) dir=build;      extra=() ;;
  asan)  dir=build-asan; extra=(-DSANITIZERS=address,undefined -DCMAKE_BUILD_TYPE=Debug) ;;
  *) echo "unknown flavour '$flavour' (use plain or asan)" >&2; exit 1 ;;
esac
if [[ ! -f $dir/build.ninja ]]; then
  cmake -S . -B "$dir" -G Ninja "${extra[@]}" >/dev/null
fi
cmake --build "$dir" -j "$(nproc)"
