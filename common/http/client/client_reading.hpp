#pragma once
// What the client makes of an upstream's answer as it reads it: which answers it reads past, and
// what a failed write or read becomes (a FetchErrc: timeout, too large, closed, malformed; or,
// for what it cannot tell, the code as it came). Client uses them; tests/fuzz checks that no
// answer leaves a bare parse error or an interim status as the answer.

#include <boost/system/error_code.hpp>

namespace parity::http {

// An interim answer (1xx other than 101 Switching Protocols) comes before the final one, for
// which the client reads on (RFC 9110 §15.2).
inline bool is_interim(unsigned status) {
  return status >= 100 && status < 200 && status != 101;
}

// A status outside 100 to 599 is invalid (RFC 9110 §15): Beast reads any three digits, "099"
// too, which a fetch then reported as a success. The client fails such an answer as malformed.
inline bool is_valid_status(unsigned status) {
  return status >= 100 && status <= 599;
}

boost::system::error_code classify_io_error(boost::system::error_code ec, bool got_bytes);

}  // namespace parity::http
