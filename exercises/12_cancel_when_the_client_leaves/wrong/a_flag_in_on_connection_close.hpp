#pragma once
// Mistake: on_connection_close() only sets a flag, to drop the answer when it comes; the call
// itself is never cancelled
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
      if (client_left_) return;  // the answer dropped when it comes, in a minute
      if (ec) return send_error(502, "the upstream failed");
      finish(response.body);
    };
    http::FetchRequest request{"GET", services_->upstream + "/delay?ms=60000"};
    services_->client->async_fetch(request, {}, async_callback(on_response));
  }

  // Noticed, but nothing is cancelled: the call goes on.
  void on_connection_close() override { client_left_ = true; }

 private:
  const Services* services_ = nullptr;
  bool client_left_ = false;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<SlowHandler>("/slow", "", &services);
}

}  // namespace exercise
