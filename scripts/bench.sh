#!/usr/bin/env bash
# The benchmarks, opt-in (never part of scripts/test.sh). Configures build-bench with
# -DPAIRSPACE_BENCH=ON, builds, runs every bench program on loopback, prints Markdown and
# keeps the whole output in bench/results/bench-YYYY-MM-DD.md.
#
#   scripts/bench.sh            the full run (about 10 minutes once the journal cache exists;
#                               the first run also fills 100 000 journal entries, ~2 minutes)
#   BENCH_QUICK=1 scripts/bench.sh   fewer rounds, a 10 s idle window, 10 000-op catch-up
#
# Every daemon it starts lives under one temporary directory and is stopped on exit, even
# when a bench fails or the run is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build-bench
results=bench/results
stamp=$(date -u +%Y-%m-%d)
out=$results/bench-$stamp.md

echo "== configure and build ($dir) ==" >&2
cmake -S . -B "$dir" -G Ninja -DPAIRSPACE_BENCH=ON >/dev/null
targets=(engine_bench daemon_bench pairspace pairspaced pairspace-testgen)
[[ -f bench/sync_bench.cpp ]] && targets+=(sync_bench)  # catch-up in process (bench/results/catchup.md)
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]}" >&2
bin=$dir/bin

root=$(mktemp -d /tmp/psbench-XXXXXX)
cleanup() {
  # daemon_bench stops its own daemons; this catches any left by a crash of the bench.
  while IFS= read -r lock; do
    home=$(dirname "$lock")
    timeout 20 "$bin/pairspace" --home "$home" daemon stop >/dev/null 2>&1 || true
    pid=$(tr -dc '0-9' <"$lock" 2>/dev/null || true)
    if [[ -n $pid ]] && grep -qa -- "$home" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done < <(find "$root" "$dir/bench-cache" -name daemon.lock 2>/dev/null)
  rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  engine_args=(--signals 1000 --reconnects 100 --pairings 20)
  daemon_args=(--pairings 5 --signals 200 --reconnects 5 --idle-seconds 10 --status-runs 100
               --catchup 10000 --journal-runs 5)
  sync_args=(--benchmark_filter=CatchUp/10000)
else
  engine_args=(--signals 2000 --reconnects 300 --pairings 100)
  daemon_args=(--pairings 20 --signals 300 --reconnects 10 --idle-seconds 60 --status-runs 300
               --catchup 100000 --journal-runs 20)
  sync_args=()
fi

machine() {
  echo "# pairspace benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "| machine | |"
  echo "|---|---|"
  echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) vCPU |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| file system of /tmp | $(df -T /tmp | awk 'NR == 2 {print $2 " on " $1}') |"
  echo "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "| compiler | $(c++ --version | head -1) |"
  echo "| libsodium / SQLite / protobuf | $(pkg-config --modversion libsodium) / $(pkg-config --modversion sqlite3) / $(pkg-config --modversion protobuf) |"
  echo "| commit | $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src cli bench || echo ' (with local changes)') |"
  echo "| command | \`scripts/bench.sh\`$([[ ${BENCH_QUICK:-0} == 1 ]] && echo ' (BENCH_QUICK=1)') |"
  echo
}

mkdir -p "$results"
{
  machine
  echo "\`$bin/engine_bench ${engine_args[*]}\`"
  echo
  "$bin/engine_bench" "${engine_args[@]}"
  echo
  echo "\`$bin/daemon_bench ${daemon_args[*]} --cache $dir/bench-cache\`"
  echo
  "$bin/daemon_bench" --root "$root/daemons" --cache "$dir/bench-cache" "${daemon_args[@]}"
  if [[ -x $bin/sync_bench ]]; then
    echo
    echo "## sync_bench (catch-up in one process; see bench/results/catchup.md)"
    echo
    echo "\`$bin/sync_bench ${sync_args[*]}\`"
    echo
    echo '```'
    "$bin/sync_bench" "${sync_args[@]}" 2>&1
    echo '```'
  fi
  echo
  echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
} | tee "$out.partial"

# One table of every figure against its target, from both programs' summaries.
{
  echo
  echo "## Summary"
  echo
  echo "| figure | median | p99 | floor (same run) | target | |"
  echo "|---|---:|---:|---|---|---|"
  awk '/^### Summary/ {on = 1; n = 0; next} on && /^\|/ {if (++n > 2) print; next} on && n > 0 {on = 0}' "$out.partial"
} | tee -a "$out.partial"
mv "$out.partial" "$out"
echo >&2
echo "saved: $out" >&2
