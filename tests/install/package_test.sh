#!/usr/bin/env bash
# The Debian package (`make package`): cpack makes parity_*.deb from the build tree, and the
# package holds the command, what it reads at run time and the CMake package, under /usr, with
# its dependencies declared: the Boost the build found (BOOST, as 1.83), and nothing this system
# cannot install.
#   package_test.sh BUILD_DIR BOOST
set -euo pipefail
build=$(cd "$1" && pwd)
boost=$2
work=$(mktemp -d /tmp/parity-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/parity_*.deb 2>/dev/null | head -1)
[[ -n $deb ]] || { cat "$work/cpack.log"; fail "cpack made no parity_*.deb"; }
echo "made $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/files.txt"
for file in ./usr/bin/parity ./usr/lib/cmake/Parity/ParityConfig.cmake \
            ./usr/include/parity/common/loop/loop.hpp ./usr/share/parity/installed \
            ./usr/share/parity/styles/sync/sync_style.cpp ./usr/share/parity/bench/peers/tornado/server.py \
            ./usr/share/parity/exercises/01_callback_fetch/starter/exercise.hpp \
            ./usr/share/parity/learn/project/CMakeLists.txt; do
  grep -qxF "$file" "$work/files.txt" || fail "the package has no $file"
done
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for package in "libboost$boost-dev" "libboost-json$boost-dev" libfmt-dev libgtest-dev cmake; do
  [[ $depends == *"$package"* ]] || fail "the package does not depend on $package"
done
# The build's own machine has everything the package depends on (install-deps.sh put it there),
# so each name must be installed here: a name another release uses would not be.
for alternatives in $(echo "$depends" | sed 's/ *([^)]*)//g; s/ //g' | tr ',' ' '); do
  found=0
  for package in ${alternatives//|/ }; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' && found=1
  done
  [[ $found == 1 ]] ||
    fail "the package depends on $alternatives, which this system has not installed"
done
[[ $(dpkg-deb -f "$deb" Architecture) == "$(dpkg --print-architecture)" ]] || fail "architecture"
echo "package test: every check held"
