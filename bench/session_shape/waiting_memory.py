#!/usr/bin/env python3
"""Memory per waiting request of a server already running: PID PORT PATH [N].

As `parity sweep` reads it (bench/sweep/sweep.cpp, measure_memory): 100 requests answered to warm
up, the RSS settled; then N connections (4000) each with `GET PATH?ms=10000` sent, the RSS settled
again, every request checked to be still waiting; prints the growth divided by N, in bytes."""
import select, socket, sys, time

def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024

def settled(pid, patience):
    deadline, last, steady = time.time() + patience, rss(pid), 0
    while steady < 3 and time.time() < deadline:
        time.sleep(0.1)
        now = rss(pid)
        steady = steady + 1 if abs(now - last) <= 4096 else 0
        last = now
    return last

def send(port, target, count):
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: parity-sweep\r\n\r\n".encode()
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(request)
        sockets.append(s)
    return sockets

pid, port, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 4000
for s in send(port, f"{path}?ms=50", 100):
    if not s.recv(64).startswith(b"HTTP/1.1 200"):
        sys.exit("the warm-up was not answered 200")
    s.close()
idle = settled(pid, 2)
started = time.time()
waiting = send(port, f"{path}?ms=10000", count)
loaded = settled(pid, 3)
if time.time() - started > 9:
    sys.exit("too slow: the sleeps were ending")
poller = select.poll()
for s in waiting:
    poller.register(s, select.POLLIN)
if poller.poll(0):
    sys.exit("some requests were answered before the reading: not asleep")
print(round((loaded - idle) / count))
