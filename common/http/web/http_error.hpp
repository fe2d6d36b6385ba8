#pragma once
// HttpError is what a handler throws to answer with an error status (Tornado's HTTPError). Its
// answer's body is error_body()'s (wire/error_body.hpp), as the server's own error answers are.

#include "common/http/wire/error_body.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

namespace parity::http {

class HttpError : public std::runtime_error {
 public:
  // `reason` is shown to the client; empty means the status's standard text.
  explicit HttpError(unsigned status, std::string reason = {});
  unsigned status() const { return status_; }
  const std::string& reason() const { return reason_; }

 private:
  unsigned status_;
  std::string reason_;
};

}  // namespace parity::http
