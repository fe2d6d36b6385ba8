#pragma once
// What the fuzz targets share: the bytes cut into pieces as a socket hands them out, a stream
// that hands them out so, and the check that stops a run. The cuts follow from the input itself,
// so that a corpus file replays the same way every time.

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace parity::fuzz {

// A failed invariant is a finding: say which, then abort so that libFuzzer saves the input.
#define FUZZ_CHECK(condition)                                                         \
  do {                                                                                \
    if (!(condition)) {                                                               \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

// A small generator seeded from the bytes: the same input always cuts the same way.
class Cuts {
 public:
  explicit Cuts(std::string_view bytes) {
    for (unsigned char c : bytes) state_ = (state_ ^ c) * 0x100000001b3ull;  // FNV-1a
  }
  std::size_t next(std::size_t most) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return 1 + static_cast<std::size_t>(state_ % most);
  }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ull;
};

// The ways a reader is fed `bytes`: all at once, in pieces of 1 to 64 bytes as the input's own
// generator chooses, and (for short inputs) one byte at a time.
inline std::vector<std::vector<std::string_view>> splittings(std::string_view bytes) {
  std::vector<std::vector<std::string_view>> ways{{bytes}};
  Cuts cuts(bytes);
  std::vector<std::string_view> random;
  for (std::size_t at = 0; at < bytes.size();) {
    auto n = std::min(cuts.next(64), bytes.size() - at);
    random.push_back(bytes.substr(at, n));
    at += n;
  }
  ways.push_back(std::move(random));
  if (bytes.size() <= 1024) {
    std::vector<std::string_view> single;
    for (std::size_t at = 0; at < bytes.size(); ++at) single.push_back(bytes.substr(at, 1));
    ways.push_back(std::move(single));
  }
  return ways;
}

// A SyncReadStream over pieces: each read_some returns at most one piece, then end of file, as a
// peer that sends them and closes.
class PieceStream {
 public:
  explicit PieceStream(std::vector<std::string_view> pieces)
      : pieces_(pieces.begin(), pieces.end()) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    ec = {};
    while (!pieces_.empty() && pieces_.front().empty()) pieces_.pop_front();
    if (pieces_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    auto n = boost::asio::buffer_copy(buffers, boost::asio::buffer(pieces_.front().data(),
                                                                   pieces_.front().size()));
    pieces_.front().remove_prefix(n);
    return n;
  }
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    auto n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  bool empty() const {
    for (auto piece : pieces_)
      if (!piece.empty()) return false;
    return true;
  }
  std::string rest() const {
    std::string out;
    for (auto piece : pieces_) out += piece;
    return out;
  }

 private:
  std::deque<std::string_view> pieces_;
};

}  // namespace parity::fuzz
