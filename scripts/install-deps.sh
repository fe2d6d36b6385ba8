#!/usr/bin/env bash
# Installs the Debian packages Parity builds and runs with, only those that are missing.
# Idempotent: when everything is present it runs no apt-get at all.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-regex1.81-dev
  libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl
  python3-tornado  # the Tornado peer that `make demo` compares with
  nginx-light      # tutorial 14's load balancer, started by the step on loopback
  chromium         # the classroom page's test drives it headless
  clangd           # the install test checks that an editor sees no error in a starter
  dpkg-dev         # `make package`: dpkg-shlibdeps finds the .deb's library dependencies
)
# Debian's load generators, for bench/run.sh and `parity compare --tool siege|wrk`; valgrind and
# strace count what a request costs (bench/run.sh instructions); h2load (nghttp2-client) is the
# open loop's reference (bench/run.sh rate).
if [[ "${PARITY_BENCH_DEPS:-0}" == 1 ]]; then
  packages+=(siege wrk valgrind strace nghttp2-client)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
