#!/usr/bin/env bash
# Installs what pairspace needs from Debian 12's packages. Idempotent: only missing
# packages are installed, and nothing is done when everything is present.
# Extra packages for opt-in tools can be named as arguments: scripts/deps.sh gcovr
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libsodium-dev libboost-dev libprotobuf-dev protobuf-compiler libsqlite3-dev
  libcli11-dev libhowardhinnant-date-dev tzdata
  libgtest-dev libgmock-dev nlohmann-json3-dev
  python3 python3-icalendar util-linux
  clang-14 libclang-rt-14-dev faketime
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "Installing: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
