#pragma once
// A plain blocking TCP connection with deadlines, to send exact bytes (malformed, pipelined,
// slow) and read exact answers, as a misbehaving client would.

#include "common/http/wire/types.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace parity::test {

class RawConnection {
 public:
  explicit RawConnection(unsigned short port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send(const std::string& bytes);
  // Reads one response; nullopt if the connection closed or the deadline passed first.
  std::optional<http::bhttp::response<http::bhttp::string_body>> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads raw bytes until `text` has arrived; returns all read so far (kept for read_response).
  std::string read_until(const std::string& text,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True if the server closes the connection (EOF or reset) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  void close();

 private:
  // Appends what arrives within the deadline; false on EOF, error or timeout.
  bool receive_some(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string pending_;
};

// GET `target` with the given extra header lines ("Name: value\r\n...").
std::string get_request(const std::string& target, const std::string& extra_headers = "",
                        const std::string& version = "HTTP/1.1");

}  // namespace parity::test
