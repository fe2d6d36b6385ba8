#!/usr/bin/python3
"""The tutorials' handlers on Tornado, as one server, for `parity compare --peer tornado`.

Serves /{style}/hello, /{style}/fetch and /{style}/sleep?ms=N for the styles the tutorials show:

  sync        blocking calls on the loop (urllib, time.sleep): one request at a time
  callback    AsyncHTTPClient's Future plus add_done_callback, then finish() (Tornado 6 has no
              @asynchronous; this is the same callback shape)
  coroutine   async def and await
  threadpool  the blocking calls on a ThreadPoolExecutor (run_on_executor)

Runs on Debian's python3-tornado. Prints "listening on PORT" once ready.

  /usr/bin/python3 server.py --upstream http://127.0.0.1:9001 [--port 0] [--max-clients 10] [--pool 5]
"""

import argparse
import asyncio
import logging
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import tornado.httpclient
import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web
from tornado.concurrent import Future, run_on_executor

MAX_SLEEP_MS = 10000


def time_cost_page(style, seconds, url):
    return ("<html><head><title>Time Cost</title></head>\n"
            f"<body><h1>Time Cost: {seconds:.3f} s</h1><p>style: tornado {style}</p>"
            f"<p>upstream: {url}</p></body></html>\n")


class Base(tornado.web.RequestHandler):
    style = ""

    def initialize(self, upstream, executor):
        self.upstream = upstream + "/delay"
        self.executor = executor

    def sleep_seconds(self):
        try:
            ms = int(self.get_argument("ms", "100"))
        except ValueError:
            raise tornado.web.HTTPError(400, "ms must be an integer")
        if not 0 <= ms <= MAX_SLEEP_MS:
            raise tornado.web.HTTPError(400, f"ms must be within 0..{MAX_SLEEP_MS}")
        return ms / 1000.0

    def blocking_fetch(self):
        started = time.monotonic()
        with urllib.request.urlopen(self.upstream, timeout=10) as response:
            response.read()
        return time.monotonic() - started


class Hello(Base):
    def get(self):
        self.write("Hello, world")


# sync: the loop does nothing else while these run.
class SyncFetch(Base):
    style = "sync"

    def get(self):
        try:
            seconds = self.blocking_fetch()
        except OSError as error:
            raise tornado.web.HTTPError(502, str(error))
        self.write(time_cost_page(self.style, seconds, self.upstream))


class SyncSleep(Base):
    def get(self):
        seconds = self.sleep_seconds()
        time.sleep(seconds)
        self.write({"slept_ms": int(seconds * 1000)})


# callback: a Future from the client, a done callback that finishes the request.
class CallbackFetch(Base):
    style = "callback"

    def get(self):
        done = Future()

        def on_response(future):
            try:
                response = future.result()
                self.write(time_cost_page(self.style, response.request_time, self.upstream))
                self.finish()
            except Exception as error:
                self.send_error(502, reason=str(error)[:100])
            done.set_result(None)

        tornado.httpclient.AsyncHTTPClient().fetch(self.upstream).add_done_callback(on_response)
        return done


class CallbackSleep(Base):
    def get(self):
        done = Future()
        seconds = self.sleep_seconds()

        def wake():
            self.finish({"slept_ms": int(seconds * 1000)})
            done.set_result(None)

        tornado.ioloop.IOLoop.current().call_later(seconds, wake)
        return done


# coroutine: the same calls, awaited.
class CoroutineFetch(Base):
    style = "coroutine"

    async def get(self):
        try:
            response = await tornado.httpclient.AsyncHTTPClient().fetch(self.upstream)
        except Exception as error:
            raise tornado.web.HTTPError(502, str(error)[:100])
        self.write(time_cost_page(self.style, response.request_time, self.upstream))


class CoroutineSleep(Base):
    async def get(self):
        seconds = self.sleep_seconds()
        await asyncio.sleep(seconds)
        self.write({"slept_ms": int(seconds * 1000)})


# threadpool: the sync bodies on the executor, the loop free meanwhile.
class ThreadpoolFetch(Base):
    style = "threadpool"

    @run_on_executor
    def fetch_on_pool(self):
        return self.blocking_fetch()

    async def get(self):
        try:
            seconds = await self.fetch_on_pool()
        except OSError as error:
            raise tornado.web.HTTPError(502, str(error))
        self.write(time_cost_page(self.style, seconds, self.upstream))


class ThreadpoolSleep(Base):
    @run_on_executor
    def sleep_on_pool(self, seconds):
        time.sleep(seconds)

    async def get(self):
        seconds = self.sleep_seconds()
        await self.sleep_on_pool(seconds)
        self.write({"slept_ms": int(seconds * 1000)})


HANDLERS = {
    "sync": (SyncFetch, SyncSleep),
    "callback": (CallbackFetch, CallbackSleep),
    "coroutine": (CoroutineFetch, CoroutineSleep),
    "threadpool": (ThreadpoolFetch, ThreadpoolSleep),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the upstream API, http://HOST:PORT")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--max-clients", type=int, default=10,
                        help="AsyncHTTPClient's max_clients (0: as many as 100000)")
    parser.add_argument("--pool", type=int, default=5, help="ThreadPoolExecutor workers")
    args = parser.parse_args()

    logging.getLogger("tornado.access").disabled = True
    tornado.httpclient.AsyncHTTPClient.configure(None, max_clients=args.max_clients or 100000)
    settings = {"upstream": args.upstream, "executor": ThreadPoolExecutor(args.pool)}
    routes = []
    for style, (fetch, sleep) in HANDLERS.items():
        routes += [(f"/{style}/hello", Hello, settings), (f"/{style}/fetch", fetch, settings),
                   (f"/{style}/sleep", sleep, settings)]
    app = tornado.web.Application(routes)

    # The kernel's full accept queue, as `parity serve` listens (Tornado's default is 128): with
    # thousands of users connecting at once, a short queue would measure SYN retries.
    sockets = tornado.netutil.bind_sockets(args.port, "127.0.0.1", backlog=4096)
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    print(f"listening on {sockets[0].getsockname()[1]}", flush=True)
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
