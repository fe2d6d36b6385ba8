#!/usr/bin/env bash
# Installs the Debian packages Parity builds and runs with, only those that are missing.
# Idempotent: when everything is present it runs no apt-get at all.
#
# Boost is the one dependency whose package names carry a version. Parity needs Boost 1.81 or
# newer (the lowest, read from CMakeLists.txt's find_package). Debian 13 and Ubuntu 24.04 have
# it under the default names (libboost-dev is 1.83); Debian 12's default is 1.74, so there it is
# the versioned libboost1.81-dev. A Boost that is already installed and new enough is kept.
# PARITY_CLANG=1 adds Debian's clang and its sanitizer runtime, for the clang preset.
set -euo pipefail

cmakelists=$(dirname "$0")/../CMakeLists.txt
boost_lowest=$(sed -n 's/^find_package(Boost \([0-9.]*\) .*/\1/p' "$cmakelists")
[[ -n $boost_lowest ]] ||
  { echo "install-deps: no find_package(Boost VERSION ...) line in $cmakelists" >&2; exit 1; }
readonly boost_lowest
readonly boost_components=(json url regex stacktrace)

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl
  python3-tornado  # the Tornado peer that `make demo` compares with
  nginx-light      # tutorial 14's load balancer, started by the step on loopback
  chromium         # the classroom page's test drives it headless
  clangd           # the install test checks that an editor sees no error in a starter
  dpkg-dev         # `make package`: dpkg-shlibdeps finds the .deb's library dependencies
  file             # `make package`: CPack's DEB generator reads the binaries' types with it
)
# Debian's load generators, for bench/run.sh and `parity compare --tool siege|wrk`; valgrind and
# strace count what a request costs (bench/run.sh instructions); h2load (nghttp2-client) is the
# open loop's reference (bench/run.sh rate).
if [[ "${PARITY_BENCH_DEPS:-0}" == 1 ]]; then
  packages+=(siege wrk valgrind strace nghttp2-client)
fi
if [[ "${PARITY_CLANG:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-dev)
fi

say() { echo "install-deps: $*" >&2; }
distribution() {
  (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-an unknown system}") ||
    echo "an unknown system"
}

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  say "found $(distribution), which has no apt, so install by hand Boost >= $boost_lowest" \
      "(with json, url, regex and stacktrace), fmt, CLI11, GoogleTest, Google Benchmark, CMake >= 3.25," \
      "Ninja and a C++20 compiler, then run cmake as docs/building.md says."
  exit 1
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
newer_or_same() { dpkg --compare-versions "$1" ge "$boost_lowest"; }

# The Boost packages' names with a suffix: "" for the default names, "1.81" for versioned ones.
boost_names() {
  local suffix=$1 c names
  names=("libboost${suffix}-dev")
  for c in "${boost_components[@]}"; do names+=("libboost-${c}${suffix}-dev"); done
  echo "${names[@]}"
}
all_installed() { local p; for p in "$@"; do installed "$p" || return 1; done; }

# A Boost already installed, every component of it, and new enough: the newest such.
installed_boost() {
  local v
  for v in $(dpkg-query -W -f='${Package}\n' 'libboost1.*-dev' 2>/dev/null |
             sed -n 's/^libboost\(1\.[0-9]*\)-dev$/\1/p' | sort -t. -k2 -nr); do
    newer_or_same "$v" && all_installed $(boost_names "$v") && { echo "$v"; return; }
  done
  return 0
}

# What apt offers: the default names where they are new enough, else the newest versioned names.
candidate() {
  apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true
}
all_offered() { local p; for p in "$@"; do [[ -n $(candidate "$p") ]] || return 1; done; }
offered_boost() {
  local default v
  default=$(candidate libboost-dev)
  if [[ -n $default ]] && newer_or_same "${default#*:}" && all_offered $(boost_names ""); then
    echo ""
    return
  fi
  for v in $(apt-cache pkgnames libboost1. 2>/dev/null |
             sed -n 's/^libboost\(1\.[0-9]*\)-dev$/\1/p' | sort -t. -k2 -nr); do
    newer_or_same "$v" && all_offered $(boost_names "$v") && { echo "$v"; return; }
  done
  echo none
}

boost=$(installed_boost)
missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [[ -n $boost && ${#missing[@]} -eq 0 ]]; then exit 0; fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { say "run as root, or install sudo: apt-get needs root"; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq ||
  { say "apt-get update failed (above), so check the network and apt's sources"; exit 1; }

if [[ -z $boost ]]; then
  suffix=$(offered_boost)
  if [[ $suffix == none ]]; then
    default=$(candidate libboost-dev)
    say "found $(distribution), whose apt offers no Boost $boost_lowest or newer with" \
        "${boost_components[*]} (its libboost-dev is ${default:-none}), so use Debian 12 or 13" \
        "or install Boost >= $boost_lowest by hand and run cmake as docs/building.md says."
    exit 1
  fi
  missing+=($(boost_names "$suffix"))
fi

# Names this release does not have: say which, and what to do, before apt-get refuses them all.
unknown=()
for p in "${missing[@]}"; do [[ -n $(candidate "$p") ]] || unknown+=("$p"); done
if [[ ${#unknown[@]} -gt 0 ]]; then
  say "found $(distribution), whose apt has no ${unknown[*]}, so check that its main archive" \
      "is in apt's sources (/etc/apt/sources.list or sources.list.d), or install the same" \
      "software under this system's names (Parity's set-up is tried on Debian 12 and 13)."
  exit 1
fi

say "installing ${missing[*]}"
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
  { say "apt-get could not install ${missing[*]} (its error is above)"; exit 1; }
