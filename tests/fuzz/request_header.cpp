// The request header as the session reads it: bytes from a client, cut at any point, through
// read_header_step, Beast's parser and the checks of RFC 9112 (tests/fuzz/read_request.hpp).
#include "tests/fuzz/read_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parity::fuzz::check_bytes({reinterpret_cast<const char*>(data), size});
  return 0;
}
