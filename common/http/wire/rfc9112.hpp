#pragma once
// What RFC 9112 asks of a server reading a request that Beast's parser leaves to its user: one
// Host, a final chunked coding, no obs-fold, a request line with its version. The session calls
// these around the parser; each refusal names the rule, so that a client (or a student with nc)
// learns what was wrong.

#include "common/http/wire/types.hpp"

#include <boost/system/error_code.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace parity::http::rfc9112 {

// An answer instead of the request. The connection closes after it: once framing is in doubt,
// nothing after it on the connection can be trusted (§6.3, request smuggling).
struct Refusal {
  unsigned status;
  std::string message;
};

// One pass over the line ends of what has arrived of a header, from `from` (where the last pass
// stopped, so that a header arriving byte by byte is not read again and again): where the header
// ends, or why it is refused. Beast would wait forever for the CRLF of a line ending in LF alone.
struct HeaderScan {
  std::size_t end = std::string_view::npos;  // just past the empty line, once it has arrived
  std::size_t resume = 0;                    // where the next pass starts
  std::optional<Refusal> refusal;
};
HeaderScan scan_header(std::string_view bytes, std::size_t from = 0);

// Checks the request line of a whole header before Beast parses it: Beast waits for more after a
// line without its version. May rewrite it in place: HTTP/1.2 to 1.9 is read as 1.1 (RFC 9110
// §2.5: as the highest minor version implemented).
std::optional<Refusal> check_request_line(char* header, std::size_t size);

// What is left to check once Beast has parsed the header: Host (§3.2), Transfer-Encoding (§6.1,
// §6.3) and the target (§3.2).
std::optional<Refusal> check_header(const bhttp::request_header<>& header);

// A sentence for one of Beast's parse errors, naming the rule broken.
std::string describe(boost::system::error_code parse_error);

// An absolute-form target (GET http://host/path) becomes origin-form (/path), and Host the
// target's authority, which a server must prefer to the Host field (§3.2.2).
void to_origin_form(Request& request);

}  // namespace parity::http::rfc9112
