#!/usr/bin/env bash
# Benchmarks, printed as ratios measured in one run (this machine is noisy; ratios hold up).
#
#   bench/run.sh hello   each style's /hello vs the bare-Beast floor, wrk -t1 -c50 -d5s, alternating;
#                        last, the threadpool style with its pool under --pool-policy normal
#   bench/run.sh micro   each style's machinery per operation vs asio::post (Google Benchmark)
#   bench/run.sh generator
#                        parity siege against Debian's tools: vs siege on /coroutine/fetch (-c100
#                        -t3s, both a new connection per request), and -b -c50 vs wrk on the floor
#   bench/run.sh fetch [siege|wrk]
#                        each style's /fetch, upstream 100ms, 100 users, vs Little's law: siege -b
#                        -c100 -t3S (a new connection per request, as the tutorials ran it), or
#                        wrk -t1 -c100 -d5s (keep-alive, a lighter generator)
#   bench/run.sh log     the access log's cost on /coroutine/hello, wrk -t1 -c50 -d5s, alternating:
#                        logged to a file as a user runs it (buffered, the default), logged a
#                        write per line (--log-buffer 0), and not logged (--no-access-log); each
#                        run's lines are counted against wrk's requests, so none is lost
#   bench/run.sh threads one loop on 1, 2 and 4 threads (parity serve --threads N), on /hello and on
#                        /fetch (upstream 100ms) for the async styles, wrk -t2 -c200 -d5s, with every
#                        socket error and non-2xx answer counted: zero errors is the bar
#   bench/run.sh instructions
#                        what one request costs, counted rather than timed (the same figure on a
#                        busy machine): user-space instructions per request under callgrind and
#                        syscalls per request under strace -c, for nginx and each style, on /hello
#                        with the access log on (to a file, buffered 64 KiB as both default to
#                        here), then on /fetch with the upstream in a process of its own; last,
#                        each peer of bench/peers/ that runs here on /hello (none logs access)
#   bench/run.sh shape   the connection's two shapes side by side: the state machine of
#                        common/http/server/session.cpp and one coroutine per connection
#                        (bench/session_shape/), instructions per /hello request (as
#                        `instructions`) and memory per waiting request (as `parity sweep`)
#   bench/run.sh rate    an open loop: parity siege --rate R -c100 beside h2load --rps R/100 -c100
#                        on /coroutine/hello at rising rates (RATES="..."), each with its share of
#                        a core, then both at 2000/s with the server stopped for 1 s (SIGSTOP)
#   bench/run.sh soak [DURATION]
#                        parity serve --threads 2 for DURATION (90s, 10m, 1h; default 10m) under an
#                        open loop on every style's /fetch and /sleep and clients that misbehave
#                        (bench/soak/); fails on a failed request, a server that stops answering,
#                        or RSS or open fds that grow after the warm-up (bench/soak/verdict.py)
#
# Needs a release build (make build) and Debian's wrk and siege (PARITY_BENCH_DEPS=1
# scripts/install-deps.sh installs them). Everything runs on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release
parity=${PARITY_BIN:-$bin/cli/parity}  # PARITY_BIN=/path/to/parity: a binary built elsewhere
read -r -a styles <<<"${STYLES:-sync callback future coroutine threadpool}"  # STYLES="callback coroutine": fewer
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Every run is set up like two machines: the servers on CPU 0, the load generator on CPU 1, so
# neither takes the other's core and a server's threads hand work to each other on one core.
# PIN=0 lets the system place everything.
if [[ ${PIN:-1} == 1 && $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then
  on_server=(taskset -c 0) on_client=(taskset -c 1)
else
  on_server=() on_client=()
fi

need() { command -v "$1" >/dev/null || { echo "bench: $1 is missing: PARITY_BENCH_DEPS=1 scripts/install-deps.sh" >&2; exit 1; }; }
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench: $1 did not come up" >&2; exit 1; }

wrk_rate() {  # URL -> requests/sec
  "${on_client[@]}" wrk -t1 -c50 -d"${WRK_DURATION:-5s}" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

wrk100_rate() {  # URL -> requests/sec with 100 keep-alive connections
  "${on_client[@]}" wrk -t1 -c100 -d"${WRK_DURATION:-5s}" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

siege_rate() {  # URL -> transactions/sec
  # siege 4 prints its summary as JSON ("transaction_rate": 9.70,) and siege 3 as text. siege 4.0
  # sometimes never exits after a timed run (JoeDog/siege#4): killed after a minute, it still
  # printed its summary.
  { "${on_client[@]}" timeout -s KILL 60 siege -b -c100 -t"${SIEGE_TIME:-3S}" "$1" 2>&1 || true; } |
    awk -F'[:,]' '/"transaction_rate"/ {gsub(/[ \t]/, "", $2); print $2} /Transaction rate:/ {print $2 + 0}'
}

hello() {
  need wrk
  "${on_server[@]}" "$bin/bench/parity-floor" --port 8301 >/dev/null & pids+=($!)
  "${on_server[@]}" "$parity" --log-level warning serve --port 8302 --no-access-log >/dev/null & pids+=($!)
  # The same service with pool threads under the system's default policy, for the last row.
  "${on_server[@]}" "$parity" --log-level warning serve --port 8303 --no-access-log --pool-policy normal >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8301/ && wait_for http://127.0.0.1:8302/sync/hello && wait_for http://127.0.0.1:8303/sync/hello
  printf '%-22s %12s %12s %8s\n' style 'req/s' 'floor req/s' 'ratio'
  for row in "${styles[@]}" "threadpool (normal)"; do
    case $row in
      "threadpool (normal)") url=http://127.0.0.1:8303/threadpool/hello ;;
      *) url="http://127.0.0.1:8302/$row/hello" ;;
    esac
    floor=$(wrk_rate http://127.0.0.1:8301/)        # the floor right before each row
    rate=$(wrk_rate "$url")
    awk -v s="$row" -v r="$rate" -v f="$floor" 'BEGIN { printf "%-22s %12.0f %12.0f %7.0f%%\n", s, r, f, 100 * r / f }'
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
  "${on_server[@]}" "$parity" --log-level warning upstream --port 8311 --latency ${latency_ms}ms >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8311/
  echo "upstream ${latency_ms}ms, ${users} users ($how), --max-clients 0, --pool ${pool}"
  printf '%-15s %10s %14s %9s %12s\n' row 'trans/s' 'limit trans/s' 'of limit' 'of ceiling'
  # The ceiling: the generator straight at the upstream, the most any server could show through it.
  ceiling=$($rate_of "http://127.0.0.1:8311/delay?ms=${latency_ms}")
  awk -v r="$ceiling" -v l="$latency_ms" -v u="$users" \
    'BEGIN { limit = u * 1000 / l; printf "%-15s %10.2f %14.0f %8.0f%% %11s\n", "ceiling", r, limit, 100 * r / limit, "-" }'
  for style in "${styles[@]}"; do
    # A fresh server per style: the sync run leaves a backlog that would stall the next one.
    "${on_server[@]}" "$parity" --log-level warning serve --port 8312 --upstream http://127.0.0.1:8311 --max-clients 0 \
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
  "${on_client[@]}" "$parity" siege -j "$@" 2>/dev/null | awk -F'[:,]' '/"transaction_rate"/ {gsub(/[ \t]/, "", $2); print $2}'
}

generator() {
  need siege; need wrk
  "${on_server[@]}" "$parity" --log-level warning serve --port 8322 --max-clients 0 --no-access-log >/dev/null & pids+=($!)
  "${on_server[@]}" "$bin/bench/parity-floor" --port 8321 >/dev/null & pids+=($!)
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

wrk_errors() {  # wrk's output -> "req/s errors": socket errors of every kind plus non-2xx answers
  awk '/^Requests\/sec:/ {rate = $2}
       /Socket errors:/ {gsub(/,/, ""); errors += $4 + $6 + $8 + $10}
       /Non-2xx or 3xx responses:/ {errors += $5}
       END {printf "%s %d\n", rate, errors}'
}

threads() {
  need wrk
  # Several loop threads on one pinned core would measure nothing: the servers run unpinned here.
  "$parity" --log-level warning upstream --port 8331 --latency 100ms >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8331/
  printf '%-8s %-22s %12s %8s\n' threads row 'req/s' 'errors'
  for n in 1 2 4; do
    "$parity" --log-level warning serve --port 8332 --threads $n --upstream http://127.0.0.1:8331 \
      --max-clients 0 --no-access-log >/dev/null & local server=$!
    wait_for http://127.0.0.1:8332/
    for endpoint in hello fetch; do
      for style in callback future coroutine; do
        read -r rate errors < <(wrk -t2 -c200 -d"${WRK_DURATION:-5s}" "http://127.0.0.1:8332/$style/$endpoint" | wrk_errors)
        printf '%-8s %-22s %12.0f %8d\n' "$n" "/$style/$endpoint" "$rate" "$errors"
      done
    done
    kill $server; wait $server 2>/dev/null || true
  done
}

access_log() {
  need wrk
  local dir; dir=$(mktemp -d)
  printf '%-40s %12s %10s %14s\n' 'access log' 'requests/s' 'x no log' 'lines/requests'
  local ratios_buffered=() ratios_unbuffered=()
  for run in 1 2 3 4 5; do
    local none=0
    for mode in none buffered unbuffered; do
      local flags=()
      case $mode in
        none) flags=(--no-access-log) ;;
        unbuffered) flags=(--log-buffer 0) ;;
      esac
      "${on_server[@]}" "$parity" serve --port 8341 "${flags[@]}" >/dev/null 2>"$dir/$mode.log" &
      local server=$!
      wait_for http://127.0.0.1:8341/coroutine/hello
      local out; out=$("${on_client[@]}" wrk -t1 -c50 -d"${WRK_DURATION:-5s}" http://127.0.0.1:8341/coroutine/hello)
      kill $server; wait $server 2>/dev/null || true  # SIGTERM: the buffer is written out
      local rate; rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
      local requests; requests=$(awk '/requests in/ {print $1}' <<<"$out")
      local lines; lines=$(grep -c ' GET /coroutine/hello ' "$dir/$mode.log" || true)
      [[ $mode == none ]] && none=$rate
      [[ $mode == buffered ]] && ratios_buffered+=("$(awk -v r="$rate" -v n="$none" 'BEGIN {print 100 * r / n}')")
      [[ $mode == unbuffered ]] && ratios_unbuffered+=("$(awk -v r="$rate" -v n="$none" 'BEGIN {print 100 * r / n}')")
      awk -v m="$mode" -v r="$rate" -v n="$none" -v l="$lines" -v q="$requests" 'BEGIN {
        printf "%-40s %12.0f %9.0f%% %14s\n", m, r, 100 * r / n, (m == "none" ? "-" : l "/" q) }'
    done
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
  printf 'median x no log: buffered %.0f%%, a write per line %.0f%%\n' \
    "$(median "${ratios_buffered[@]}")" "$(median "${ratios_unbuffered[@]}")"
  rm -rf "$dir"
}

# ---- instructions: the cost of one request, counted ---------------------------------------------
# Each server runs alone; after a warm-up, N requests go over one keep-alive connection (parity
# siege -c1 -r N), so a figure is one request's share of everything the server did meanwhile.
count_requests=${COUNT_REQUESTS:-1000}
warm_requests=${WARM_REQUESTS:-2000}

per_request_instructions() {  # URL CMD... -> user-space instructions per request
  local url=$1; shift
  local out="$work/callgrind.out"
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out.%p" "$@" >/dev/null 2>"$work/server.log" &
  local pid=$!
  local up=0
  for _ in $(seq 600); do curl -s -o /dev/null "$url" && { up=1; break; }; sleep 0.1; done
  if [[ $up == 0 ]]; then  # prints no figure: the caller says the row failed
    echo "bench: $url did not come up under callgrind in 60 s: $(tail -c 300 "$work/server.log")" >&2
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    return 0
  fi
  # Warm: caches, pools, the allocator, and a JIT's tiers (Node.js compiles a function after
  # some thousand calls).
  "$parity" siege -b -c1 -r "$warm_requests" "$url" >/dev/null 2>&1
  callgrind_control -i on "$pid" >/dev/null 2>&1
  "$parity" siege -b -c1 -r "$count_requests" "$url" >/dev/null 2>&1
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v n="$count_requests" '/^(summary|totals):/ {print $2 / n; exit}' "$out.$pid".1 2>/dev/null
  rm -f "$out".*
}

per_request_syscalls() {  # URL CMD... -> syscalls per request, every thread of the server
  local url=$1; shift
  "$@" >/dev/null 2>"$work/server.log" &  # Parity's access log is its stderr, written to a file
  local pid=$!
  wait_for "$url"
  "$parity" siege -b -c1 -r "$warm_requests" "$url" >/dev/null 2>&1
  strace -c -f -q -p "$pid" -o "$work/strace.out" & local tracer=$!
  sleep 0.5  # strace attaches to every thread before the count starts
  "$parity" siege -b -c1 -r "$count_requests" "$url" >/dev/null 2>&1
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  awk -v n="$count_requests" '$NF == "total" {print $4 / n}' "$work/strace.out"  # % s us/call calls
}

nginx_config() {  # DIR PORT: nginx in the foreground, one process, /hello, a buffered access log
  cat >"$1/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
error_log $1/error.log; pid $1/nginx.pid;
events { worker_connections 1024; }
http {
  access_log $1/access.log combined buffer=64k flush=1s;
  server {
    listen 127.0.0.1:$2;
    location = /hello { default_type text/plain; return 200 "Hello, world"; }
  }
}
CONF
}

instructions() {
  need valgrind; need callgrind_control; need strace; need nginx
  work=$(mktemp -d); trap 'cleanup; rm -rf "$work"' EXIT
  nginx_config "$work" 8351
  local serve=("$parity" serve --port 8352 --threads 1)
  echo "per request, over $count_requests requests on one keep-alive connection, access log on"
  printf '%-24s %14s %8s %14s\n' server instructions 'x nginx' syscalls
  local nginx_i; nginx_i=$(per_request_instructions http://127.0.0.1:8351/hello nginx -p "$work" -c "$work/nginx.conf")
  local nginx_s; nginx_s=$(per_request_syscalls http://127.0.0.1:8351/hello nginx -p "$work" -c "$work/nginx.conf")
  printf '%-24s %14.0f %8s %14.2f\n' "nginx /hello" "$nginx_i" 1.00 "$nginx_s"
  for style in "${styles[@]}"; do
    local url="http://127.0.0.1:8352/$style/hello"
    local i; i=$(per_request_instructions "$url" "${serve[@]}")
    local s; s=$(per_request_syscalls "$url" "${serve[@]}")
    printf '%-24s %14.0f %8.2f %14.2f\n' "/$style/hello" "$i" "$(awk -v a="$i" -v b="$nginx_i" 'BEGIN {print a / b}')" "$s"
  done
  "$parity" --log-level warning upstream --port 8353 --latency 0ms >/dev/null & pids+=($!)
  wait_for http://127.0.0.1:8353/
  for style in "${styles[@]}"; do
    local url="http://127.0.0.1:8352/$style/fetch"
    # The blocking log off: under callgrind a sync /fetch holds the loop 50 times longer than it
    # does natively, past the threshold, and naming its stack would be counted as its cost.
    local up=(--upstream http://127.0.0.1:8353 --max-clients 0 --blocking-log-threshold 0ms)
    local i; i=$(per_request_instructions "$url" "${serve[@]}" "${up[@]}")
    local s; s=$(per_request_syscalls "$url" "${serve[@]}" "${up[@]}")
    printf '%-24s %14.0f %8s %14.2f\n' "/$style/fetch" "$i" - "$s"
  done
  peer_instructions "$nginx_i"
}

peer_argv() {  # PEER -> sets argv to run it on port 8354, or says why it cannot and fails
  local peers=bench/peers
  case $1 in
    go) argv=("$peers/go/build/server") why="not built: bench/peers/build.sh" ;;
    rust) argv=("$peers/rust/target/release/server") why="not built: bench/peers/build.sh" ;;
    node) argv=(node "$peers/node/server.js") why="nodejs is not installed" ;;
    aiohttp) argv=(/usr/bin/python3 "$peers/aiohttp/server.py") why="python3-aiohttp is not installed" ;;
  esac
  case $1 in
    go | rust) [[ -x ${argv[0]} ]] ;;
    node) command -v node >/dev/null ;;
    aiohttp) /usr/bin/python3 -c 'import aiohttp' 2>/dev/null ;;
  esac || { printf '%-24s skipped: %s\n' "$1 /hello" "$why"; return 1; }
  argv+=(--port 8354 --upstream http://127.0.0.1:8353)
}

peer_instructions() {  # NGINX_INSTRUCTIONS: each peer's /hello, as the rows above
  local peer argv why
  # Go's asynchronous preemption is a signal callgrind cannot deliver in order; a /hello handler
  # never runs long enough to be preempted, so turning it off changes nothing counted. One thread
  # each, as `parity serve --threads 1` above (Node.js and Python run handlers on one anyway).
  local -x GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 TOKIO_WORKER_THREADS=1
  for peer in go rust node aiohttp; do
    peer_argv "$peer" || continue
    local url=http://127.0.0.1:8354/hello
    local i; i=$(per_request_instructions "$url" "${argv[@]}")
    if [[ -z $i ]]; then
      printf '%-24s failed under callgrind: %s\n' "$peer /hello" "$(tail -c 200 "$work/server.log" | tr '\n' ' ')"
      continue
    fi
    local s; s=$(per_request_syscalls "$url" "${argv[@]}")
    printf '%-24s %14.0f %8.2f %14.2f\n' "$peer /hello" "$i" "$(awk -v a="$i" -v b="$1" 'BEGIN {print a / b}')" "$s"
  done
}

shape() {  # the state machine (parity serve) against one coroutine per connection
  need valgrind; need callgrind_control; need python3
  work=$(mktemp -d); trap 'cleanup; rm -rf "$work"' EXIT
  local machine=("$parity" serve --port 8362 --threads 1)
  local coroutine=("$bin/bench/parity-session-shape" --port 8362 --threads 1)
  echo "instructions per /hello request (access log on), bytes per waiting /sleep request (4000)"
  printf '%-12s %18s %18s %16s %16s\n' style 'machine instr' 'coroutine instr' 'machine bytes' 'coroutine bytes'
  for style in callback future coroutine; do
    local url="http://127.0.0.1:8362/$style/hello"
    local mi; mi=$(per_request_instructions "$url" "${machine[@]}")
    local ci; ci=$(per_request_instructions "$url" "${coroutine[@]}")
    local mb cb
    mb=$(waiting_memory "$style" "${machine[@]}" --no-access-log)
    cb=$(waiting_memory "$style" "${coroutine[@]}")
    printf '%-12s %18.0f %18.0f %16s %16s\n' "$style" "$mi" "$ci" "$mb" "$cb"
  done
}

waiting_memory() {  # STYLE CMD... -> bytes per waiting request on /STYLE/sleep
  local style=$1; shift
  "${on_server[@]}" "$@" >/dev/null 2>"$work/server.log" &
  local pid=$!
  wait_for "http://127.0.0.1:8362/$style/hello"
  "${on_client[@]}" python3 bench/session_shape/waiting_memory.py "$pid" 8362 "/$style/sleep"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# An open loop's figures: parity siege --rate R -c100 -j -> achieved/s, corrected p50, p99 and
# p99.9 and uncorrected p99 (ms), and the generator's share of a core.
parity_open_loop() {  # RATE URL [DURATION]
  local out; out=$(mktemp)
  TIMEFORMAT='%U %S %R'
  { time "${on_client[@]}" "$parity" siege -j --rate "$1" -c100 -t "${3:-5s}" "$2" >"$out" 2>/dev/null; } 2>"$out.time"
  python3 - "$out" "$out.time" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
user, system, real = map(float, open(sys.argv[2]).read().split())
ms = lambda k: 1000 * j[k]
print(f"{j['achieved_rate']:10.0f} {ms('response_time_p50'):9.2f} {ms('response_time_p99'):9.2f} "
      f"{ms('response_time_p999'):9.2f} {ms('response_time_p99_uncorrected'):9.2f} {100 * (user + system) / real:6.0f}%")
PY
  rm -f "$out" "$out.time"
}

# h2load's at the same rate: --rps is per connection, so R/100 on 100. It reports no percentiles:
# achieved/s, mean and max (ms), measured from each request's send, and its share of a core.
h2load_open_loop() {  # RATE URL [SECONDS]
  local out; out=$(mktemp)
  TIMEFORMAT='%U %S %R'
  { time "${on_client[@]}" h2load --h1 -c100 -D "${3:-5}" --rps "$(awk -v r="$1" 'BEGIN { print r / 100 }')" "$2" >"$out" 2>/dev/null; } 2>"$out.time"
  python3 - "$out" "$out.time" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
user, system, real = map(float, open(sys.argv[2]).read().split())
rate = float(re.search(r"finished in [\d.]+s, ([\d.]+) req/s", text).group(1))
unit = {"us": 1e-3, "ms": 1.0, "s": 1e3}
times = re.search(r"time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", text)
maximum = float(times.group(3)) * unit[times.group(4)]
mean = float(times.group(5)) * unit[times.group(6)]
print(f"{rate:10.0f} {'-':>9} {'-':>9} {'-':>9} {'mean ' + format(mean, '.2f'):>9} {100 * (user + system) / real:6.0f}%  max {maximum:.2f} ms")
PY
  rm -f "$out" "$out.time"
}

rate() {  # parity siege --rate beside h2load --rps: the rates they keep, then a stalled server
  need h2load
  "${on_server[@]}" "$parity" --log-level warning serve --port 8372 --no-access-log >/dev/null & pids+=($!)
  local server=$!
  local url=http://127.0.0.1:8372/coroutine/hello
  wait_for "$url"
  printf '%-26s %10s %9s %9s %9s %9s %7s\n' "/coroutine/hello, -c100, 5s" 'achieved' 'p50 ms' 'p99 ms' 'p99.9 ms' 'raw p99' 'CPU'
  for r in ${RATES:-1000 5000 10000 20000 40000}; do
    printf '%-26s %s\n' "parity siege --rate $r" "$(parity_open_loop "$r" "$url")"
    printf '%-26s %s\n' "h2load --rps $(awk -v r="$r" 'BEGIN { print r / 100 }') (x100)" "$(h2load_open_loop "$r" "$url")"
  done
  # wrk2's experiment: 2000 requests a second, and the server stopped (SIGSTOP) for 1 s from 2 s
  # into a 6 s run. The corrected p99 shows the stall; a latency from each send hides it.
  for tool in parity h2load; do
    ( sleep 2; kill -STOP "$server"; sleep 1; kill -CONT "$server" ) &
    if [[ $tool == parity ]]; then
      printf '%-26s %s\n' "stalled: parity siege" "$(parity_open_loop 2000 "$url" 6s)"
    else
      printf '%-26s %s\n' "stalled: h2load" "$(h2load_open_loop 2000 "$url" 6)"
    fi
    wait $!
  done
}

# ---- soak: a long run under mixed load, watched for leaks ----------------------------------------
seconds_of() {  # 90s, 10m, 1h or a bare number of seconds -> seconds
  [[ $1 =~ ^([0-9]+)([smh]?)$ ]] || { echo "bench: soak takes a duration: 90s, 10m, 1h" >&2; exit 2; }
  local n=${BASH_REMATCH[1]}
  case ${BASH_REMATCH[2]} in m) n=$((n * 60)) ;; h) n=$((n * 3600)) ;; esac
  ((n >= 60)) || { echo "bench: a soak lasts 60s at least (30 s of warm-up, then two halves)" >&2; exit 2; }
  echo "$n"
}

listening_url() {  # FILE -> the http://127.0.0.1:PORT a parity process wrote there it listens on
  for _ in $(seq 100); do
    local url; url=$(grep -om1 'on http://127\.0\.0\.1:[0-9]*' "$1" | cut -c4- || true)
    [[ -n $url ]] && { echo "$url"; return 0; }
    sleep 0.05
  done
  echo "bench: no address in $1" >&2; exit 1
}

resident() {  # PID -> its RSS in KiB and its count of open fds
  echo "$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") $(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l)"
}

cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); print ($12 + $13) / t}' "/proc/$1/stat"; }

# The rates are what each style keeps with a wide margin on 2 loop threads, so that a failure
# means a fault and not an overload (bench/README.md, `soak`): sync holds a loop thread for the
# whole request (2 fetches and 5 sleeps a second, with the hang-ups', hold half of one), the
# threadpool's 5 pool threads hold 20 fetches (100 ms) and 20 sleeps (50 ms) a second at 60%,
# the async styles wait without holding anything. /fetch keeps its connections alive (a
# request's path: handler, upstream client); /sleep opens one per request (a connection's path:
# accept, session, close).
soak_rate() {  # STYLE ENDPOINT -> requests/s and connections for parity siege
  case $1:$2 in
    sync:fetch) echo 2 10 ;;
    sync:sleep) echo 5 10 ;;
    threadpool:*) echo 20 20 ;;
    *) echo 100 50 ;;
  esac
}

# The verdict (bench/soak/verdict.py) fails on a failed request, a failed health check, a server
# that exited, a misbehaving connection answered or left open past its timeout, or a leak:
# warm-up = the first 20% of the run, at least 30 s; the rest split in two halves by time; a leak
# if the second half's median RSS exceeds the first's by more than 5% + 2 MiB, or its median
# count of open fds by more than 8.
soak() {  # [DURATION]
  need python3; need curl
  local secs; secs=$(seconds_of "${1:-10m}")
  local work; work=$(mktemp -d /tmp/parity-soak.XXXXXX)
  echo "soak: ${secs} s, parity serve --threads 2, work dir $work"
  # Unpinned: two loop threads on one pinned core would serve as one (as in `threads`).
  "$parity" --log-level warning upstream --port 0 --latency 100ms >"$work/upstream.out" 2>&1 & pids+=($!)
  local upstream=$! upstream_url; upstream_url=$(listening_url "$work/upstream.out")
  # Timeouts of 5 s cut a misbehaving client off within seconds. The blocking log is off: naming
  # a stack reads the program's debug information unit by unit as new code shows up in one (60 MB
  # at the first, then steps of 4 to 8 MB when a new stack is named, say an async style's caught
  # while this busy machine held its thread), bounded but not told apart from a leak by RSS
  # (bench/README.md, `soak`).
  "$parity" --log-level warning serve --host 127.0.0.1 --port 0 --threads 2 --max-clients 0 \
    --upstream "$upstream_url" --idle-timeout 5s --body-timeout 5s --grace 2s --no-access-log \
    --blocking-log-threshold 0ms >"$work/server.out" 2>"$work/server.log" & pids+=($!)
  local server=$! url; url=$(listening_url "$work/server.out")
  wait_for "$url/coroutine/hello"
  echo "before $(resident "$server")" >"$work/idle"
  local clients=() style endpoint
  for style in "${styles[@]}"; do
    for endpoint in fetch sleep; do
      local rate users; read -r rate users < <(soak_rate "$style" "$endpoint")
      local target="$url/$style/$endpoint" flags=(--timeout 10)
      [[ $endpoint == sleep ]] && target+="?ms=50" flags+=(--no-keepalive)
      "$parity" siege -j --rate "$rate" -c "$users" -t "${secs}s" "${flags[@]}" "$target" \
        >"$work/siege.$style.$endpoint.json" 2>"$work/siege.$style.$endpoint.log" & pids+=($!) clients+=($!)
    done
  done
  python3 bench/soak/misbehave.py "$url" "$secs" 5 5 "$work/misbehave.json" >"$work/misbehave.log" 2>&1 &
  pids+=($!) clients+=($!)
  python3 bench/soak/sample.py "$server" "$url" "$secs" "$work/samples.csv" >"$work/sample.log" 2>&1 &
  local sampler=$!; pids+=($!) clients+=($!)
  local shown=0 last
  while kill -0 "$sampler" 2>/dev/null; do  # a line a minute, so a long run shows it is alive
    sleep 5
    last=$(tail -n1 "$work/samples.csv" 2>/dev/null || true)
    [[ $last =~ ^([0-9]+)[^,]*,([0-9]*),([0-9]*),[^,]*,([01])$ ]] || continue
    ((BASH_REMATCH[1] >= shown + 60)) || continue
    shown=${BASH_REMATCH[1]}
    echo "soak: ${shown} s, RSS ${BASH_REMATCH[2]} KiB, ${BASH_REMATCH[3]} fds, healthy ${BASH_REMATCH[4]}"
  done
  for p in "${clients[@]}"; do wait "$p" || true; done  # their own verdicts are in their files
  sleep 2  # time for the last connections to close, before the server is read "after"
  # CPU, for the note that the load leaves the machine mostly idle: the clients' from `times`
  # (every child waited for), the servers' from /proc before they stop.
  local state; state=$(awk '/^State:/ {print $2}' "/proc/$server/status" 2>/dev/null || true)
  if [[ -z $state || $state == Z ]]; then
    touch "$work/server.died"
  else
    echo "after $(resident "$server")" >>"$work/idle"
  fi
  times >"$work/times"  # not in a pipe: a subshell's children are not these
  {
    echo "elapsed $secs"
    [[ -f $work/server.died ]] || echo "server $(cpu_seconds "$server")"
    echo "upstream $(cpu_seconds "$upstream")"
    awk 'NR == 2 { split($1 " " $2, t, /[ms ]/); print "clients", t[1] * 60 + t[2] + t[4] * 60 + t[5] }' "$work/times"
  } >"$work/cpu"
  kill "$server" "$upstream" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  python3 bench/soak/verdict.py "$work" "$secs"
}

case "${1:-}" in
  hello) hello ;;
  log) access_log ;;
  threads) threads ;;
  generator) generator ;;
  micro) "$bin/bench/micro/parity-micro" --benchmark_min_time=0.2 ;;
  fetch) fetch "${2:-siege}" ;;
  instructions) instructions ;;
  shape) shape ;;
  rate) rate ;;
  soak) soak "${2:-10m}" ;;
  *) echo "usage: bench/run.sh hello | micro | generator | fetch [siege|wrk] | threads | log | instructions | shape | rate | soak [DURATION]" >&2; exit 2 ;;
esac
