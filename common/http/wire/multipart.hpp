#pragma once
// multipart/form-data bodies (RFC 7578), as browsers and curl -F send file uploads.
// Debian packages no C++ multipart parser; header parameters are parsed by Beast's param_list.

#include "common/http/wire/arguments.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parity::http {

struct UploadedFile {
  std::string field;         // the form field's name
  std::string filename;      // as the client sent it: untrusted, never a path to use as is
  std::string content_type;  // of the part; "application/octet-stream" if absent
  std::string body;
};

struct MultipartForm {
  ArgumentList fields;              // parts without a filename
  std::vector<UploadedFile> files;  // parts with one
};

// The boundary parameter of a multipart/form-data Content-Type, or empty if `content_type` is
// not multipart/form-data or has none.
std::string multipart_boundary(std::string_view content_type);

// Splits `body` into its parts. Throws std::invalid_argument, saying why, for a body that does
// not follow the format or holds more than `max_parts` parts.
MultipartForm parse_multipart(std::string_view body, std::string_view boundary,
                              std::size_t max_parts = 1000);

}  // namespace parity::http
