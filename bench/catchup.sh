#!/usr/bin/env bash
# End-to-end catch-up: B is running while A is stopped and writes N ops (pairspace-testgen);
# then A starts on the port B knows. Prints the time until B's state digest equals A's,
# ops/s, and B's peak RSS (VmHWM). Loopback only; everything lives in a temp dir.
#
#   bench/catchup.sh BIN_DIR [COUNT] [PORT_A] [PORT_B]
#
# Two times are printed: from `daemon start` of A (B's redial backoff included, as the lead
# measured it) and from the moment B reports the partner connected (the sync itself).
set -euo pipefail

BIN=${1:?usage: catchup.sh BIN_DIR [COUNT] [PORT_A] [PORT_B]}
COUNT=${2:-100000}
PA=${3:-47811}
PB=${4:-47812}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ps-catchup.XXXXXX")
A=$TMP/a
B=$TMP/b
ps() { "$BIN/pairspace" --home "$1" "${@:2}"; }
cleanup() {
  ps "$A" daemon stop >/dev/null 2>&1 || true
  ps "$B" daemon stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
now() { date +%s.%N; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', ''))"; }

ps "$A" init --name Alex >/dev/null
ps "$B" init --name Sam >/dev/null
ps "$A" daemon start --listen 127.0.0.1:$PA >/dev/null
ps "$B" daemon start --listen 127.0.0.1:$PB >/dev/null
ps "$A" --json pair invite --wait >"$TMP/invite.json" &
INVITE=$!
for _ in $(seq 100); do grep -q '"code"' "$TMP/invite.json" 2>/dev/null && break; sleep 0.05; done
CODE=$(head -n1 "$TMP/invite.json" | json code)
ps "$B" pair join --peer 127.0.0.1:$PA "$CODE" >/dev/null
wait $INVITE

ps "$A" daemon stop >/dev/null
t0=$(now)
"$BIN/pairspace-testgen" ops --home "$A" --count "$COUNT" >/dev/null
t1=$(now)
echo "testgen: $COUNT ops in $(python3 -c "print(f'{$t1-$t0:.2f}')") s"
WANT=$("$BIN/pairspace-testgen" digest --home "$A" | awk '/^digest/ {print $2}')
BPID=$(ps "$B" --json daemon status | json pid)

start=$(now)
ps "$A" daemon start --listen 127.0.0.1:$PA >/dev/null
connected=""
while :; do
  st=$(ps "$B" --json status)
  if [ -z "$connected" ] && [ "$(echo "$st" | json partner_connected)" = "True" ]; then
    connected=$(now)
  fi
  [ "$(echo "$st" | json state_digest)" = "$WANT" ] && break
  if python3 -c "import sys; sys.exit(0 if $(now) - $start > 600 else 1)"; then
    echo "no convergence within 600 s" >&2
    exit 1
  fi
  sleep 0.05
done
done_at=$(now)
[ -n "$connected" ] || connected=$done_at
APID=$(ps "$A" --json daemon status | json pid)
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "user %.2f s, sys %.2f s", $14 / t, $15 / t}' /proc/$1/stat; }
hwm=$(awk '/VmHWM/ {print $2}' /proc/$BPID/status)
rss=$(awk '/VmRSS/ {print $2}' /proc/$BPID/status)
python3 - <<EOF
total = $done_at - $start
sync = $done_at - $connected
print(f"from A's start: {total:.2f} s = {$COUNT / total:.0f} ops/s (redial backoff included)")
print(f"from connected: {sync:.2f} s = {$COUNT / max(sync, 1e-3):.0f} ops/s")
print(f"B VmHWM {$hwm / 1024:.1f} MB, VmRSS after {$rss / 1024:.1f} MB")
EOF
echo "CPU of B (whole life): $(cpu $BPID); of A (since its start): $(cpu $APID)"
