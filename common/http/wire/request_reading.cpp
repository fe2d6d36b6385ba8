#include "common/http/wire/request_reading.hpp"

#include <boost/beast/http/error.hpp>

#include <iterator>
#include <string>
#include <string_view>

namespace parity::http {
namespace {

bool is_parse_error(boost::system::error_code ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more;
}

}  // namespace

// Reads until the header is whole, then parses it at once. Beast's async_read_header would read
// too, but it waits for more bytes after a request line without its version ("GET / \r\n\r\n"),
// and the checks of rfc9112.hpp need the raw header, which only this step sees.
HeaderStep read_header_step(beast::flat_buffer& buffer, std::size_t& scanned,
                            RequestParser& parser, std::size_t header_limit) {
  HeaderStep step;
  // A server should ignore empty lines before a request line (RFC 9112 §2.2).
  for (;;) {
    std::string_view arrived(static_cast<const char*>(buffer.data().data()), buffer.size());
    std::size_t empty_lines = 0;
    while (arrived.substr(empty_lines, 2) == "\r\n") empty_lines += 2;
    if (empty_lines == 0) break;
    buffer.consume(empty_lines);
    scanned = 0;
  }
  auto* bytes = static_cast<char*>(buffer.data().data());
  std::string_view arrived(bytes, buffer.size());
  auto scan = rfc9112::scan_header(arrived, scanned);
  scanned = scan.resume;
  if (scan.refusal) {
    step.done = true;
    step.refusal = std::move(scan.refusal);
    return step;
  }
  if ((scan.end == std::string_view::npos ? arrived.size() : scan.end) > header_limit) {
    step.done = true;
    if (arrived.find("\r\n") > header_limit)
      step.refusal = rfc9112::Refusal{
          414, "the request line is longer than " + std::to_string(header_limit) + " bytes"};
    else
      step.ec = bhttp::error::header_limit;
    return step;
  }
  if (scan.end == std::string_view::npos) return step;
  step.done = true;
  if (auto refusal = rfc9112::check_request_line(bytes, scan.end)) {
    step.refusal = std::move(refusal);
    return step;
  }
  buffer.consume(parser.put(asio::buffer(bytes, scan.end), step.ec));
  if (!step.ec && !parser.is_header_done()) step.ec = bhttp::error::need_more;
  if (step.ec == bhttp::error::need_more) {  // the header is all here: what Beast waits for never comes
    step.refusal = rfc9112::Refusal{
        400, "malformed request: the request line is not `METHOD target HTTP/1.1` (RFC 9112 §3)"};
    step.ec = {};
  }
  return step;
}

std::optional<rfc9112::Refusal> read_error_refusal(boost::system::error_code ec,
                                                   std::size_t header_limit,
                                                   std::size_t body_limit) {
  if (ec == bhttp::error::header_limit)
    return rfc9112::Refusal{
        431, "the request header is larger than " + std::to_string(header_limit) + " bytes"};
  if (ec == bhttp::error::body_limit)
    return rfc9112::Refusal{
        413, "the request body is larger than " + std::to_string(body_limit) + " bytes"};
  if (is_parse_error(ec))
    return rfc9112::Refusal{400, "malformed request: " + rfc9112::describe(ec)};
  return std::nullopt;
}

std::optional<rfc9112::Refusal> check_parsed_header(const bhttp::request_header<>& header,
                                                    std::size_t fields_limit) {
  // Thousands of tiny fields fit under the byte limit; their count has a limit of its own.
  const auto fields = static_cast<std::size_t>(std::distance(header.begin(), header.end()));
  if (fields > fields_limit) {
    return rfc9112::Refusal{431, "the request header has " + std::to_string(fields) +
                                     " fields; at most " + std::to_string(fields_limit) +
                                     " are accepted"};
  }
  return rfc9112::check_header(header);
}

}  // namespace parity::http
