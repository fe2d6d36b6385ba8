#pragma once
// Mistake: exercise 03's coroutine, handed in for exercise 01's callback
// Fails with: but Exercise 01 is about a callback

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
    http::FetchOptions options;
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
