#pragma once
// Exercise 05, a solution: one parallel group of deferred fetches; its results come in order.

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
    using Call = decltype(services_->client->async_fetch({}, {}, asio::deferred));
    std::vector<Call> calls;
    for (int i = 0; i < n; ++i)
      calls.push_back(
          services_->client->async_fetch(nth_request(*services_, i, n), {}, asio::deferred));
    auto group = asio::experimental::make_parallel_group(std::move(calls));
    auto [order, errors, responses] =
        co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    json::array results;  // by position in `calls`, not by `order`, which is when each finished
    for (int i = 0; i < n; ++i) {
      if (errors[i]) co_return send_error(502, "the upstream failed");
      results.push_back(responses[i].json().at("args"));
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
