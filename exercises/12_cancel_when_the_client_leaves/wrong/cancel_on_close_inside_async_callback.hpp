#pragma once
// Mistake: the binders nested the wrong way round, async_callback(cancel_on_close(...)): the
// fetch sees only async_callback's wrapper, which carries no cancellation slot
// Fails with: the upstream was still working on its call

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
    // async_callback's wrapper does not pass on the slot that cancel_on_close bound inside it.
    services_->client->async_fetch(request, {}, async_callback(cancel_on_close(on_response)));
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<SlowHandler>("/slow", "", &services);
}

}  // namespace exercise
