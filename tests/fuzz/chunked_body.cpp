// A chunked request body (RFC 9112 §7.1) after a header that announces one: Beast's chunk
// parser under the session's body limit. An accepted body also reads back the same when chunked
// again in other sizes, with extensions and a trailer.
#include "tests/fuzz/read_request.hpp"

#include <fmt/format.h>

namespace {

constexpr std::string_view kHeader =
    "POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";

std::string chunked(std::string_view body, parity::fuzz::Cuts& cuts) {
  std::string out;
  for (std::size_t at = 0; at < body.size();) {
    auto n = std::min(cuts.next(100), body.size() - at);
    out += fmt::format("{:X}{}\r\n", n, n % 3 == 0 ? ";ext=\"a b\"" : "");
    out += body.substr(at, n);
    out += "\r\n";
    at += n;
  }
  return out + "0\r\nX-Trailer: 1\r\n\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parity::fuzz;
  const std::string request =
      std::string(kHeader) + std::string(reinterpret_cast<const char*>(data), size);
  check_bytes(request);
  auto out = read_request({request});
  if (!out.request) return 0;
  Cuts cuts(request);
  const std::string again = std::string(kHeader) + chunked(out.request->body(), cuts);
  auto reread = read_request({again});
  FUZZ_CHECK(reread.request);
  FUZZ_CHECK(reread.request->body() == out.request->body());
  return 0;
}
