#include "common/http/wire/header_bytes.hpp"

#include "common/http/wire/server_timing.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace parity::http {
namespace {

// The bytes Beast's field writer makes (`os << header`), written by hand: going through its
// buffer sequence, or appending piece by piece, cost more; this sizes the string once and copies
// each piece in (bench/README.md has the figures behind the core's comments).
char* put(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* put_version(char* out, unsigned version) {
  out = put(out, "HTTP/");
  *out++ = static_cast<char>('0' + version / 10 % 10);
  *out++ = '.';
  *out++ = static_cast<char>('0' + version % 10);
  return out;
}

// `start_line` (with its CRLF), the fields, a Server-Timing field if `timing`, the blank line.
std::string with_fields(std::string_view start_line, const bhttp::fields& fields,
                        const Timing* timing) {
  char timing_line[kServerTimingSize + 32];
  char* timing_end = timing_line;
  if (timing) {
    timing_end = put(timing_line, "Server-Timing: ");
    timing_end = write_server_timing(timing_end, *timing);
    timing_end = put(timing_end, "\r\n");
  }
  std::size_t size = start_line.size() + static_cast<std::size_t>(timing_end - timing_line) + 2;
  for (const auto& field : fields) size += field.name_string().size() + field.value().size() + 4;
  std::string bytes(size, '\0');
  char* out = put(bytes.data(), start_line);
  for (const auto& field : fields) {
    out = put(out, field.name_string());
    out = put(out, ": ");
    out = put(out, field.value());
    out = put(out, "\r\n");
  }
  out = put(out, std::string_view(timing_line, static_cast<std::size_t>(timing_end - timing_line)));
  put(out, "\r\n");
  return bytes;
}

}  // namespace

std::string header_bytes(const Request::header_type& header) {
  std::string start_line;
  start_line.reserve(header.method_string().size() + header.target().size() + 12);
  start_line += header.method_string();
  start_line += ' ';
  start_line += header.target();
  start_line += ' ';
  char version[8];
  start_line.append(version, put_version(version, header.version()));
  start_line += "\r\n";
  return with_fields(start_line, header, nullptr);
}

std::string header_bytes(const Response::header_type& header, const Timing* timing) {
  // "HTTP/1.1 200 OK\r\n", on the stack: a reason longer than a status line should be is cut.
  char line[128];
  char* out = put_version(line, header.version());
  const unsigned status = header.result_int();
  *out++ = ' ';
  *out++ = static_cast<char>('0' + status / 100 % 10);
  *out++ = static_cast<char>('0' + status / 10 % 10);
  *out++ = static_cast<char>('0' + status % 10);
  *out++ = ' ';
  std::string_view reason = header.reason();
  out = put(out, reason.substr(0, std::min<std::size_t>(reason.size(), 100)));
  out = put(out, "\r\n");
  return with_fields(std::string_view(line, static_cast<std::size_t>(out - line)), header, timing);
}

}  // namespace parity::http
