#pragma once
// Mistake: the Future made on the loop's executor instead of the handler's, so its done
// callback runs on the loop, outside the handler's strand
// Fails with: finish() was called outside the handler's strand

#include "exercises/support/world.hpp"
#include "common/future/use_future.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }

  void get() {
    auto on_done = [self = shared_from_this(), this](Future<http::FetchResponse> done) {
      if (done.exception()) return send_error(502, "the upstream failed");
      finish(done.result().body);
    };
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    auto loop = get_executor().get_inner_executor();
    Future<http::FetchResponse> response =
        services_->client->async_fetch(request, {}, use_future(loop));
    response.add_done_callback(on_done);
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
