#include "tests/support/raw_connection.hpp"

#include <boost/beast/http/parser.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace parity::test {

RawConnection::RawConnection(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("RawConnection: cannot connect to port " + std::to_string(port));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  close();
}

void RawConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("RawConnection: send failed");
    sent += static_cast<std::size_t>(n);
  }
}

bool RawConnection::receive_some(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd waiting{fd_, POLLIN, 0};
  if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
  char buffer[16384];
  auto n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) return false;
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<http::bhttp::response<http::bhttp::string_body>> RawConnection::read_response(
    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Parse what is there; a complete response is cut off the front of `pending_`.
    http::bhttp::response_parser<http::bhttp::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 * 1024 * 1024);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done() && used < pending_.size()) {
      auto n = parser.put(boost::asio::buffer(pending_.data() + used, pending_.size() - used), ec);
      if (ec == http::bhttp::error::need_more) break;
      if (ec) return std::nullopt;
      if (n == 0) break;
      used += n;
    }
    if (parser.is_done()) {
      pending_.erase(0, used);
      return parser.release();
    }
    if (!receive_some(deadline)) {
      // A body that ends with the connection (no length, no chunks) is complete at EOF.
      if (parser.is_header_done() && !parser.get().has_content_length() &&
          !parser.get().chunked()) {
        parser.put_eof(ec);
        if (!ec) {
          pending_.clear();
          return parser.release();
        }
      }
      return std::nullopt;
    }
  }
}

std::string RawConnection::read_until(const std::string& text, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pending_.find(text) == std::string::npos && receive_some(deadline)) {
  }
  return pending_;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return true;
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string get_request(const std::string& target, const std::string& extra_headers,
                        const std::string& version) {
  return "GET " + target + " " + version + "\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

}  // namespace parity::test
