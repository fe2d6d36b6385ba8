#include "common/http/wire/error_body.hpp"

#include "common/http/wire/types.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace parity::http {

std::string_view status_text(unsigned status) {
  auto text = bhttp::obsolete_reason(bhttp::int_to_status(status));
  return text.empty() ? "Unknown" : std::string_view(text.data(), text.size());
}

std::string error_body(unsigned status, std::string_view message) {
  boost::json::object body{{"code", status}, {"reason", status_text(status)}};
  if (!message.empty()) body["message"] = message;
  return boost::json::serialize(body);
}

}  // namespace parity::http
