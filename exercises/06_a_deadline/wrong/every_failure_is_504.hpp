#pragma once
// Mistake: every failed fetch answered 504, a refused connection too: not only the timeout
// Fails with: only a timeout is 504

#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;

inline constexpr auto kDeadline = std::chrono::milliseconds(200);

class BoundedHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  // GET /bounded?ms=N asks the upstream for an answer that takes N ms.
  asio::awaitable<void> get() {
    http::FetchRequest request{"GET", services_->upstream + "/delay?ms=" +
                                          std::to_string(int_argument("ms", 10, 0, 60'000))};
    http::FetchOptions options;
    options.timeout = kDeadline;  // the whole call: connect, send, answer
    try {
      auto response =
          co_await services_->client->async_fetch(request, options, asio::use_awaitable);
      finish(response.body);
    } catch (const http::FetchError&) {
      send_error(504, "the upstream took too long");
    }
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<BoundedHandler>("/bounded", "", &services);
}

}  // namespace exercise
