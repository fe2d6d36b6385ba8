#pragma once
// Exercise 14: seed 000's CMDB import handler, with answers a caller can act on.
// The parts are in README.md; `parity learn check 14` runs their tests.

#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;
namespace json = boost::json;

inline constexpr auto kUpstreamTimeout = std::chrono::milliseconds(300);

// POST /import/{pk} with a JSON list of instances: imported into the CMDB by
// POST {upstream}/object/{pk}/instance/_import with the same list.
class ImportHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> post() {
    // TODO: as seed 000 wrote it, every failure answers 200 with {}, and a caller cannot tell
    // it from success. Answer instead:
    //   400 {"message": "Invalid input data"}            the body is not a non-empty JSON list
    //   200 {"message": "POST request successful", "data": <the CMDB's "data">}
    //   400 {"message": <the CMDB's "message">}         the CMDB refused the instances (400)
    //   502                                              the CMDB failed or could not be reached
    //   504                                              no answer within kUpstreamTimeout
    json::value body = json::parse(request().body(), ignored_);
    http::FetchRequest call{
        "POST", services_->upstream + "/object/" + path_arg("pk") + "/instance/_import"};
    http::FetchOptions options;
    options.json = body;
    try {
      auto response = co_await services_->client->async_fetch(call, options, asio::use_awaitable);
      finish(json::value{{"message", "POST request successful"},
                         {"data", response.json().at("data")}});
    } catch (const std::exception&) {
      finish(json::object{});
    }
  }

 private:
  const Services* services_ = nullptr;
  boost::system::error_code ignored_;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<ImportHandler>(R"(/import/(?P<pk>\w+))", "", &services);
}

}  // namespace exercise
