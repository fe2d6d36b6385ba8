#pragma once
// The session's decisions while it reads a request, apart from its socket: what to do with the
// bytes of a header that have arrived so far, which answer a read error calls for, and the checks
// of a parsed header. Session calls them; tests/fuzz feeds them a stranger's bytes in pieces.

#include "common/http/wire/rfc9112.hpp"
#include "common/http/wire/types.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstddef>
#include <optional>

namespace parity::http {

using RequestParser = bhttp::request_parser<bhttp::string_body>;

// One look at what has arrived in `buffer`: the header is not whole yet (read more, then look
// again), or it is refused, or it was put to `parser` (the bytes it took are consumed) with
// Beast's verdict in `ec`. `scanned` is where the last look stopped; 0 for a new request.
struct HeaderStep {
  bool done = false;  // false: more bytes are needed
  std::optional<rfc9112::Refusal> refusal;
  boost::system::error_code ec;
};
HeaderStep read_header_step(beast::flat_buffer& buffer, std::size_t& scanned, RequestParser& parser,
                            std::size_t header_limit);

// The answer a failed read calls for (431, 413, 400 with the rule), or nullopt when the
// connection just ends: the client closed, a timeout, a shutdown.
std::optional<rfc9112::Refusal> read_error_refusal(boost::system::error_code ec,
                                                   std::size_t header_limit,
                                                   std::size_t body_limit);

// What is checked once Beast has parsed the header: the count of fields, then rfc9112's checks.
std::optional<rfc9112::Refusal> check_parsed_header(const bhttp::request_header<>& header,
                                                    std::size_t fields_limit);

}  // namespace parity::http
