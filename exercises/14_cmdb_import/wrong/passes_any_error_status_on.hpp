#pragma once
// Mistake: every error status of the CMDB passed on as it came, its 500 too: only its 400 is
// the caller's fault
// Fails with: only the CMDB's 400 is passed on

#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;
namespace json = boost::json;

inline constexpr auto kUpstreamTimeout = std::chrono::milliseconds(300);

class ImportHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> post() {
    boost::system::error_code ec;
    json::value body = json::parse(request().body(), ec);
    if (ec || !body.is_array() || body.as_array().empty())
      co_return answer(400, {{"message", "Invalid input data"}});
    http::FetchRequest call{
        "POST", services_->upstream + "/object/" + path_arg("pk") + "/instance/_import"};
    http::FetchOptions options;
    options.json = body;
    options.timeout = kUpstreamTimeout;
    options.raise_error = false;  // an error status is an answer to read, not an exception
    try {
      auto response = co_await services_->client->async_fetch(call, options, asio::use_awaitable);
      if (response.status == 400)  // the CMDB refused the instances, and says why
        co_return answer(400, {{"message", response.json().at("message")}});
      if (response.status >= 400)  // its other errors too, as they came
        co_return answer(response.status, {{"message", "the CMDB failed"}});
      answer(200, {{"message", "POST request successful"}, {"data", response.json().at("data")}});
    } catch (const http::FetchError& e) {  // no answer at all
      if (http::is_timeout(e.code()))
        co_return answer(504, {{"message", "the CMDB took too long"}});
      answer(502, {{"message", "the CMDB could not be reached"}});
    }
  }

 private:
  void answer(unsigned status, json::object fields) {
    set_status(status);
    finish(json::value(std::move(fields)));
  }
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<ImportHandler>(R"(/import/(?P<pk>\w+))", "", &services);
}

}  // namespace exercise
