#pragma once
// Mistake: each call co_awaited before the next is started, so they never overlap
// Fails with: the three calls were not all in flight at once

#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;
namespace json = boost::json;

class GatherHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> get() {
    int n = static_cast<int>(int_argument("n", 3, 1, 20));
    json::array results;
    try {
      for (int i = 0; i < n; ++i) {
        http::FetchRequest request{"GET", services_->upstream + "/delay?i=" + std::to_string(i)};
        http::FetchOptions options;
        auto response =
            co_await services_->client->async_fetch(request, options, asio::use_awaitable);
        results.push_back(response.json().at("args"));
      }
    } catch (const http::FetchError&) {
      co_return send_error(502, "the upstream failed");
    }
    finish(json::value{{"results", results}});
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<GatherHandler>("/gather", "", &services);
}

}  // namespace exercise
