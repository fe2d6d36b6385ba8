#!/usr/bin/python3
"""The tutorials' service on aiohttp, a peer for Parity: /hello, /sleep?ms=N, /fetch.

async def handlers that await, on one asyncio loop (uvloop's when installed): Parity's coroutine
style. Runs on Debian's python3-aiohttp (and python3-uvloop, if there). Prints "listening on PORT"
once ready, and on stderr which loop it runs on.

  /usr/bin/python3 server.py --upstream http://127.0.0.1:9001 [--port 0]
"""

import argparse
import asyncio
import sys
import time

import aiohttp
from aiohttp import web

MAX_SLEEP_MS = 10000


def time_cost_page(seconds, url):
    return ("<html><head><title>Time Cost</title></head>\n"
            f"<body><h1>Time Cost: {seconds:.3f} s</h1><p>style: aiohttp</p>"
            f"<p>upstream: {url}</p></body></html>\n")


async def hello(request):
    return web.Response(text="Hello, world")


async def sleep(request):
    try:
        ms = int(request.query.get("ms", "100"))
    except ValueError:
        raise web.HTTPBadRequest(text="ms must be an integer\n")
    if not 0 <= ms <= MAX_SLEEP_MS:
        raise web.HTTPBadRequest(text=f"ms must be within 0..{MAX_SLEEP_MS}\n")
    await asyncio.sleep(ms / 1000)  # a timer: the loop serves others meanwhile
    return web.json_response({"slept_ms": ms})


async def fetch(request):
    url = request.app["upstream"]
    started = time.monotonic()
    try:
        async with request.app["client"].get(url) as response:
            response.raise_for_status()
            await response.read()
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        reason = str(error) or type(error).__name__
        raise web.HTTPBadGateway(text=f"upstream failed: {reason}\n")
    seconds = time.monotonic() - started
    return web.Response(text=time_cost_page(seconds, url), content_type="text/html")


async def client_session(app):
    # One keep-alive session for every request. Its TCPConnector caps connections at 100 by
    # default (limit=100: the 101st call waits for a free one); limit=0 lifts the cap.
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=10)
    app["client"] = aiohttp.ClientSession(connector=connector, timeout=timeout)
    yield
    await app["client"].close()


async def serve(args):
    app = web.Application()
    app["upstream"] = args.upstream + "/delay"
    app.cleanup_ctx.append(client_session)
    app.add_routes([web.get("/hello", hello), web.get("/sleep", sleep), web.get("/fetch", fetch)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    # The kernel's full accept queue, as `parity serve` listens (aiohttp's default is 128).
    await web.TCPSite(runner, "127.0.0.1", args.port, backlog=4096).start()
    print(f"listening on {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()  # until killed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the upstream API, http://HOST:PORT")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--max-clients", help="accepted and ignored (the Tornado peer's option)")
    parser.add_argument("--pool", help="accepted and ignored (the Tornado peer's option)")
    args = parser.parse_args()
    try:
        import uvloop
        uvloop.install()
        print("event loop: uvloop", file=sys.stderr)
    except ImportError:
        print("event loop: asyncio's default (python3-uvloop is not installed)", file=sys.stderr)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
