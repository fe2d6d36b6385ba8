#!/usr/bin/env bash
# Benchmarks, printed as ratios measured in one run (this machine is noisy; ratios hold up).
#
#   bench/run.sh hello   each style's /hello vs the bare-Beast floor, wrk -t1 -c50 -d5s, alternating
#   bench/run.sh fetch   each style's /fetch, upstream 100ms, siege -b -c100 -t3S, vs Little's law
#
# Needs a release build (make build) and Debian's wrk and siege (PARITY_BENCH_DEPS=1
# scripts/install-deps.sh installs them). Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release
styles=(sync callback future coroutine threadpool)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "bench: $1 is missing: PARITY_BENCH_DEPS=1 scripts/install-deps.sh" >&2; exit 1; }; }
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench: $1 did not come up" >&2; exit 1; }

wrk_rate() {  # URL -> requests/sec
  wrk -t1 -c50 -d"${WRK_DURATION:-5s}" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

siege_rate() {  # URL -> transactions/sec
  siege -b -c100 -t"${SIEGE_TIME:-3S}" "$1" 2>&1 | awk '/Transaction rate:/ {print $3}'
}

hello() {
  need wrk
  "$bin/bench/parity-floor" --port 8301 >/dev/null & pids+=($!)
  "$bin/cli/parity" --log-level warning serve --port 8302 --no-access-log >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8301/ && wait_for http://127.0.0.1:8302/sync/hello
  printf '%-11s %12s %12s %8s\n' style 'req/s' 'floor req/s' 'ratio'
  for style in "${styles[@]}"; do
    floor=$(wrk_rate http://127.0.0.1:8301/)        # the floor right before each style
    rate=$(wrk_rate "http://127.0.0.1:8302/$style/hello")
    awk -v s="$style" -v r="$rate" -v f="$floor" 'BEGIN { printf "%-11s %12.0f %12.0f %7.0f%%\n", s, r, f, 100 * r / f }'
  done
}

fetch() {
  need siege
  local latency_ms=100 users=100 pool=5
  "$bin/cli/parity" --log-level warning upstream --port 8311 --latency ${latency_ms}ms >/dev/null & pids+=($!)
  "$bin/cli/parity" --log-level warning serve --port 8312 --upstream http://127.0.0.1:8311 --max-clients 0 \
    --pool $pool --no-access-log >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8311/ && wait_for http://127.0.0.1:8312/
  echo "upstream ${latency_ms}ms, ${users} users, --max-clients 0, --pool ${pool}"
  printf '%-11s %12s %14s %8s\n' style 'trans/s' 'limit trans/s' 'of limit'
  for style in "${styles[@]}"; do
    # Little's law: in flight = rate x latency. What caps the in-flight requests caps the rate.
    case $style in
      sync) in_flight=1 ;;              # one request at a time: the loop is blocked meanwhile
      threadpool) in_flight=$pool ;;    # one per pool thread
      *) in_flight=$users ;;            # one per user
    esac
    rate=$(siege_rate "http://127.0.0.1:8312/$style/fetch")
    awk -v s="$style" -v r="$rate" -v n="$in_flight" -v l="$latency_ms" \
      'BEGIN { limit = n * 1000 / l; printf "%-11s %12.2f %14.0f %7.0f%%\n", s, r, limit, 100 * r / limit }'
  done
}

case "${1:-}" in
  hello) hello ;;
  fetch) fetch ;;
  *) echo "usage: bench/run.sh hello|fetch" >&2; exit 2 ;;
esac
