#include "tutorials/17_co_await_from_scratch/co_sleep_server.hpp"

#include <stdexcept>
#include <system_error>

namespace parity::toy {
namespace {

// `co_await barrier(loop, waits)`: suspends until the barrier of `waits` is reached, and is then
// resumed from the loop (add_callback), not from inside whichever client reached it.
struct Barrier {
  Loop& loop;
  Waits& waits;
  bool await_ready() const { return waits.reached(); }
  void await_suspend(std::coroutine_handle<> handle) {
    waits.slept([this, handle] { loop.add_callback([handle] { handle.resume(); }); });
  }
  void await_resume() const {}
};

// What serve() must do however it ends (a co_return, or its frame destroyed mid-wait by the
// Scope): close the socket, and count the client and its wait out.
struct Leaving {
  int fd;
  std::size_t& clients;
  Waits* waits = nullptr;  // set once the wait began
  ~Leaving() {
    close(fd);
    --clients;
    if (waits) waits->end();
  }
};

}  // namespace

CoSleepServer::CoSleepServer(Loop& loop, int together, Limits limits)
    : loop_(loop), limits_(limits), waits_(together) {
  listener_ = listen_on_loopback(port_, "co sleep server");
  scope_.spawn(accept_all());
}

CoSleepServer::~CoSleepServer() {
  close(listener_);
}

Task CoSleepServer::accept_all() {
  for (;;) {
    co_await ready(loop_, listener_, READ);
    for (int fd; (fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
      ++clients_;
      scope_.spawn(serve(fd));
    }
  }
}

// [excerpt: serve]
Task CoSleepServer::serve(int fd) {
  Leaving leaving{fd, clients_};
  const bool refused = clients_ > limits_.max_clients;  // 503 once its request is read
  std::string in;
  while (in.find("\r\n\r\n") == std::string::npos && in.size() <= limits_.max_request) {
    co_await ready(loop_, fd, READ);
    char buffer[1024];
    auto got = recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) co_return;  // the client left
    in.append(buffer, static_cast<std::size_t>(got));
  }
  Ask ask{503, 0};
  if (in.find("\r\n\r\n") == std::string::npos)
    ask.status = 431;
  else if (!refused)
    ask = parse_sleep(in, limits_);
  std::string body = ask.status == 503 ? "busy\n" : "no\n";
  if (ask.status == 0) {
    waits_.begin();
    leaving.waits = &waits_;
    co_await sleep_for(loop_, std::chrono::milliseconds(ask.ms));
    co_await Barrier{loop_, waits_};
    ask.status = 200;
    body = "slept " + std::to_string(ask.ms) + " ms; " + std::to_string(waits_.peak()) +
           " waits were in flight at once\n";
  }
  std::string out = response(ask.status, body);
  while (!out.empty()) {
    co_await ready(loop_, fd, WRITE);
    auto sent = send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (sent <= 0) co_return;
    out.erase(0, static_cast<std::size_t>(sent));
  }
}
// [/excerpt]

}  // namespace parity::toy
