#pragma once
// Exercise 12: cancel the upstream call when the client goes away.
// The parts are in README.md; `parity learn check 12` runs their tests.

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
    // TODO: if the client goes away, nobody wants this answer, yet the call goes on for a
    // minute and the upstream works for nobody. Bind the call to the handler's close signal.
    services_->client->async_fetch(request, {}, async_callback(on_response));
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<SlowHandler>("/slow", "", &services);
}

}  // namespace exercise
