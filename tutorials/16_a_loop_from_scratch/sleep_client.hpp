#pragma once
// Lessons 16 and 17's clients: many connections at once from one thread, each a request sent and
// its answer read until the server closes. Plain sockets and poll(), so that what is measured is
// the server, and the tests need no second event loop.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::toy {

inline std::string get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: toy\r\n\r\n";
}

struct Answer {
  int status = 0;    // 0: no answer (yet)
  std::string text;  // what came back, headers and body
  int order = 0;     // 1 for the first answer to come back, 2 for the next...
};

class Clients {
 public:
  explicit Clients(int port) : port_(port) {}
  ~Clients() {
    for (auto& c : connections_)
      if (c.fd >= 0) close(c.fd);
  }
  Clients(const Clients&) = delete;
  Clients& operator=(const Clients&) = delete;

  // Connects and queues `request`; wait() sends it. Returns its index.
  std::size_t send(std::string request) {
    Connection c;
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(c.fd, reinterpret_cast<sockaddr*>(&address), sizeof address);  // EINPROGRESS
    c.out = std::move(request);
    connections_.push_back(std::move(c));
    return connections_.size() - 1;
  }

  // Sends and reads until every connection is closed, `enough()` holds, or `limit` passes.
  void wait(std::chrono::milliseconds limit, const std::function<bool()>& enough = {}) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline && !(enough && enough())) {
      std::vector<pollfd> fds;
      std::vector<std::size_t> which;
      for (std::size_t i = 0; i < connections_.size(); ++i) {
        auto& c = connections_[i];
        if (c.fd < 0) continue;
        fds.push_back({c.fd, static_cast<short>(c.out.empty() ? POLLIN : POLLOUT), 0});
        which.push_back(i);
      }
      if (fds.empty()) return;
      if (poll(fds.data(), fds.size(), 10) <= 0) continue;  // 10 ms: look at enough() again
      for (std::size_t k = 0; k < fds.size(); ++k)
        if (fds[k].revents) step(connections_[which[k]]);
    }
  }

  const Answer& answer(std::size_t index) const { return connections_.at(index).answer; }
  std::size_t size() const { return connections_.size(); }
  int answered() const { return answered_; }

 private:
  struct Connection {
    int fd = -1;
    std::string out;
    Answer answer;
  };

  void step(Connection& c) {
    if (!c.out.empty()) {
      auto sent = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (sent > 0) c.out.erase(0, static_cast<std::size_t>(sent));
      if (sent >= 0 || errno == EAGAIN || errno == EINPROGRESS) return;
    } else {
      char buffer[1024];
      auto got = recv(c.fd, buffer, sizeof buffer, 0);
      if (got > 0) {
        c.answer.text.append(buffer, static_cast<std::size_t>(got));
        return;
      }
      if (got < 0 && errno == EAGAIN) return;
    }
    // Closed, or refused: done, with the status if one came.
    if (c.answer.text.starts_with("HTTP/1.1 ") && c.answer.text.size() >= 12)
      c.answer.status = std::stoi(c.answer.text.substr(9, 3));
    if (c.answer.status != 0) c.answer.order = ++answered_;
    close(c.fd);
    c.fd = -1;
  }

  int port_;
  std::vector<Connection> connections_;
  int answered_ = 0;
};

}  // namespace parity::toy
