#pragma once
// Exercise 05: fetch n answers at once, and keep their order.
// The parts are in README.md; `parity learn check 05` runs their tests.

#include "exercises/support/world.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;
namespace json = boost::json;

// Call i of n: the first is the slowest, so answers come back in the reverse order.
inline http::FetchRequest nth_request(const Services& services, int i, int n) {
  return {"GET", services.upstream + "/delay?i=" + std::to_string(i) +
                     "&ms=" + std::to_string((n - i) * 20)};
}

class GatherHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> get() {
    int n = static_cast<int>(int_argument("n", 3, 1, 20));
    json::array results;
    http::FetchOptions options;
    try {
      // TODO: these calls run one after the other, so n calls take n waits. Start all n at
      // once and wait for all of them, keeping the answers in the order they were asked for.
      for (int i = 0; i < n; ++i) {
        auto request = nth_request(*services_, i, n);
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
