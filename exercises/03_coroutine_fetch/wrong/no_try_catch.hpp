#pragma once
// Mistake: no try/catch around the co_await, so a failed fetch escapes as an exception (500)
// Fails with: the failed fetch escaped as an exception; catch http::FetchError

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
    auto response = co_await services_->client->async_fetch(request, options, asio::use_awaitable);
    finish(response.body);
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
