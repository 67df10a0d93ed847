#!/usr/bin/env bash
# The main job, end to end on one machine: installs what is missing, builds, then
# creates a device in a temporary home, starts its daemon, writes and reads a private
# journal entry, and stops the daemon again. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh plain >/dev/null

bin=$PWD/build/bin
home=$(mktemp -d /tmp/pairspace-demo.XXXXXX)
cleanup() {
  "$bin/pairspace" --home "$home/alex" daemon stop >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

export PAIRSPACE_HOME=$home/alex
step "$bin/pairspace" init --name Alex
step "$bin/pairspace" daemon start --listen 127.0.0.1:0
step "$bin/pairspace" journal add "Felt a bit lonely tonight, but I know the quiet is not about me."
step "$bin/pairspace" journal add "Walked by the river; the evening light helped."
step "$bin/pairspace" journal list
step "$bin/pairspace" journal list --grep river
step "$bin/pairspace" status
step "$bin/pairspace" daemon stop
printf '\nThe journal lives only in %s, encrypted; the demo home is removed now.\n' "$PAIRSPACE_HOME"
