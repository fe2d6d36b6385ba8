#!/usr/bin/env python3
"""Clients that misbehave, for the soak (bench/run.sh soak): URL SECONDS IDLE BODY [JSON].

One thread per behaviour, each in a loop until SECONDS have passed:
  hangup    a whole request (a /sleep or /fetch of each style), then a close (FIN or RST) before
            the answer: the server must notice and free the connection
  stall     half a header, then nothing: the server must close within the idle timeout IDLE
            (seconds); every other round a first request is answered before the stall
  slowbody  a POST whose body comes a byte a second: closed within the body timeout BODY
  pipeline  ten well-formed requests in one write, ten answers read back: each must be 2xx
  garbage   bytes that are no HTTP request: a 4xx or a close, never a 2xx and never a hang
Prints a line per behaviour (rounds, outcomes) and each unexpected outcome as it happens; writes
the counts to JSON if given. Exits 1 if a well-formed exchange failed, 2 on other unexpected
outcomes. Standard library only."""
import http.client, json, os, random, socket, struct, sys, threading, time, urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
seconds, idle, body_timeout = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
out = sys.argv[5] if len(sys.argv) > 5 else None
address = (url.hostname, url.port)
styles = ["sync", "callback", "future", "coroutine", "threadpool"]
deadline = time.monotonic() + seconds
# A close is due within its timeout plus the server's sweep (a quarter of it) plus this machine's
# noise: past that, the connection counts as hung.
slack = 5.0
lock = threading.Lock()
counts = {}
failed_well_formed = unexpected = 0


def count(behaviour, outcome):
    with lock:
        counts.setdefault(behaviour, {}).setdefault(outcome, 0)
        counts[behaviour][outcome] += 1


def report(behaviour, what, well_formed=False):
    global failed_well_formed, unexpected
    with lock:
        if well_formed:
            failed_well_formed += 1
        else:
            unexpected += 1
    count(behaviour, "unexpected")
    print(f"misbehave: {behaviour}: {what}", flush=True)


def connect():
    s = socket.create_connection(address, timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def request(target, extra=""):
    return f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\n{extra}\r\n".encode()


def wait_closed(s, within):
    """Reads until the server closes: (seconds it took, the first bytes), or None if still open."""
    start, first = time.monotonic(), b""
    s.settimeout(within)
    try:
        while True:
            data = s.recv(65536)
            if not data:
                break
            first = first or data
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        return None
    return time.monotonic() - start, first


def status_of(data):
    parts = data.split(b" ", 2)
    if len(parts) > 1 and parts[0].startswith(b"HTTP/1.") and parts[1].isdigit():
        return int(parts[1])
    return None


def hangup(n):
    style = styles[n % len(styles)]
    # sync's loop thread is held until it answers: a short sleep, so load and hang-ups together
    # keep a loop thread free.
    if style == "sync":
        target = "/sync/sleep?ms=50"
    else:
        target = f"/{style}/fetch" if n % 2 else f"/{style}/sleep?ms=200"
    with connect() as s:
        s.sendall(request(target))
        time.sleep(random.uniform(0, 0.05))
        if n % 4 == 3:  # an abortive close: RST instead of FIN
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    count("hangup", "rst" if n % 4 == 3 else "fin")


def stall(n):
    with connect() as s:
        if n % 2:  # keep-alive: one exchange answered, then the next request stalls
            try:
                s.sendall(request("/coroutine/hello"))
                reply = http.client.HTTPResponse(s)
                reply.begin()
                reply.read()
            except (OSError, http.client.HTTPException) as e:
                return report("stall", f"the first request failed: {e!r}", True)
            if reply.status != 200:
                return report("stall", f"the first request was answered {reply.status}", True)
        s.sendall(f"GET /coroutine/hello HTTP/1.1\r\nHost: {url.netloc}\r\nX-Half: ".encode())
        closed = wait_closed(s, idle + slack)
    if closed is None:
        return report("stall", f"still open {idle + slack:.0f} s into a stalled header")
    if closed[1] and (status_of(closed[1]) or 0) < 400:
        return report("stall", f"a stalled header was answered {closed[1][:40]!r}")
    count("stall", "closed")
    return closed[0]


def slowbody(n):
    style = styles[n % len(styles)]
    head = (f"POST /{style}/upload HTTP/1.1\r\nHost: {url.netloc}\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n")
    start = time.monotonic()
    with connect() as s:
        s.sendall(head.encode())
        try:
            while time.monotonic() - start < body_timeout + slack:
                s.sendall(b"x")
                s.settimeout(1.0)
                try:
                    data = s.recv(65536)  # the server's word, or its close
                except socket.timeout:
                    continue
                if not data or (status_of(data) or 0) >= 400:
                    break
                return report("slowbody", f"a body past its timeout was answered {data[:40]!r}")
            else:
                return report("slowbody", f"open {body_timeout + slack:.0f} s into a slow body")
        except (ConnectionResetError, BrokenPipeError):
            pass
    count("slowbody", "closed")
    return time.monotonic() - start


class Shared:
    """Lets http.client.HTTPResponse read several answers from one buffered stream: each response
    gets it as its socket's file and may close it, which leaves it open for the next."""
    def __init__(self, f):
        self.f = f

    def makefile(self, *args, **kwargs):
        return self

    def close(self):
        pass

    def __getattr__(self, name):
        return getattr(self.f, name)


def pipeline(n):
    targets = []
    for i in range(10):
        style = styles[(n + i) % len(styles)]
        targets.append(f"/{style}/hello" if i % 2 or style == "sync" else f"/{style}/sleep?ms=10")
    with connect() as s:
        s.sendall(b"".join(request(t) for t in targets))
        f = s.makefile("rb")
        for i, target in enumerate(targets):
            try:
                reply = http.client.HTTPResponse(Shared(f))
                reply.begin()
                reply.read()
            except (OSError, http.client.HTTPException) as e:
                return report("pipeline", f"answer {i + 1} of 10 ({target}) missing: {e!r}", True)
            if not 200 <= reply.status < 300:
                return report("pipeline", f"answer {i + 1} of 10 ({target}): {reply.status}", True)
    count("pipeline", "ten 2xx")


def garbage(n):
    kinds = [
        ("random", os.urandom(200) + b"\r\n\r\n"),
        ("no colon", f"GET /coroutine/hello HTTP/1.1\r\nHost {url.netloc}\r\n\r\n".encode()),
        ("bad length", request("/coroutine/hello", "Content-Length: abc\r\n")),
        ("bad chunk", request("/coroutine/upload", "Transfer-Encoding: chunked\r\n")
         .replace(b"GET", b"POST") + b"zz\r\nnot a chunk\r\n"),
        ("huge header", request("/coroutine/hello", "X-Big: " + "a" * 70000 + "\r\n")),
        ("tls hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64)),
        ("no end", os.urandom(300)),
    ]
    kind, data = kinds[n % len(kinds)]
    with connect() as s:
        try:
            s.sendall(data)
        except (ConnectionResetError, BrokenPipeError):  # refused before it was all sent
            return count("garbage", f"{kind} closed")
        closed = wait_closed(s, idle + slack)
    if closed is None:
        return report("garbage", f"{kind}: no answer and still open {idle + slack:.0f} s on")
    status = status_of(closed[1]) if closed[1] else None
    if closed[1] and not (status and 400 <= status < 500):
        return report("garbage", f"{kind}: answered {closed[1][:40]!r}")
    count("garbage", f"{kind} {status or 'closed'}")


def loop(behaviour, pause):
    n, longest = 0, 0.0
    while time.monotonic() < deadline:
        try:
            took = behaviour(n)
            longest = max(longest, took or 0.0)
        except (OSError, http.client.HTTPException) as e:
            # The misbehaving exchanges' errors are the server's right; pipeline and the first
            # request of a stall are well-formed and counted as failures.
            report(behaviour.__name__, f"round {n}: {e!r}", behaviour is pipeline)
        n += 1
        time.sleep(pause)
    with lock:  # two threads may run one behaviour
        mine = counts.setdefault(behaviour.__name__, {})
        mine["rounds"] = mine.get("rounds", 0) + n
        if longest:
            mine["longest close s"] = max(mine.get("longest close s", 0), round(longest, 2))


threads = [threading.Thread(target=loop, args=a) for a in
           [(hangup, 0.1), (stall, 0.1), (stall, 0.1), (slowbody, 0.1), (slowbody, 0.1),
            (pipeline, 0.1), (garbage, 0.1)]]
for t in threads:
    t.start()
for t in threads:
    t.join()
for behaviour, outcomes in counts.items():
    print(f"misbehave: {behaviour:9} " + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
print(f"misbehave: {failed_well_formed} well-formed exchanges failed, "
      f"{unexpected} other unexpected outcomes")
if out:
    with open(out, "w") as f:
        json.dump({"counts": counts, "failed_well_formed": failed_well_formed,
                   "unexpected": unexpected}, f)
sys.exit(1 if failed_well_formed else 2 if unexpected else 0)
