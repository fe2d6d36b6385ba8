// The JSON the demo's endpoints accept: /cmdb/import's body (parse_cmdb_payload), a handler's
// json_body() (http::parse_json) and /cmdb/search's query (parse_cmdb_query). A body accepted
// reads back the same once written out (as it is, passed on to the upstream); a payload accepted
// is never empty.
#include "app/demo/endpoint.hpp"
#include "common/http/arguments.hpp"
#include "common/http/request_handler.hpp"
#include "tests/fuzz/pieces.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace json = boost::json;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  auto plain = parity::http::parse_json(body, ec);
  if (!ec) FUZZ_CHECK(json::parse(json::serialize(plain)) == plain);
  auto payload = parity::demo::parse_cmdb_payload(body);
  if (payload) {
    FUZZ_CHECK(!ec && *payload == plain);
    FUZZ_CHECK(!payload->is_null());
    FUZZ_CHECK(json::parse(json::serialize(*payload)) == *payload);
  } else {
    FUZZ_CHECK(ec || plain.is_null() || (plain.is_array() && plain.as_array().empty()) ||
               (plain.is_object() && plain.as_object().empty()));
  }
  // The query object holds each name once, with its last value.
  auto query = parity::demo::parse_cmdb_query(body);
  auto list = parity::http::parse_query(body);
  for (const auto& [key, value] : query) {
    auto last = parity::http::last_value(list, std::string_view(key.data(), key.size()));
    FUZZ_CHECK(last && value.is_string() && value.as_string() == *last);
  }
  return 0;
}
