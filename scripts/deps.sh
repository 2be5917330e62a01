#!/usr/bin/env bash
# deps.sh - installs the Debian 12 packages tollwatch needs to build, test and
# run (as root; skips apt when everything is already there).
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc libc6-dev python3 libpcap-dev libndpi-dev libjansson-dev
      libhiredis-dev libyaml-dev libcriterion-dev redis-server clang-format tzdata
      tcpreplay iproute2)
[ "${1:-}" = "--dev" ] && pkgs+=(clang libclang-rt-14-dev tshark time)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
