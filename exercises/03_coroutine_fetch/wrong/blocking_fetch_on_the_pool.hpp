#pragma once
// Mistake: the thread pool style handed in for the coroutine: the blocking fetch co_awaited on
// the pool, which never blocks the loop but never uses async_fetch either
// Fails with: GET /fetch never called services_->client->async_fetch(...)

#include "exercises/support/world.hpp"

#include "common/loop/run_in_executor.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> get() {
    auto fetch = [url = services_->upstream + "/delay"] {
      return http::fetch_blocking({"GET", url});
    };
    try {
      auto response = co_await run_in_executor(*services_->pool, fetch, asio::use_awaitable);
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
