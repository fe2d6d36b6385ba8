#include "common/http/wire/multipart.hpp"

#include <cstdint>  // Boost 1.83's rfc7230.hpp uses std::uint8_t without including it

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <optional>
#include <stdexcept>

namespace parity::http {
namespace {

namespace bhttp = boost::beast::http;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A parameter's value: token or quoted-string (param_list keeps the quotes and escapes).
std::string unquote(std::string_view value) {
  if (value.size() < 2 || value.front() != '"') return std::string(value);
  std::string out;
  for (std::size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size()) ++i;
    out += value[i];
  }
  return out;
}

// Looks up `name` in the parameters that follow the first ';' of a header value.
std::optional<std::string> parameter(std::string_view header_value, std::string_view name) {
  auto semi = header_value.find(';');
  if (semi == std::string_view::npos) return std::nullopt;
  for (const auto& param : bhttp::param_list(header_value.substr(semi))) {
    if (boost::beast::iequals(param.first, name)) return unquote(param.second);
  }
  return std::nullopt;
}

}  // namespace

std::string multipart_boundary(std::string_view content_type) {
  auto semi = content_type.find(';');
  if (!boost::beast::iequals(trim(content_type.substr(0, semi)), "multipart/form-data")) return {};
  return parameter(content_type, "boundary").value_or("");
}

MultipartForm parse_multipart(std::string_view body, std::string_view boundary,
                              std::size_t max_parts) {
  if (boundary.empty() || boundary.size() > 70) {
    throw std::invalid_argument("multipart: missing or overlong boundary");
  }
  const std::string delimiter = "--" + std::string(boundary);
  auto first = body.find(delimiter);
  if (first == std::string_view::npos)
    throw std::invalid_argument("multipart: no boundary in body");

  MultipartForm form;
  std::size_t pos = first + delimiter.size();
  for (std::size_t parts = 0;; ++parts) {
    if (body.substr(pos, 2) == "--") return form;  // the closing delimiter
    if (body.substr(pos, 2) != "\r\n")
      throw std::invalid_argument("multipart: malformed delimiter line");
    if (parts == max_parts) throw std::invalid_argument("multipart: too many parts");
    pos += 2;

    auto headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos)
      throw std::invalid_argument("multipart: part without headers end");
    auto next = body.find("\r\n" + delimiter, headers_end + 4);
    if (next == std::string_view::npos) throw std::invalid_argument("multipart: unterminated part");

    std::string name, filename, content_type = "application/octet-stream";
    bool has_filename = false;
    std::string_view headers = body.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      auto line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos)
        throw std::invalid_argument("multipart: malformed part header");
      auto key = trim(line.substr(0, colon));
      auto value = trim(line.substr(colon + 1));
      if (boost::beast::iequals(key, "Content-Disposition")) {
        name = parameter(value, "name").value_or("");
        // A file is a part with a filename parameter, even an empty one (a browser's empty file
        // input). Not "filename=" anywhere in the line: a field named "filename=x", or
        // name="filenam\e=" (unquoted, the same), read as a file whose filename was empty.
        auto file = parameter(value, "filename");
        has_filename = file.has_value();
        filename = file.value_or("");
      } else if (boost::beast::iequals(key, "Content-Type")) {
        content_type = std::string(value);
      }
    }
    if (name.empty()) throw std::invalid_argument("multipart: part without a field name");

    std::string part_body(body.substr(headers_end + 4, next - (headers_end + 4)));
    if (has_filename) {
      form.files.push_back(
          {std::move(name), std::move(filename), std::move(content_type), std::move(part_body)});
    } else {
      form.fields.emplace_back(std::move(name), std::move(part_body));
    }
    pos = next + 2 + delimiter.size();
  }
}

}  // namespace parity::http
