#pragma once
// Mistake: exercise 01's callback, handed in for exercise 02's Future
// Fails with: but Exercise 02 is about use_future (a Future)

#include "exercises/support/world.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
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
