#!/usr/bin/env python3
"""The soak's verdict (bench/run.sh soak): WORK SECONDS. Prints the summary, then one line:
"soak: PASS" (exit 0) or "soak: FAIL: why" (exit 1).

WORK holds siege.STYLE.ENDPOINT.json (each parity siege --rate -j run), misbehave.json,
samples.csv (bench/soak/sample.py), idle (RSS and fds before and after the load), cpu (seconds
of CPU per process group), server.log, and server.died if the server exited before the end.

It fails if a siege run failed a request (an error, a timeout or an answer not 2xx) or printed no
summary, if a misbehaving client's well-formed exchange failed or a misbehaving connection was
answered with anything but an error (garbage: but a 4xx) or left open past its timeout, if a
health check failed, if the server exited, or on a leak:
  warm-up = the first 20% of the run, at least 30 s; the samples after it split in two halves by
  time; a leak if the second half's median RSS exceeds the first half's by more than 5% + 2 MiB,
  or its median count of open fds exceeds the first half's by more than 8.
Medians, so that a burst of connections at one moment does not count as growth."""
import csv, glob, json, os, statistics, sys

work, seconds = sys.argv[1], float(sys.argv[2])
failures = []

print(f"{'requests':22} {'asked/s':>8} {'done/s':>8} {'answered':>9} {'failed':>7} "
      f"{'not 2xx':>8} {'p99 ms':>8}")
total = total_failed = 0
for path in sorted(glob.glob(f"{work}/siege.*.json")):
    _, style, endpoint, _ = os.path.basename(path).split(".")
    try:
        with open(path) as f:
            s = json.load(f)
    except (OSError, ValueError):
        failures.append(f"/{style}/{endpoint}: parity siege printed no summary")
        continue
    not_2xx = s["transactions"] - s["successful_transactions"]
    failed = s["failed_transactions"] + not_2xx
    total, total_failed = total + s["transactions"], total_failed + failed
    print(f"{'/' + style + '/' + endpoint:22} {s['asked_rate']:8.0f} {s['achieved_rate']:8.1f} "
          f"{s['transactions']:9d} {s['failed_transactions']:7d} {not_2xx:8d} "
          f"{1000 * s['response_time_p99']:8.1f}")
    if failed:
        sent = s["transactions"] + s["failed_transactions"]
        failures.append(f"/{style}/{endpoint}: {failed} of {sent} requests failed")
print(f"{'all':22} {'':8} {'':8} {total:9d} {total_failed:7d}")

try:
    with open(f"{work}/misbehave.json") as f:
        m = json.load(f)
    for behaviour, outcomes in m["counts"].items():
        print(f"misbehaving {behaviour:9} " + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    if m["failed_well_formed"]:
        failures.append(f"misbehaving clients: {m['failed_well_formed']} well-formed "
                        "exchanges failed (misbehave.log)")
    if m["unexpected"]:
        failures.append(f"misbehaving clients: {m['unexpected']} unexpected outcomes "
                        "(misbehave.log)")
except (OSError, ValueError, KeyError):
    failures.append("misbehaving clients: no summary (misbehave.log)")

with open(f"{work}/samples.csv") as f:
    rows = list(csv.DictReader(f))
unhealthy = [r for r in rows if r["healthy"] != "1"]
print(f"health: {len(rows)} samples, {len(unhealthy)} without a 200 within 2 s"
      + (f" (first at {unhealthy[0]['time']} s)" if unhealthy else ""))
if unhealthy:
    failures.append(f"health: {len(unhealthy)} of {len(rows)} checks failed, "
                    f"the first at {unhealthy[0]['time']} s")

warmup = max(30.0, 0.2 * seconds)
after = [r for r in rows if float(r["time"]) >= warmup and r["rss_kib"]]
middle = warmup + (seconds - warmup) / 2
first = [r for r in after if float(r["time"]) < middle]
second = [r for r in after if float(r["time"]) >= middle]
if len(first) < 10 or len(second) < 10:
    failures.append(f"leak: too few samples after the warm-up ({len(first)} and {len(second)})")
else:
    print(f"warm-up {warmup:.0f} s; halves {warmup:.0f}-{middle:.0f} s, "
          f"{middle:.0f}-{seconds:.0f} s")
    print(f"{'':8} {'warm-up end':>11} {'1st median':>11} {'2nd median':>11} {'max':>8} {'end':>8}")
    limits = [("rss_kib", "RSS KiB", lambda m: 1.05 * m + 2048), ("fds", "fds", lambda m: m + 8)]
    for key, unit, limit in limits:
        values = [int(r[key]) for r in after]
        one = statistics.median(int(r[key]) for r in first)
        two = statistics.median(int(r[key]) for r in second)
        print(f"{unit:8} {values[0]:11d} {one:11.0f} {two:11.0f} {max(values):8d} {values[-1]:8d}")
        if two > limit(one):
            failures.append(f"leak: the median {unit} grew from {one:.0f} to {two:.0f} "
                            f"(limit {limit(one):.0f})")

try:
    with open(f"{work}/idle") as f:
        idle = {w: (int(r), int(n)) for w, r, n in (line.split() for line in f)}
    # After, the upstream connections kept alive stay open, and so do the private loop and
    # client of each thread that made a blocking fetch (common/http/client/client.cpp): 3 fds a thread.
    print("no load: " + ", ".join(f"{w} {r} KiB, {n} fds" for w, (r, n) in idle.items()))
except (OSError, ValueError):
    pass

try:
    with open(f"{work}/cpu") as f:
        cpu = dict(line.split() for line in f)
    elapsed = float(cpu.pop("elapsed"))
    print("CPU, share of one core: "
          + ", ".join(f"{k} {100 * float(v) / elapsed:.0f}%" for k, v in cpu.items()))
except (OSError, ValueError, KeyError):
    pass

levels = {}
with open(f"{work}/server.log", errors="replace") as f:
    for line in f:
        if line.startswith("[") and line[2:3] == " ":
            levels[line[1]] = levels.get(line[1], 0) + 1
print("server log: "
      + (", ".join(f"{n} [{k}] lines" for k, n in sorted(levels.items())) or "empty"))
if os.path.exists(f"{work}/server.died"):  # first: it explains the rest
    failures.insert(0, "the server exited before the end of the run (server.log)")

for why in failures:
    print(f"failed: {why}")
if failures:
    more = f" (and {len(failures) - 1} more above)" if len(failures) > 1 else ""
    print(f"soak: FAIL: {failures[0]}{more}")
else:
    print("soak: PASS")
sys.exit(1 if failures else 0)
