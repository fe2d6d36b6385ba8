#!/usr/bin/env bash
# Runs each fuzz target (or those named) for FUZZ_SECONDS under nice, one at a time: `make fuzz`.
#   tests/fuzz/run.sh BUILD_DIR [TARGET...]
# Each starts from the repository's seeds plus what earlier runs found (build/.../fuzz-corpus/,
# never the repository's folder), and a crash is saved as build/.../fuzz-crashes/TARGET-crash-*.
# Prints executions, edges (cov) and features per target; exits 1 if any target found something.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [TARGET...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-180}
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(request_header chunked_body multipart arguments response json)
mkdir -p "$build/fuzz-crashes"
status=0
for target in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$target
  log=$build/fuzz-crashes/$target.log
  mkdir -p "$corpus"
  echo "== $target: ${seconds}s"
  # -max_len: a header over the targets' 2 KiB limit, and a body over their 1 KiB one, fit.
  # detect_leaks: a leak is a finding too.
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      nice -n 19 "$build/tests/fuzz/fuzz_$target" "$corpus" "$here/corpus/$target" \
      -dict="$here/http.dict" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-crashes/$target-" >"$log" 2>&1; then
    status=1
    echo "   FOUND something: $(ls "$build/fuzz-crashes/$target-"* 2>/dev/null | tr '\n' ' ')"
    grep -m3 -E "ERROR|invariant failed|runtime error" "$log" | sed 's/^/   /' || true
  fi
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
  echo "   executions ${execs:-?}, edges (cov) ${cov:-?}, features ${ft:-?}; log $log"
done
exit $status
