#pragma once
// HttpError is what a handler throws to answer with an error status (Tornado's HTTPError).
// error_body() is the one JSON shape of every error the core itself answers.

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

// The standard reason phrase of `status` ("Not Found"), or "Unknown" for an unknown code.
std::string_view status_text(unsigned status);

// {"code": 404, "reason": "Not Found", "message": "..."}; message is omitted when empty.
std::string error_body(unsigned status, std::string_view message);

}  // namespace parity::http
