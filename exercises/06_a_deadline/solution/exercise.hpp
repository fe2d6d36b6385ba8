#pragma once
// Exercise 06, a solution: the fetch's own timeout as the deadline; a timeout is 504.

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
    } catch (const http::FetchError& e) {
      if (http::is_timeout(e.code())) co_return send_error(504, "the upstream took too long");
      send_error(502, "the upstream failed");
    }
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<BoundedHandler>("/bounded", "", &services);
}

}  // namespace exercise
