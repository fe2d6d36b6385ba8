#pragma once
// A message header as the bytes Beast puts on the wire: its start line and fields, ending in the
// blank line. For code that writes the body itself: the client (a request serialized once) and a
// streamed response (the header, then the body in pieces).

#include "common/http/wire/types.hpp"

#include <string>

namespace parity::http {

std::string header_bytes(const Request::header_type& header);
// With `timing`, a Server-Timing field follows the header's own (server_timing.hpp).
std::string header_bytes(const Response::header_type& header, const Timing* timing = nullptr);

}  // namespace parity::http
