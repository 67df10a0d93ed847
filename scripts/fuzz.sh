#!/usr/bin/env bash
# libFuzzer targets (docs/fuzzing.md). Builds them in build-fuzz with clang, ASan and UBSan.
#
#   scripts/fuzz.sh build              only builds the targets (scripts/test.sh does it while
#                                      the sanitizer tests run)
#   scripts/fuzz.sh smoke              every target over its seed corpus, then a few seconds of
#                                      fuzzing each (FUZZ_SMOKE_SECONDS, default 6) on a copy of
#                                      the corpus; fails on any crash, leak or timeout
#   scripts/fuzz.sh long [SECONDS]     each target in turn for SECONDS (default 600), growing
#                                      build-fuzz/corpus/<name>; prints a table of the run
#   scripts/fuzz.sh run NAME [ARGS]    one target with libFuzzer's own arguments, e.g.
#                                      scripts/fuzz.sh run pairing tests/fuzz/corpus/pairing -runs=0
#   scripts/fuzz.sh seeds              rewrites tests/fuzz/corpus/*/seed-* (fuzz_make_seeds)
#   scripts/fuzz.sh list               the target names
# FUZZ_TARGETS="frame op" limits smoke and long to those targets.
set -euo pipefail
cd "$(dirname "$0")/.."

# FUZZ_BUILD_DIR and FUZZ_CXX_FLAGS pick another build (scripts/test.sh: an -O0 one, quicker
# to compile, for its short run).
dir=${FUZZ_BUILD_DIR:-build-fuzz}
cxx_flags=${FUZZ_CXX_FLAGS:--O1 -gline-tables-only}
corpus_src=tests/fuzz/corpus
all_targets=(frame handshake pairing cpace invite op oplog control daemon time schedule)

usage() {
  cat >&2 <<'EOF'
usage: scripts/fuzz.sh build
       scripts/fuzz.sh smoke
       scripts/fuzz.sh long [SECONDS]
       scripts/fuzz.sh run NAME [LIBFUZZER ARGS...]
       scripts/fuzz.sh seeds
       scripts/fuzz.sh list
Targets: frame handshake pairing cpace invite op oplog control daemon time schedule
EOF
  exit 2
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

clang_cxx() {
  for c in clang++-14 clang++; do
    if command -v "$c" >/dev/null; then
      echo "$c"
      return
    fi
  done
  echo "scripts/fuzz.sh needs clang++ (Debian: clang-14 libclang-rt-14-dev; scripts/deps.sh installs them)" >&2
  exit 1
}

build() {
  if [[ ! -f $dir/build.ninja ]]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$(clang_cxx)" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$cxx_flags" \
      -DPAIRSPACE_FUZZ=ON -DPAIRSPACE_TESTS=OFF \
      -DSANITIZERS=address,undefined,fuzzer-no-link >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)" --target "$@"
}

targets() {
  if [[ -n ${FUZZ_TARGETS:-} ]]; then
    read -r -a chosen <<<"$FUZZ_TARGETS"
    printf '%s\n' "${chosen[@]}"
  else
    printf '%s\n' "${all_targets[@]}"
  fi
}

check_name() {
  local name=$1 t
  for t in "${all_targets[@]}"; do [[ $t == "$name" ]] && return 0; done
  echo "unknown fuzz target '$name' (scripts/fuzz.sh list shows them)" >&2
  exit 2
}

# "execs seconds corpus_files corpus_bytes" from a libFuzzer log.
summarise() {
  local log=$1
  local execs secs files bytes
  execs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
  files=$(grep -o 'corp: [0-9]*/[0-9]*[bKM]*b*' "$log" | tail -1 | sed 's/corp: \([0-9]*\)\/.*/\1/')
  bytes=$(grep -o 'corp: [0-9]*/[0-9]*[bKM]*b*' "$log" | tail -1 | sed 's/corp: [0-9]*\///')
  echo "${execs:-?} ${secs:-?} ${files:-?} ${bytes:-?}"
}

# Runs one target: corpus dirs (the first one grows), seconds, log file, artifact dir.
fuzz_one() {
  local name=$1 corpus=$2 seconds=$3 log=$4 artifacts=$5
  mkdir -p "$artifacts"
  "$dir/bin/${name}_fuzz" "$corpus" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
}

report_failure() {
  local name=$1 log=$2 artifacts=$3
  echo "FAIL $name: the fuzzer found a problem. Last lines of its log:" >&2
  tail -n 40 "$log" >&2
  mkdir -p "$dir/artifacts/$name"
  if compgen -G "$artifacts/*" >/dev/null; then
    cp "$artifacts"/* "$dir/artifacts/$name/"
    echo "Input(s) kept in $dir/artifacts/$name/; reproduce with: scripts/fuzz.sh run $name $dir/artifacts/$name/<file>" >&2
  fi
}

smoke() {
  local seconds=${FUZZ_SMOKE_SECONDS:-6}
  build fuzz_targets
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  local failed=0 name start
  start=$(date +%s)
  for name in $(targets); do
    check_name "$name"
    mkdir -p "$tmp/$name/corpus"
    cp -r "$corpus_src/$name/." "$tmp/$name/corpus/"
    if fuzz_one "$name" "$tmp/$name/corpus" "$seconds" "$tmp/$name/log" "$tmp/$name/artifacts"; then
      read -r execs secs files bytes < <(summarise "$tmp/$name/log")
      printf 'ok   %-10s %9s runs in %ss, corpus %s files\n' "$name" "$execs" "$secs" "$files"
    else
      report_failure "$name" "$tmp/$name/log" "$tmp/$name/artifacts"
      failed=1
    fi
  done
  echo "fuzz smoke: $(($(date +%s) - start)) s"
  return "$failed"
}

long() {
  local seconds=${1:-600}
  [[ $seconds =~ ^[0-9]+$ ]] || usage
  build fuzz_targets
  mkdir -p "$dir/corpus" "$dir/logs"
  local failed=0 name
  printf '| target | seconds | executions | exec/s | corpus files | corpus size | crashes |\n'
  printf '|---|---:|---:|---:|---:|---:|---:|\n'
  for name in $(targets); do
    check_name "$name"
    mkdir -p "$dir/corpus/$name"
    cp -rn "$corpus_src/$name/." "$dir/corpus/$name/"
    local log="$dir/logs/$name.log" artifacts="$dir/artifacts/$name" crashes=0
    if ! fuzz_one "$name" "$dir/corpus/$name" "$seconds" "$log" "$artifacts"; then
      crashes=$(compgen -G "$artifacts/*" | wc -l || true)
      failed=1
    fi
    read -r execs secs files bytes < <(summarise "$log")
    local rate="?"
    if [[ $execs =~ ^[0-9]+$ && $secs =~ ^[0-9]+$ && $secs -gt 0 ]]; then rate=$((execs / secs)); fi
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$secs" "$execs" "$rate" "$files" "$bytes" "$crashes"
  done
  if ((failed)); then
    echo "Some targets stopped on a finding: see $dir/logs/ and $dir/artifacts/." >&2
  fi
  return "$failed"
}

case ${1:-} in
  build)
    [[ $# -eq 1 ]] || usage
    build fuzz_targets
    ;;
  smoke)
    [[ $# -eq 1 ]] || usage
    smoke
    ;;
  long)
    [[ $# -le 2 ]] || usage
    long "${2:-600}"
    ;;
  run)
    [[ $# -ge 2 ]] || usage
    check_name "$2"
    build "${2}_fuzz"
    name=$2
    shift 2
    mkdir -p "$dir/artifacts"
    exec "$dir/bin/${name}_fuzz" -artifact_prefix="$dir/artifacts/$name-" "$@"
    ;;
  seeds)
    [[ $# -eq 1 ]] || usage
    build fuzz_make_seeds
    "$dir/bin/fuzz_make_seeds" "$corpus_src"
    ;;
  list)
    printf '%s\n' "${all_targets[@]}"
    ;;
  *)
    usage
    ;;
esac
