#pragma once
// Mistake: the callback is right, but the class does not say it is asynchronous, so it would be
// finished, empty, as get() returns
// Fails with: made an async_callback() but is not declared asynchronous

#include "exercises/support/world.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  void get() {
    auto on_response = [this](boost::system::error_code ec, http::FetchResponse response) {
      if (ec) return send_error(502, "the upstream failed");
      finish(response.body);
    };
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    services_->client->async_fetch(request, {}, async_callback(on_response));
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
