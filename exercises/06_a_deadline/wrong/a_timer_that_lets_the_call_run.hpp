#pragma once
// Mistake: a timer answers 504 at the deadline, but the call to the upstream goes on running
// Fails with: the call to the upstream went on after the deadline

#include "exercises/support/world.hpp"

#include <boost/asio/steady_timer.hpp>

#include <optional>

namespace exercise {

using namespace parity;
using exercises::Services;

inline constexpr auto kDeadline = std::chrono::milliseconds(200);

class BoundedHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }

  void get() {
    http::FetchRequest request{"GET", services_->upstream + "/delay?ms=" +
                                          std::to_string(int_argument("ms", 10, 0, 60'000))};
    http::FetchOptions options;  // no timeout of its own: the timer below is the deadline
    services_->client->async_fetch(
        request, options,
        async_callback([this](boost::system::error_code ec, http::FetchResponse response) {
          if (finished()) return;  // the timer answered first
          if (ec) return send_error(502, "the upstream failed");
          finish(response.body);
        }));
    timer_.emplace(get_executor(), kDeadline);
    timer_->async_wait(async_callback([this](boost::system::error_code ec) {
      if (!ec && !finished()) send_error(504, "the upstream took too long");
    }));
  }

 private:
  const Services* services_ = nullptr;
  std::optional<asio::steady_timer> timer_;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<BoundedHandler>("/bounded", "", &services);
}

}  // namespace exercise
