#!/usr/bin/env bash
# Benchmarks, printed as ratios measured in one run (this machine is noisy; ratios hold up).
#
#   bench/run.sh hello   each style's /hello vs the bare-Beast floor, wrk -t1 -c50 -d5s, alternating
#   bench/run.sh micro   each style's machinery per operation vs asio::post (Google Benchmark)
#   bench/run.sh generator
#                        parity siege against Debian's tools: vs siege on /coroutine/fetch (-c100
#                        -t3s, both a new connection per request), and -b -c50 vs wrk on the floor
#   bench/run.sh fetch [siege|wrk]
#                        each style's /fetch, upstream 100ms, 100 users, vs Little's law: siege -b
#                        -c100 -t3S (a new connection per request, as the tutorials ran it), or
#                        wrk -t1 -c100 -d5s (keep-alive, a lighter generator)
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

wrk100_rate() {  # URL -> requests/sec with 100 keep-alive connections
  wrk -t1 -c100 -d"${WRK_DURATION:-5s}" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

siege_rate() {  # URL -> transactions/sec
  # siege 4 prints its summary as JSON ("transaction_rate": 9.70,) and siege 3 as text.
  siege -b -c100 -t"${SIEGE_TIME:-3S}" "$1" 2>&1 |
    awk -F'[:,]' '/"transaction_rate"/ {gsub(/[ \t]/, "", $2); print $2} /Transaction rate:/ {print $2 + 0}'
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
  local tool=${1:-siege}
  case $tool in
    siege) need siege; rate_of=siege_rate; how="siege -b -c100 -t${SIEGE_TIME:-3S}" ;;
    wrk) need wrk; rate_of=wrk100_rate; how="wrk -t1 -c100 -d${WRK_DURATION:-5s}" ;;
    *) echo "bench: fetch takes siege or wrk" >&2; exit 2 ;;
  esac
  local latency_ms=100 users=100 pool=5
  "$bin/cli/parity" --log-level warning upstream --port 8311 --latency ${latency_ms}ms >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8311/
  echo "upstream ${latency_ms}ms, ${users} users ($how), --max-clients 0, --pool ${pool}"
  printf '%-15s %10s %14s %9s %12s\n' row 'trans/s' 'limit trans/s' 'of limit' 'of ceiling'
  # The ceiling: the generator straight at the upstream, the most any server could show through it.
  ceiling=$($rate_of "http://127.0.0.1:8311/delay?ms=${latency_ms}")
  awk -v r="$ceiling" -v l="$latency_ms" -v u="$users" \
    'BEGIN { limit = u * 1000 / l; printf "%-15s %10.2f %14.0f %8.0f%% %11s\n", "ceiling", r, limit, 100 * r / limit, "-" }'
  for style in "${styles[@]}"; do
    # A fresh server per style: the sync run leaves a backlog that would stall the next one.
    "$bin/cli/parity" --log-level warning serve --port 8312 --upstream http://127.0.0.1:8311 --max-clients 0 \
      --pool $pool --no-access-log >/dev/null & local server=$!
    wait_for http://127.0.0.1:8312/
    # Little's law: in flight = rate x latency. What caps the requests in flight caps the rate.
    case $style in
      sync) in_flight=1 ;;              # one request at a time: the loop is blocked meanwhile
      threadpool) in_flight=$pool ;;    # one per pool thread
      *) in_flight=$users ;;            # one per user
    esac
    rate=$($rate_of "http://127.0.0.1:8312/$style/fetch")
    kill $server; wait $server 2>/dev/null || true
    awk -v s="$style" -v r="$rate" -v n="$in_flight" -v l="$latency_ms" -v c="$ceiling" -v u="$users" \
      'BEGIN { limit = n * 1000 / l; of_ceiling = 100 * r / (limit < c ? limit : c * n / u);
               printf "%-15s %10.2f %14.0f %8.0f%% %10.0f%%\n", s, r, limit, 100 * r / limit, of_ceiling }'
  done
}

parity_rate() {  # parity siege ARGS... -> transactions/sec
  "$bin/cli/parity" siege -j "$@" 2>/dev/null | awk -F'[:,]' '/"transaction_rate"/ {gsub(/[ \t]/, "", $2); print $2}'
}

generator() {
  need siege; need wrk
  "$bin/cli/parity" --log-level warning serve --port 8322 --max-clients 0 --no-access-log >/dev/null & pids+=($!)
  "$bin/bench/parity-floor" --port 8321 >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8322/ && wait_for http://127.0.0.1:8321/
  local url=http://127.0.0.1:8322/coroutine/fetch
  printf '%-44s %12s %12s %8s\n' check 'parity' 'reference' 'ratio'
  for run in 1 2 3; do  # alternating, so both see the same machine
    p=$(parity_rate -b -c100 -t3s --no-keepalive "$url")
    s=$(siege_rate "$url" | tail -1)
    awk -v p="$p" -v s="$s" 'BEGIN { printf "%-44s %12.2f %12.2f %7.0f%%\n", "-b -c100 -t3s /coroutine/fetch vs siege", p, s, 100 * p / s }'
  done
  for run in 1 2 3; do
    w=$(wrk_rate http://127.0.0.1:8321/)
    p=$(parity_rate -b -c50 -t5s http://127.0.0.1:8321/)
    awk -v p="$p" -v w="$w" 'BEGIN { printf "%-44s %12.0f %12.0f %7.0f%%\n", "-b -c50 vs wrk -t1 -c50 on the floor", p, w, 100 * p / w }'
  done
}

case "${1:-}" in
  hello) hello ;;
  generator) generator ;;
  micro) "$bin/bench/micro/parity-micro" --benchmark_min_time=0.2 ;;
  fetch) fetch "${2:-siege}" ;;
  *) echo "usage: bench/run.sh hello | micro | generator | fetch [siege|wrk]" >&2; exit 2 ;;
esac
