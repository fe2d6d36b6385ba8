#include "common/http/wire/rfc9112.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace parity::http::rfc9112 {
namespace {

Refusal malformed(std::string_view why) {
  return {400, "malformed request: " + std::string(why)};
}

// uri-host [":" port] of RFC 3986: unreserved, %-escapes, sub-delims, ':' and an IPv6 address's
// brackets. Checked by hand: Boost.URL's parse_authority costs more than a tenth of nginx's whole
// request (bench/README.md), and also accepts userinfo, which a Host must not have.
bool is_host_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~%!$&'()*+,;=:[]").find(c) != std::string_view::npos;
}

bool starts_with_scheme(std::string_view target) {
  auto iprefix = [&](std::string_view p) {
    return target.size() >= p.size() && beast::iequals(target.substr(0, p.size()), p);
  };
  return iprefix("http://") || iprefix("https://");
}

}  // namespace

HeaderScan scan_header(std::string_view bytes, std::size_t from) {
  HeaderScan scan;
  scan.resume = from;
  for (auto at = bytes.find('\n', from); at != std::string_view::npos;
       at = bytes.find('\n', at + 1)) {
    scan.resume = at;
    if (at == 0 || bytes[at - 1] != '\r') {
      scan.refusal = malformed("a line ends in LF alone; lines end in CRLF (RFC 9112 §2.2)");
      return scan;
    }
    if (at + 1 == bytes.size()) break;
    const char next = bytes[at + 1];
    // A line that starts with a space or tab continues the previous one (obs-fold) or, after the
    // request line, hides a field from whoever reads lines: both are refused (§2.2, §5.2).
    if (next == ' ' || next == '\t') {
      scan.refusal = malformed(
          "a header line starts with a space or tab: obs-fold is refused, a "
          "field's value stays on its line (RFC 9112 §2.2, §5.2)");
      return scan;
    }
    if (next == '\r' && at + 2 < bytes.size() && bytes[at + 2] == '\n') {
      scan.end = at + 3;
      return scan;
    }
  }
  return scan;
}

std::optional<Refusal> check_request_line(char* header, std::size_t size) {
  std::string_view line(header, std::string_view(header, size).find("\r\n"));
  const auto last_space = line.rfind(' ');
  std::string_view version =
      last_space == std::string_view::npos ? "" : line.substr(last_space + 1);
  if (version.substr(0, 5) != "HTTP/")
    return malformed(
        "the request line has no HTTP version: it reads `METHOD target HTTP/1.1` "
        "(RFC 9112 §3)");
  if (version.size() == 8 && version[6] == '.') {
    if (version[5] != '1')
      return Refusal{
          505, fmt::format("this server speaks HTTP/1.1, not {} (RFC 9110 §15.6.6)", version)};
    if (version[7] >= '2' && version[7] <= '9') header[last_space + 1 + 7] = '1';
  }
  return std::nullopt;
}

std::optional<Refusal> check_header(const bhttp::request_header<>& header) {
  // §3.2: exactly one Host in HTTP/1.1, at most one in 1.0, and its value an authority. One walk
  // over the fields finds Host and Transfer-Encoding: cheaper than a lookup for each.
  std::size_t hosts = 0;
  std::string_view host;
  bool transfer_encoding = false;
  for (const auto& f : header) {
    if (f.name() == field::host) {
      ++hosts;
      host = f.value();
    } else if (f.name() == field::transfer_encoding) {
      transfer_encoding = true;
    }
  }
  if (hosts > 1)
    return malformed(fmt::format("{} Host fields; one is allowed (RFC 9112 §3.2)", hosts));
  if (hosts == 0 && header.version() >= 11)
    return malformed("an HTTP/1.1 request needs a Host field (RFC 9112 §3.2)");
  for (char c : host) {
    if (!is_host_character(c))
      return malformed("the Host field is not a host name or address (RFC 9112 §3.2)");
  }

  // §6.1, §6.3: chunked is the only transfer coding here, and it must come last.
  if (transfer_encoding) {
    if (header.version() < 11)
      return malformed("an HTTP/1.0 request cannot use Transfer-Encoding (RFC 9112 §6.1)");
    std::string_view last, unknown;
    for (const auto& [coding, params] : bhttp::ext_list{header[field::transfer_encoding]}) {
      last = coding;
      if (unknown.empty() && !beast::iequals(coding, "chunked")) unknown = coding;
    }
    if (!beast::iequals(last, "chunked"))
      return malformed("chunked must be the last transfer coding of a request (RFC 9112 §6.3)");
    if (!unknown.empty())
      return Refusal{501, fmt::format("the transfer coding {} is not implemented here; only "
                                      "chunked is (RFC 9112 §6.1)",
                                      unknown)};
  }

  // §3.2: a target is a path (origin form), an absolute URL, or * for OPTIONS; never a fragment.
  std::string_view target = header.target();
  if (target.find('#') != std::string_view::npos)
    return malformed(
        "the target has a fragment (#...); a fragment stays with the client "
        "(RFC 9112 §3.2)");
  if (target == "*") {
    if (header.method() != verb::options)
      return malformed("the target * is for OPTIONS only (RFC 9112 §3.2.4)");
  } else if (target.empty() || (target.front() != '/' && !starts_with_scheme(target))) {
    return malformed("the target must be a path (/...) or an absolute URL (RFC 9112 §3.2)");
  } else if (starts_with_scheme(target) && !boost::urls::parse_absolute_uri(target)) {
    return malformed("the target is not a valid absolute URL (RFC 9112 §3.2.2)");
  }
  return std::nullopt;
}

std::string describe(boost::system::error_code ec) {
  using bhttp::error;
  if (ec == error::bad_method) return "the method is not a token (RFC 9112 §3.1)";
  if (ec == error::bad_target) return "the target has a character a target cannot (RFC 9112 §3.2)";
  if (ec == error::bad_version) return "the version must read HTTP/1.0 or HTTP/1.1 (RFC 9112 §2.3)";
  if (ec == error::bad_field)
    return "a field name is not a token, or has whitespace before its colon (RFC 9112 §5.1)";
  if (ec == error::bad_value) return "a field value has a control character (RFC 9110 §5.5)";
  if (ec == error::bad_line_ending) return "a line does not end in CRLF (RFC 9112 §2.2)";
  if (ec == error::bad_content_length) return "Content-Length is not a number (RFC 9112 §6.3)";
  if (ec == error::multiple_content_length)
    return "Content-Length has two different values (RFC 9112 §6.3)";
  if (ec == error::bad_transfer_encoding)
    return "Transfer-Encoding is malformed, or comes with a Content-Length (RFC 9112 §6.3)";
  if (ec == error::bad_chunk || ec == error::bad_chunk_extension)
    return "a chunk's size line is malformed (RFC 9112 §7.1)";
  if (ec == error::bad_obs_fold) return "a header line starts with a space or tab (RFC 9112 §5.2)";
  return ec.message();
}

void to_origin_form(Request& request) {
  std::string_view target = request.target();
  if (!starts_with_scheme(target)) return;
  auto url = boost::urls::parse_absolute_uri(target);
  if (!url) return;  // check_header refused it already
  std::string host(url->encoded_host_and_port());
  std::string origin(url->encoded_target());
  if (origin.empty() || origin.front() != '/') origin.insert(0, "/");
  request.set(field::host, host);
  request.target(origin);
}

}  // namespace parity::http::rfc9112
