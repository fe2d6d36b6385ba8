#pragma once
// Lesson 16's `/sleep?ms=` server over plain sockets and callbacks, on any loop with the toy loop's
// calls (add_handler, update_handler, remove_handler, call_later): the toy loop, or exercise 15's.
// A toy's HTTP: the request line is parsed, the headers skipped, every answer closes the
// connection. Limits: a request of 4 KiB, 200 clients, waits of 10 s.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

namespace parity::toy {

struct Limits {
  std::size_t max_request = 4096;  // bytes before the blank line: more is 431
  std::size_t max_clients = 200;   // connections at once: one more is 503
  int max_ms = 10000;              // the longest wait asked for: more is 400
};

// What a request asks for: a wait of `ms`, or (status != 0) the error to answer.
struct Ask {
  int status = 0;
  int ms = 0;
};

// [excerpt: parse]
// The request line only ("GET /sleep?ms=200 HTTP/1.1"); a toy's parse, not HTTP's grammar.
inline Ask parse_sleep(std::string_view head, const Limits& limits) {
  auto line = head.substr(0, head.find("\r\n"));
  auto first = line.find(' '), second = line.rfind(' ');
  if (first == std::string_view::npos || first == second) return {400, 0};
  auto method = line.substr(0, first), target = line.substr(first + 1, second - first - 1);
  if (!line.substr(second + 1).starts_with("HTTP/1.")) return {400, 0};
  if (method != "GET") return {405, 0};
  constexpr std::string_view prefix = "/sleep?ms=";
  if (!target.starts_with(prefix)) return {404, 0};
  auto digits = target.substr(prefix.size());
  int ms = -1;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
  if (error != std::errc{} || end != digits.data() + digits.size() || ms < 0 || ms > limits.max_ms)
    return {400, 0};
  return {0, ms};
}
// [/excerpt]

inline std::string response(int status, std::string_view body) {
  std::string_view reason = status == 200   ? "OK"
                            : status == 400 ? "Bad Request"
                            : status == 404 ? "Not Found"
                            : status == 405 ? "Method Not Allowed"
                            : status == 431 ? "Request Header Fields Too Large"
                                            : "Service Unavailable";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + std::string(body);
}

// The waits in flight, and a barrier for the lessons' proof: with `together` > 0, an answer whose
// wait is over is held until `together` waits have been in flight at once. So every answer says
// that they all were, whatever the machine's speed. The counts are read from other threads.
class Waits {
 public:
  explicit Waits(int together) : together_(together) {}
  void begin() {
    threads_.insert(std::this_thread::get_id());
    int now = ++now_;
    if (now > peak_) peak_ = now;
    if (together_ > 0 && peak_ >= together_) release();
  }
  void end() { --now_; }
  // `answer` runs now, or once the barrier is reached.
  void slept(std::function<void()> answer) {
    if (!reached())
      held_.push_back(std::move(answer));
    else
      answer();
  }
  int now() const { return now_; }
  int peak() const { return peak_; }
  bool reached() const { return together_ <= 0 || peak_ >= together_; }
  std::size_t threads() const { return threads_.size(); }  // after the loop stopped

 private:
  void release() {
    auto held = std::move(held_);
    held_.clear();
    for (auto& answer : held) answer();
  }
  int together_;
  std::atomic<int> now_{0}, peak_{0};
  std::vector<std::function<void()>> held_;
  std::set<std::thread::id> threads_;
};

// A non-blocking socket listening on a free port of 127.0.0.1, and that port. Throws
// std::system_error naming `who` if it cannot.
inline int listen_on_loopback(int& port, const char* who) {
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      listen(listener, SOMAXCONN) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    int error = errno;
    if (listener >= 0) close(listener);
    throw std::system_error(error, std::generic_category(), who);
  }
  port = ntohs(address.sin_port);
  return listener;
}

template <class Loop>
class SleepServer {
 public:
  // Listens on a free port of 127.0.0.1. Destroy it only once its loop has stopped.
  explicit SleepServer(Loop& loop, int together = 0, Limits limits = {})
      : loop_(loop), limits_(limits), waits_(together) {
    listener_ = listen_on_loopback(port_, "sleep server");
    loop_.add_handler(listener_, EPOLLIN, [this](std::uint32_t) { on_accept(); });
  }
  ~SleepServer() {
    for (auto& [id, client] : clients_) close(client.fd);
    close(listener_);
  }
  SleepServer(const SleepServer&) = delete;
  SleepServer& operator=(const SleepServer&) = delete;

  int port() const { return port_; }
  const Waits& waits() const { return waits_; }

 private:
  struct Client {
    int fd = -1;
    std::string in, out;
    bool waiting = false;
    bool refused = false;
  };

  // [excerpt: callbacks]
  void on_accept() {
    for (int fd; (fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
      auto id = next_id_++;
      // One too many is told so (503) once its request is read: closing a socket with unread
      // bytes sends a reset, which can lose the answer.
      bool refused = clients_.size() >= limits_.max_clients;
      clients_[id].fd = fd;
      clients_[id].refused = refused;
      loop_.add_handler(fd, EPOLLIN, [this, id](std::uint32_t events) { on_ready(id, events); });
    }
  }

  void on_ready(std::uint64_t id, std::uint32_t events) {
    auto& client = clients_.at(id);
    if (events & EPOLLOUT) return on_writable(id);
    if (client.waiting) return finish(id);  // only a hang-up comes while it waits: it left
    char buffer[1024];
    auto got = recv(client.fd, buffer, sizeof buffer, 0);
    if (got <= 0) return finish(id);
    client.in.append(buffer, static_cast<std::size_t>(got));
    auto end = client.in.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (client.in.size() > limits_.max_request) answer(id, 431, "request too large\n");
      return;
    }
    auto ask = client.refused ? Ask{503, 0} : parse_sleep(client.in, limits_);
    if (ask.status != 0) return answer(id, ask.status, ask.status == 503 ? "busy\n" : "no\n");
    client.waiting = true;
    waits_.begin();
    loop_.update_handler(client.fd, 0);  // nothing to read while it waits; a hang-up still shows
    loop_.call_later(std::chrono::milliseconds(ask.ms), [this, id, ms = ask.ms] {
      waits_.slept([this, id, ms] {
        if (!clients_.contains(id)) return;  // the client left meanwhile
        answer(id, 200,
               "slept " + std::to_string(ms) + " ms; " + std::to_string(waits_.peak()) +
                   " waits were in flight at once\n");
      });
    });
  }
  // [/excerpt]

  void answer(std::uint64_t id, int status, const std::string& body) {
    auto& client = clients_.at(id);
    client.out = response(status, body);
    loop_.update_handler(client.fd, EPOLLOUT);
  }

  void on_writable(std::uint64_t id) {
    auto& client = clients_.at(id);
    auto sent = send(client.fd, client.out.data(), client.out.size(), MSG_NOSIGNAL);
    if (sent > 0) client.out.erase(0, static_cast<std::size_t>(sent));
    if (sent < 0 || client.out.empty()) finish(id);
  }

  void finish(std::uint64_t id) {
    auto found = clients_.find(id);
    if (found->second.waiting) waits_.end();
    loop_.remove_handler(found->second.fd);
    close(found->second.fd);
    clients_.erase(found);
  }

  Loop& loop_;
  Limits limits_;
  Waits waits_;
  int listener_ = -1;
  int port_ = 0;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Client> clients_;
};

}  // namespace parity::toy
