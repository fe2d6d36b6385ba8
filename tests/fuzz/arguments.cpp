// Query and path arguments: a query string (or form body) through parse_query, a path through
// the route table's match, which percent-decodes each group. A query's pairs, encoded again, read
// back the same, and each field reads alone as it does among the others; a path's groups, put
// back by reverse_url, match the same route with the same groups.
#include "common/http/wire/arguments.hpp"
#include "common/http/web/application.hpp"
#include "common/http/web/request_handler.hpp"
#include "tests/fuzz/pieces.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace {

using namespace parity;

struct Files : http::RequestHandler {
  void get() { finish(""); }
};

const http::Application& routes() {
  static const http::Application app = [] {
    http::Application a;
    a.add<Files>(R"(/files/([^/]+)/(.*))", "files");
    a.add<Files>(R"(/user/(\d+)/([^/]*))", "user");
    a.add<Files>("/plain", "plain");
    return a;
  }();
  return app;
}

std::string encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

void check_query(std::string_view query) {
  auto list = http::parse_query(query);
  std::string again;
  for (std::size_t i = 0; i < list.size(); ++i)
    again += (i ? "&" : "") + encode(list[i].first) + "=" + encode(list[i].second);
  FUZZ_CHECK(http::parse_query(again) == list);
  // A field's name and value do not depend on the fields beside it.
  http::ArgumentList one_by_one;
  for (std::size_t start = 0; start <= query.size();) {
    auto end = std::min(query.find('&', start), query.size());
    auto field = query.substr(start, end - start);
    if (!field.empty()) {
      auto alone = http::parse_query(field);
      one_by_one.insert(one_by_one.end(), alone.begin(), alone.end());
    }
    start = end + 1;
  }
  http::ArgumentList non_empty;  // Boost.URL reads `a&&b` as three fields, the middle one empty
  for (auto& pair : list)
    if (!pair.first.empty() || !pair.second.empty()) non_empty.push_back(pair);
  http::ArgumentList one_by_one_non_empty;
  for (auto& pair : one_by_one)
    if (!pair.first.empty() || !pair.second.empty()) one_by_one_non_empty.push_back(pair);
  FUZZ_CHECK(non_empty == one_by_one_non_empty);
}

void check_path(std::string_view path) {
  auto found = routes().match(path);
  if (!found || found->route->name == "plain") return;
  auto url = routes().reverse_url(found->route->name, found->args.positional);
  auto again = routes().match(url);
  FUZZ_CHECK(again && again->route == found->route);
  FUZZ_CHECK(again->args.positional == found->args.positional);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto question = input.find('?');
  check_path(input.substr(0, question));
  check_query(question == std::string_view::npos ? input : input.substr(question + 1));
  FUZZ_CHECK(http::decode_percent(encode(input)) == input);
  return 0;
}
