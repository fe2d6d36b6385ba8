#pragma once
// Exercise 12, a solution: the call bound to the close signal with cancel_on_close.

#include "exercises/support/world.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

// GET /slow asks the upstream for an answer that takes a minute.
class SlowHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }

  void get() {
    auto on_response = [this](boost::system::error_code ec, http::FetchResponse response) {
      if (ec) return send_error(502, "the upstream failed");
      finish(response.body);
    };
    http::FetchRequest request{"GET", services_->upstream + "/delay?ms=60000"};
    services_->client->async_fetch(request, {}, cancel_on_close(async_callback(on_response)));
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<SlowHandler>("/slow", "", &services);
}

}  // namespace exercise
