#pragma once
// What the client makes of a failed write or read of an upstream's answer: a FetchErrc (timeout,
// too large, closed, malformed) or, for what it cannot tell, the code as it came. Client uses it;
// tests/fuzz checks that no answer an upstream sends leaves a bare parse error.

#include <boost/system/error_code.hpp>

namespace parity::http {

boost::system::error_code classify_io_error(boost::system::error_code ec, bool got_bytes);

}  // namespace parity::http
