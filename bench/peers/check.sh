#!/usr/bin/env bash
# Starts `parity upstream` and each peer that is built, on free ports, and checks their answers:
# /hello, /sleep, a refused /sleep, /fetch, and /fetch once the upstream is stopped (502).
# One line per check; exits non-zero if any failed.
#
#   bench/peers/check.sh [PARITY]    PARITY: the parity binary ($PARITY, build/release/cli/parity)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
parity=${1:-${PARITY:-$here/../../build/release/cli/parity}}
if [[ ! -x $parity ]]; then
  echo "no parity binary at $parity: give its path as \$1 or \$PARITY" >&2
  exit 2
fi
command -v curl >/dev/null || { echo "check.sh needs curl (apt-get install curl)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME COMMAND...: starts it, waits for its first line and sets $port from it.
start() {
  local name=$1 line
  "${@:2}" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    if [[ $(wc -l <"$work/$name.out") -ge 1 ]]; then
      line=$(head -n1 "$work/$name.out")
      [[ $line =~ (listening on |127\.0\.0\.1:)([0-9]+) ]] && { port=${BASH_REMATCH[2]}; return; }
      break
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAILED  $name did not start: $(cat "$work/$name".{out,err} | head -c 300 | tr '\n' ' ')"
  exit 1
}

failures=0
# check PEER WHAT URL STATUS TEXT [SECONDS]: the answer has that status, contains TEXT and took
# at least SECONDS.
check() {
  local peer=$1 what=$2 url=$3 status=$4 text=$5 least=${6:-0} got took
  read -r got took < <(curl -s --max-time 15 -o "$work/body" -w '%{http_code} %{time_total}\n' \
    "$url" || true)
  if [[ $got == "$status" ]] && grep -qF -- "$text" "$work/body" \
    && awk -v took="$took" -v least="$least" 'BEGIN { exit !(took >= least) }'; then
    printf 'ok      %-8s %s\n' "$peer" "$what"
  else
    printf 'FAILED  %-8s %s: %s in %s s, wanted %s with "%s": %s\n' "$peer" "$what" \
      "${got:-no answer}" "${took:-?}" "$status" "$text" \
      "$(head -c 120 "$work/body" | tr '\n' ' ')"
    failures=$((failures + 1))
  fi
}

start upstream "$parity" upstream --port 0 --latency 100ms
upstream_pid=${pids[-1]}
upstream="http://127.0.0.1:$port"

# runnable PEER: sets argv to the command that runs PEER, or says why it cannot and fails.
runnable() {
  case $1 in
    go) argv=("$here/go/build/server") why="not built (bench/peers/build.sh)" ;;
    rust) argv=("$here/rust/target/release/server") why="not built (bench/peers/build.sh)" ;;
    node) argv=(node "$here/node/server.js") why="nodejs is not installed" ;;
    aiohttp)
      argv=(/usr/bin/python3 "$here/aiohttp/server.py") why="python3-aiohttp is not installed" ;;
  esac
  case $1 in
    go | rust) [[ -x ${argv[0]} ]] ;;
    node) command -v node >/dev/null ;;
    aiohttp) /usr/bin/python3 -c 'import aiohttp' 2>/dev/null ;;
  esac || { echo "skipped $1: $why"; return 1; }
}

declare -A ports=()
for peer in go rust node aiohttp; do
  runnable "$peer" || continue
  # The Tornado peer's argv: --max-clients and --pool are accepted and ignored.
  start "$peer" "${argv[@]}" --upstream "$upstream" --port 0 --max-clients 10 --pool 5
  ports[$peer]=$port
done
[[ ${#ports[@]} -gt 0 ]] || { echo "FAILED  no peer to check: run bench/peers/build.sh"; exit 1; }

for peer in go rust node aiohttp; do
  [[ -n ${ports[$peer]:-} ]] || continue
  url="http://127.0.0.1:${ports[$peer]}"
  check "$peer" "/hello: 200, Hello, world" "$url/hello" 200 "Hello, world"
  check "$peer" "/sleep?ms=50: 200 after 50 ms" "$url/sleep?ms=50" 200 '"slept_ms": 50' 0.05
  check "$peer" "/sleep?ms=-1: 400" "$url/sleep?ms=-1" 400 "ms must be within 0..10000"
  check "$peer" "/fetch: 200, the Time Cost page" "$url/fetch" 200 "<title>Time Cost</title>"
done

kill "$upstream_pid"
wait "$upstream_pid" 2>/dev/null || true
for peer in go rust node aiohttp; do
  [[ -n ${ports[$peer]:-} ]] || continue
  check "$peer" "/fetch, upstream stopped: 502" "http://127.0.0.1:${ports[$peer]}/fetch" 502 \
    "upstream failed"
done

[[ $failures -eq 0 ]] || { echo "$failures check(s) FAILED"; exit 1; }
echo "all checks passed"
