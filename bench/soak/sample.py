#!/usr/bin/env python3
"""The soak's sampler (bench/run.sh soak): PID URL SECONDS CSV.

Once a second, for SECONDS: the server's resident memory (VmRSS of /proc/PID/status, KiB), its
open file descriptors (the entries of /proc/PID/fd), its CPU time so far (utime + stime of
/proc/PID/stat, seconds), and whether it answers: GET URL/coroutine/hello on a new connection,
200 within 2 s. A line per sample to CSV: time, rss_kib, fds, cpu_s, healthy. Stops early, with a
last unhealthy line, if the process is gone."""
import http.client, os, sys, time, urllib.parse

pid, url = int(sys.argv[1]), urllib.parse.urlsplit(sys.argv[2])
seconds, csv = float(sys.argv[3]), sys.argv[4]
ticks = os.sysconf("SC_CLK_TCK")


def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ProcessLookupError  # a zombie has no memory: the server has exited, unwaited


def cpu_s():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime: fields 14 and 15


def healthy():
    try:
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=2)
        c.request("GET", "/coroutine/hello")
        ok = c.getresponse().status == 200
        c.close()
        return ok
    except (OSError, http.client.HTTPException):
        return False


start = time.monotonic()
with open(csv, "w") as out:
    out.write("time,rss_kib,fds,cpu_s,healthy\n")
    for tick in range(int(seconds) + 1):
        time.sleep(max(0.0, start + tick - time.monotonic()))
        now = time.monotonic() - start
        try:
            sample = (rss_kib(), len(os.listdir(f"/proc/{pid}/fd")), cpu_s())
        except (FileNotFoundError, ProcessLookupError):
            out.write(f"{now:.1f},,,,0\n")
            sys.exit(f"sample: the server (pid {pid}) is gone")
        ok = healthy()  # after the reading: a slow answer does not shift it
        out.write(f"{now:.1f},{sample[0]},{sample[1]},{sample[2]:.2f},{int(ok)}\n")
        out.flush()
