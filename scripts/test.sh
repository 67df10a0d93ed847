#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the plain build (g++), the
# ASan+UBSan build (clang), and a short libFuzzer run of every fuzz target from the latter
# (scripts/fuzz.sh smoke).
# The tests mostly wait on sockets and timers, so the next build compiles alongside them at
# a lower priority; its output goes to a log that is shown when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
jobs=$(nproc)
# The fuzz targets are built in the sanitizer build (scripts/build.sh asan); their short
# run gives each target its seed corpus and 3 s of fuzzing.
export FUZZ_BUILD_DIR=build-asan
export FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-3}
started=$SECONDS
phase() { printf '\n== %s (at %d s) ==\n' "$1" $((SECONDS - started)); }
run_tests() { ctest --test-dir "$1" --output-on-failure -j "$jobs" --timeout 300; }

# Starts `$@` in the background at low priority, output to log file $1.
background_pid=
background() {
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  nice -n 10 "$@" >"$log" 2>&1 &
  background_pid=$!
}
# Waits for the background job; shows its log's end when it failed.
finish_background() {
  local log=$1
  if ! wait "$background_pid"; then
    echo "This step failed; the end of its log ($log):" >&2
    tail -n 60 "$log" >&2
    return 1
  fi
}

phase "plain build"
scripts/build.sh plain

phase "plain tests (ASan+UBSan build alongside)"
background build-asan/build.log scripts/build.sh asan
plain=0
run_tests build || plain=$?
finish_background build-asan/build.log
((plain == 0))

phase "ASan+UBSan tests (fuzz smoke run alongside)"
background build-asan/fuzz-smoke.log scripts/fuzz.sh smoke
asan=0
run_tests build-asan || asan=$?
fuzz=0
finish_background build-asan/fuzz-smoke.log || fuzz=$?
((asan == 0))
grep -E '^(ok|FAIL) |^fuzz smoke' build-asan/fuzz-smoke.log || true
((fuzz == 0))
phase "all tests passed"
