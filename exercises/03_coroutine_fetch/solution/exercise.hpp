#pragma once
// Exercise 03, a solution: get() is a coroutine and co_awaits the fetch.

#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> get() {
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    http::FetchOptions options;  // named: GCC 12 wants no temporaries inside co_await
    try {
      auto response =
          co_await services_->client->async_fetch(request, options, asio::use_awaitable);
      finish(response.body);
    } catch (const http::FetchError&) {
      send_error(502, "the upstream failed");
    }
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
