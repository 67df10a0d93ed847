#!/usr/bin/env bash
# pairspace beside what people would pick instead (Syncthing, magic-wormhole), measured in one
# run on this machine, on loopback only. Opt-in: not part of the test command.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/compare-peers.sh [--trials N] [--idle-seconds S] [--bin DIR] [--out FILE]
                              [--keep-logs DIR] [--no-install]

Measures pairspace beside the tools people would otherwise use, all on 127.0.0.1, and
prints a Markdown table (also written to bench/results/peers-<UTC date>.md):

  pairing       pairspace `pair join` → both devices paired, beside magic-wormhole
                `send --text` → text received (Python client and wormhole-william, Go),
                each with its own mailbox server and transit relay on loopback
  A→B change    pairspace `space need` / `space end` → the line on B's `watch`, beside a
                100-byte file written on A until it is on B in Syncthing, with the
                filesystem watcher at its default delay (10 s) and its minimum (1 s)
  idle          RSS (whole process tree) and wake-ups per minute of one paired, connected,
                idle instance of each

Options:
  --trials N          trials per measure (default 5)
  --idle-seconds S    how long each daemon idles before its RSS is read (default 10)
  --bin DIR           where `pairspace` and `pairspaced` are; else $PAIRSPACE_BIN; else they
                      are built (cmake + ninja) into build-peers/ of this checkout
  --out FILE          where the report goes (default bench/results/peers-<UTC date>.md)
  --keep-logs DIR     copy every peer's log into DIR at the end (the temp dir itself goes)
  --no-install        do not install missing peers; stop with a note instead
  -h, --help          this text

The peers come from Debian's packages (syncthing, magic-wormhole,
python3-magic-wormhole-mailbox-server, magic-wormhole-transit-relay, wormhole-william),
installed with apt-get only when missing, which needs root. Every discovery, relay, NAT,
upgrade, crash-report and usage-report feature of the peers is switched off before their
first start. Everything runs in a temp dir that is removed at the end, and every process
the run starts is stopped, on success, on failure and on Ctrl-C. A full run with 5 trials
takes about 3 minutes (Syncthing's 10 s watcher delay is most of it).
EOF
}

say() { printf 'compare-peers: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
trials=5
idle_seconds=10
bin=${PAIRSPACE_BIN:-}
out=""
keep_logs=""
install=1
command_line="bench/compare-peers.sh${*:+ $(printf '%q ' "$@")}"
command_line=${command_line% }

while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --trials) [[ $# -ge 2 ]] || fail "--trials needs a number, e.g. --trials 5."; trials=$2; shift 2 ;;
    --idle-seconds) [[ $# -ge 2 ]] || fail "--idle-seconds needs a number of seconds."; idle_seconds=$2; shift 2 ;;
    --bin) [[ $# -ge 2 ]] || fail "--bin needs the directory holding pairspace and pairspaced."; bin=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || fail "--out needs a file name."; out=$2; shift 2 ;;
    --keep-logs) [[ $# -ge 2 ]] || fail "--keep-logs needs a directory."; keep_logs=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    *) say "I don't know the option '$1'."; usage >&2; exit 1 ;;
  esac
done

[[ $trials =~ ^[1-9][0-9]*$ ]] || fail "--trials takes a whole number of at least 1 (got '$trials')."
[[ $idle_seconds =~ ^[0-9]+(\.[0-9]+)?$ && $idle_seconds != 0 && $idle_seconds != 0.0 ]] ||
  fail "--idle-seconds takes a positive number of seconds (got '$idle_seconds')."
[[ -x /usr/bin/python3 ]] || fail "this needs /usr/bin/python3 (Debian package python3)."

# 1. The peers, from Debian's packages, only when missing.
packages=(syncthing magic-wormhole python3-magic-wormhole-mailbox-server
  magic-wormhole-transit-relay wormhole-william)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  ((install)) || fail "these peers are not installed yet: ${missing[*]} (run without --no-install, as root, to add them)."
  [[ $(id -u) -eq 0 ]] || fail "installing ${missing[*]} needs root; please run as root, or install them with apt-get first."
  say "installing from Debian's packages: ${missing[*]}"
  apt_log=$(mktemp /tmp/compare-peers-apt.XXXXXX)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
    apt-get update -qq >>"$apt_log" 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1 || {
      tail -n 5 "$apt_log" >&2; rm -f "$apt_log"
      fail "apt-get could not install ${missing[*]}; the lines above say why."
    }
  fi
  rm -f "$apt_log"
fi

# 2. The pairspace binaries: --bin, else $PAIRSPACE_BIN, else built into build-peers/.
if [[ -z $bin ]]; then
  say "building pairspace and pairspaced into build-peers/ (set --bin or PAIRSPACE_BIN to skip)"
  cmake -S "$repo" -B "$repo/build-peers" -G Ninja >/dev/null ||
    fail "cmake could not configure build-peers/; scripts/deps.sh installs what the build needs."
  cmake --build "$repo/build-peers" -j2 --target pairspace pairspaced >/dev/null ||
    fail "the build of pairspace failed; run 'cmake --build build-peers --target pairspace' to see why."
  bin=$repo/build-peers/bin
fi
bin=$(cd "$bin" 2>/dev/null && pwd) || fail "the directory '$bin' does not exist."
for exe in pairspace pairspaced; do
  [[ -x $bin/$exe ]] || fail "there is no $exe in $bin; build it or point --bin at the right directory."
done

mkdir -p "$repo/bench/results"
[[ -n $out ]] || out=$repo/bench/results/peers-$(date -u +%Y-%m-%d).md

# 3. One temp dir for everything; whatever happens, every process we started is stopped
#    (from the ledger the helper keeps) and the dir is removed.
tmp=$(mktemp -d /tmp/compare-peers.XXXXXX)
helper_pid=""
# shellcheck disable=SC2317  # signal_started and cleanup run from the traps
# Sends SIG to every process in the helper's ledger that is still there; false when none is.
signal_started() {
  local sig=$1 kind id name any=1
  while read -r kind id name; do
    if [[ $kind == group ]]; then
      # Only a group that still has members (Linux never reuses a live group's id).
      pgrep -g "$id" >/dev/null 2>&1 || continue
      kill -"$sig" -- "-$id" 2>/dev/null && any=0
    elif [[ $(cat "/proc/$id/comm" 2>/dev/null) == "$name" ]]; then
      kill -"$sig" "$id" 2>/dev/null && any=0
    fi
  done <"$tmp/started.txt"
  return "$any"
}
# shellcheck disable=SC2317
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $helper_pid ]] && kill -0 "$helper_pid" 2>/dev/null; then
    kill -TERM "$helper_pid" 2>/dev/null || true
    wait "$helper_pid" 2>/dev/null || true
  fi
  if [[ -f $tmp/started.txt ]]; then
    signal_started TERM || true
    for _ in 1 2 3 4 5 6; do signal_started 0 || break; sleep 0.5; done
    signal_started KILL || true
  fi
  if [[ -n $keep_logs && -d $tmp/logs ]]; then
    mkdir -p "$keep_logs" && cp -r "$tmp/logs/." "$keep_logs/" && say "the peers' logs are in $keep_logs"
  fi
  rm -rf "$tmp"
  if ((status != 0)); then
    say "stopped before the end (status $status); every process it started is stopped and $tmp is removed."
    [[ -n $keep_logs ]] || say "to read the peers' logs, run it again with --keep-logs DIR."
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r load1 _ </proc/loadavg
if awk -v l="$load1" -v n="$(nproc)" 'BEGIN { exit !(l > n) }'; then
  say "note: this machine is busy (load $load1 on $(nproc) CPUs); every figure will be slower than on a quiet machine, and the report says so."
fi
say "running on 127.0.0.1 in $tmp (trials $trials, idle ${idle_seconds} s); peer logs stay there"
/usr/bin/python3 -B "$repo/bench/peers/compare.py" --tmp "$tmp" --bin "$bin" --trials "$trials" \
  --idle-seconds "$idle_seconds" --out "$out" --command "$command_line" &
helper_pid=$!
status=0
wait "$helper_pid" || status=$?
helper_pid=""
if ((status == 0)); then
  say "report written to ${out#"$repo"/}"
fi
exit "$status"
