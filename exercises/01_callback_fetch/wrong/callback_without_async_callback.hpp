#pragma once
// Mistake: async_fetch with a lambda that keeps shared_from_this() but is not wrapped in
// async_callback(), so it runs on the client's executor, not the handler's strand
// Fails with: finish() was called outside the handler's strand

#include "exercises/support/world.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }

  void get() {
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    services_->client->async_fetch(request, {},
                                   [self = shared_from_this(), this](boost::system::error_code ec,
                                                                     http::FetchResponse response) {
                                     if (ec) return send_error(502, "the upstream failed");
                                     finish(response.body);
                                   });
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
