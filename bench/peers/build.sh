#!/usr/bin/env bash
# Builds the peers that need a build, with Debian's toolchains: Go into go/build/, Rust into
# rust/target/ (offline, from Debian's crates). A toolchain that is not installed is skipped
# with a line that says what to install; a toolchain that is there and fails, fails the script.
#
#   bench/peers/build.sh
set -euo pipefail
cd "$(dirname "$0")"

# Each build runs in a session of its own, so that stopping the script stops the compilers
# the build started, not only the build.
build_pid=
stop_build() { [[ -z $build_pid ]] || kill -- "-$build_pid" 2>/dev/null || true; }
trap stop_build EXIT
trap 'exit 130' INT TERM

# build DIR COMMAND...: runs COMMAND in DIR and waits for it.
build() {
  (cd "$1" && exec setsid "${@:2}") &
  build_pid=$!
  wait "$build_pid"
  build_pid=
}

# installed PEER PACKAGE...: true when every package is installed, else says which are not.
installed() {
  local peer=$1 package absent=()
  for package in "${@:2}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q ' installed$' \
      || absent+=("$package")
  done
  [[ ${#absent[@]} -eq 0 ]] && return 0
  local verb=is && [[ ${#absent[@]} -gt 1 ]] && verb=are
  echo "skipped $peer: ${absent[*]} $verb not installed (apt-get install ${absent[*]})"
  return 1
}

if installed go golang-go; then
  # GOPROXY=off: it uses the standard library only, so nothing may be downloaded. CGO_ENABLED=0:
  # pure Go, as Go servers usually ship, and a binary callgrind can run (with cgo's thread start,
  # callgrind 3.19 stops on an assertion; bench/run.sh instructions).
  build go env GOPROXY=off CGO_ENABLED=0 /usr/bin/go build -o build/server .
  echo "built go: go/build/server ($(/usr/bin/go version | cut -d' ' -f3))"
fi

if installed rust cargo rustc librust-tokio-dev librust-hyper-dev; then
  # Debian's cargo and rustc by path: a rustup toolchain may come first on PATH.
  build rust env RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --offline --quiet
  echo "built rust: rust/target/release/server ($(/usr/bin/rustc --version | cut -d' ' -f1,2))"
fi

echo "node and aiohttp need no build"
