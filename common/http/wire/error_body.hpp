#pragma once
// error_body() is the one JSON shape of every error answer: the server's own (a malformed request,
// a body too large) and a handler's (web/http_error.hpp).

#include <string>
#include <string_view>

namespace parity::http {

// The standard reason phrase of `status` ("Not Found"), or "Unknown" for an unknown code.
std::string_view status_text(unsigned status);

// {"code": 404, "reason": "Not Found", "message": "..."}; message is omitted when empty.
std::string error_body(unsigned status, std::string_view message);

}  // namespace parity::http
