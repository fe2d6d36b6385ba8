// The JSON the demo's endpoints accept: /cmdb/import's body (parse_cmdb_payload), a handler's
// json_body() (http::parse_json) and /cmdb/search's query (parse_cmdb_query). A body accepted
// reads back the same once written out (as it is, passed on to the upstream); a payload accepted
// is never empty.
#include "app/demo/endpoint.hpp"
#include "common/http/web/request_handler.hpp"
#include "common/http/wire/arguments.hpp"
#include "tests/fuzz/pieces.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>

namespace {

namespace json = boost::json;

// Equal, but for doubles within one step of each other. Boost 1.81 reads a number's digits to
// within one ulp, not always to the nearest double (1.83's number_precision::precise does), so
// 18446744073709973048 read, written and read again may come back one ulp away. Known, not ours
// to fix short of a number parser of our own: tests/fuzz/README.md.
bool same(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    double x = a.get_double(), y = b.get_double();
    return x == y || std::nextafter(x, y) == y;
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!same(p[i], q[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& [key, value] : p) {
      auto* other = q.if_contains(key);
      if (!other || !same(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  auto plain = parity::http::parse_json(body, ec);
  if (!ec) FUZZ_CHECK(same(json::parse(json::serialize(plain)), plain));
  auto payload = parity::demo::parse_cmdb_payload(body);
  if (payload) {
    FUZZ_CHECK(!ec && *payload == plain);
    FUZZ_CHECK(!payload->is_null());
    FUZZ_CHECK(same(json::parse(json::serialize(*payload)), *payload));
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
