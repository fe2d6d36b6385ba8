// Lesson 12: SDKs, as seed 000 writes them. The client's requests-style options (params, json,
// data, headers, timeout), shown by a server that echoes what it received; the CMDB import
// handler with the blocking SDK on a pool and with the async SDK; and the answers it gives when
// the input or the upstream is wrong: 400, 502, 504.

#include "tutorials/12_sdks/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/http/server/server_thread.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parity::tutorials {
namespace {

namespace json = boost::json;

// Answers with what it received: the method, the query, two headers and the body.
class EchoHandler : public http::RequestHandler {
 public:
  void get() { echo(); }
  void post() { echo(); }

 private:
  void echo() {
    auto header = [this](http::field name) { return std::string(request()[name]); };
    finish(json::value{{"method", std::string(request().method_string())},
                       {"query", std::string(query())},
                       {"content_type", header(http::field::content_type)},
                       {"org", std::string(request()["org"])},
                       {"body", request().body()}});
  }
};

struct EchoServer {
  http::ServerThread server;
  EchoServer() {
    auto app = std::make_shared<http::Application>();
    app->add<EchoHandler>("/echo");
    http::ServerOptions quiet;
    quiet.access_log = false;
    server.start(app, quiet);
  }
};

std::string what_arrived(const http::FetchResponse& response) {
  auto echo = json::parse(response.body).as_object();
  std::string text;
  for (const auto& [key, value] : echo) {
    auto shown = value.is_string() ? std::string(value.as_string()) : json::serialize(value);
    if (!shown.empty()) text += fmt::format("    {:<12} {}\n", std::string(key) + ":", shown);
  }
  return text;
}

StepResult the_options_of_the_sdk() {
  EchoServer echo;
  upstream::EmbeddedUpstream slow{upstream::Options{}};
  const auto url = echo.server.url("/echo");
  // [excerpt: options]
  http::FetchOptions with_params;
  with_params.params = {{"name", "web 1"}, {"page", "2"}};
  with_params.headers = {{"org", "7"}};
  auto a = http::fetch_blocking({"GET", url}, with_params);

  http::FetchOptions with_json;
  with_json.json = json::array{{{"name", "web-1"}}};
  auto b = http::fetch_blocking({"POST", url}, with_json);

  http::FetchOptions with_form;
  with_form.data = http::ArgumentList{{"name", "web 1"}, {"os", "linux"}};
  auto c = http::fetch_blocking({"POST", url}, with_form);

  http::FetchOptions impatient;
  impatient.timeout = 100ms;
  // [/excerpt]
  std::string timeout_error;
  try {
    http::fetch_blocking({"GET", slow.url() + "/delay?ms=1000"}, impatient);
  } catch (const http::FetchError& e) {
    timeout_error = e.what();
  }
  StepResult result;
  result.output = fmt::format(
      "params + headers, what the server received:\n{}"
      "json, what the server received:\n{}"
      "data (a form), what the server received:\n{}"
      "timeout = 100ms against /delay?ms=1000:\n    FetchError: {}\n",
      what_arrived(a), what_arrived(b), what_arrived(c), timeout_error);
  result.notice =
      "requests' keywords, as seed 000's SDK passes them: params are percent-encoded into the "
      "query, json sets the body and its Content-Type, data sends a url-encoded form, headers are "
      "added, timeout bounds the whole call (queue, connect, answer).";
  result.figures["query_encoded"] = a.body.find("name=web%201&page=2") != std::string::npos;
  result.figures["json_type"] = b.body.find("application/json") != std::string::npos;
  result.figures["form_type"] =
      c.body.find("application/x-www-form-urlencoded") != std::string::npos;
  result.figures["timed_out"] = timeout_error.find("timed out") != std::string::npos;
  return result;
}

// The demo's answer without the fields every answer has (style, started_at, finished_at).
std::string without_timestamps(const std::string& body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return body;
  for (const char* key : {"style", "started_at", "finished_at"}) value.as_object().erase(key);
  return json::serialize(value);
}

// POST /{style}/cmdb/import/{pk} with `body`: the status and the answer, on one line.
std::string import(const std::string& base, const std::string& style, const std::string& body,
                   unsigned& status) {
  http::FetchOptions options;
  options.data = body;
  options.headers = {{"Content-Type", "application/json"}};
  options.raise_error = false;
  auto response = http::fetch_blocking({"POST", base + "/" + style + "/cmdb/import/host"}, options);
  status = response.status;
  return fmt::format("HTTP {} {}", response.status, without_timestamps(response.body));
}

StepResult blocking_sdk_on_a_pool_and_async_sdk() {
  Demo demo;
  int removed = 0, added = 0;
  auto diff = style_diff("cmdb_import", "threadpool", "coroutine", removed, added);
  unsigned pool_status = 0, async_status = 0;
  auto on_pool = import(demo.service.url(), "threadpool", R"([{"name":"web-1"}])", pool_status);
  auto in_loop = import(demo.service.url(), "coroutine", R"([{"name":"web-2"}])", async_status);
  StepResult result;
  result.output = diff + fmt::format(
                             "\nPOST /threadpool/cmdb/import/host [{{\"name\":\"web-1\"}}]\n  {}\n"
                             "POST /coroutine/cmdb/import/host  [{{\"name\":\"web-2\"}}]\n  {}\n",
                             on_pool, in_loop);
  result.notice =
      "seed 000's two SDKs: requests on a ThreadPoolExecutor (import_blocking on the pool, "
      "awaited) and AsyncHTTPClient (async_import, awaited). Same answer; the first holds a pool "
      "thread for each call in flight, the second holds nothing but its connection.";
  result.figures["pool_status"] = pool_status;
  result.figures["async_status"] = async_status;
  return result;
}

StepResult the_import_handlers_errors() {
  // An upstream that refuses connections: a port held bound and never listening, so that no one
  // else takes it meanwhile (a port bound and closed could be reused, even by a connect's own end).
  asio::io_context io;
  asio::ip::tcp::socket refusing(io, asio::ip::tcp::v4());
  refusing.bind({asio::ip::make_address("127.0.0.1"), 0});
  const unsigned short closed_port = refusing.local_endpoint().port();
  // An upstream that accepts and never answers: a listening socket nobody reads.
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto silent_url = fmt::format("http://127.0.0.1:{}", silent.local_endpoint().port());

  Demo demo;
  app::ServiceThread refused{{.upstream_url = fmt::format("http://127.0.0.1:{}", closed_port)}};
  app::ServiceThread unanswered{{.upstream_url = silent_url, .upstream_timeout = 200ms}};
  unsigned empty = 0, invalid = 0, down = 0, slow = 0;
  const std::string one = R"([{"name":"web-1"}])";
  std::string text;
  text += "  an empty list:              " + import(demo.service.url(), "coroutine", "[]", empty);
  text += "\n  an instance without a name: " +
          import(demo.service.url(), "coroutine", R"([{"os":"linux"}])", invalid);
  text += "\n  the upstream refuses:       " + import(refused.url(), "coroutine", one, down);
  text += "\n  the upstream never answers: " + import(unanswered.url(), "coroutine", one, slow);
  StepResult result;
  result.output = "POST /coroutine/cmdb/import/host, when something is wrong:\n" + text + "\n";
  result.notice =
      "each failure has its own status: the client's mistakes are 400 (the upstream's own "
      "message passed on), an upstream that fails is 502, one that is too slow is 504. The seed "
      "answered 200 with {} for all of them, which a caller cannot tell from success.";
  result.figures["empty"] = empty;
  result.figures["invalid"] = invalid;
  result.figures["down"] = down;
  result.figures["slow"] = slow;
  return result;
}

}  // namespace

Lesson sdks_lesson() {
  return {.id = "12",
          .folder = "tutorials/12_sdks",
          .title = "SDKs",
          .seeds = "000",
          .minutes = 15,
          .steps = {
              {"12.1", "the SDK's options: params, json, data, headers, timeout",
               the_options_of_the_sdk},
              {"12.2", "the blocking SDK on a pool, the async SDK",
               blocking_sdk_on_a_pool_and_async_sdk},
              {"12.3", "the import handler's errors: 400, 502, 504", the_import_handlers_errors}}};
}

}  // namespace parity::tutorials
