// A multipart/form-data body (RFC 7578) as RequestHandler reads one: the first line is the
// request's Content-Type, the rest its body. A body is refused with std::invalid_argument (the
// handler's 400) and a reason, or its parts, written out again, read back the same.
#include "common/http/wire/multipart.hpp"
#include "tests/fuzz/pieces.hpp"

#include <stdexcept>

namespace {

using namespace parity;

// A quoted-string with its quotes and backslashes escaped, as param_list reads it back.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string write_form(const http::MultipartForm& form, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::string out;
  for (const auto& [name, value] : form.fields) {
    out += delimiter + "\r\nContent-Disposition: form-data; name=" + quoted(name) + "\r\n\r\n" +
           value + "\r\n";
  }
  for (const auto& file : form.files) {
    out += delimiter + "\r\nContent-Disposition: form-data; name=" + quoted(file.field) +
           "; filename=" + quoted(file.filename) + "\r\nContent-Type: " + file.content_type +
           "\r\n\r\n" + file.body + "\r\n";
  }
  return out + delimiter + "--\r\n";
}

std::optional<http::MultipartForm> parse(std::string_view body, std::string_view boundary) {
  try {
    return http::parse_multipart(body, boundary, 8);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(std::string_view(e.what()).starts_with("multipart: "));
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto eol = input.find('\n');
  if (eol == std::string_view::npos) return 0;
  const std::string boundary = http::multipart_boundary(input.substr(0, eol));
  if (boundary.empty()) return 0;  // not multipart/form-data: the handler reads no parts
  auto form = parse(input.substr(eol + 1), boundary);
  if (!form) return 0;
  for (const auto& [name, value] : form->fields) FUZZ_CHECK(!name.empty());
  for (const auto& file : form->files) FUZZ_CHECK(!file.field.empty());
  // Fields and files come back apart (each list in order), which is all a handler sees.
  auto again = parse(write_form(*form, boundary), boundary);
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->fields == form->fields);
  FUZZ_CHECK(again->files.size() == form->files.size());
  for (std::size_t i = 0; i < form->files.size(); ++i) {
    const auto &a = form->files[i], &b = again->files[i];
    FUZZ_CHECK(a.field == b.field && a.filename == b.filename && a.body == b.body &&
               a.content_type == b.content_type);
  }
  return 0;
}
