#pragma once
// Exercise 02, a solution: the fetch returns a Future; its done callback answers.

#include "exercises/support/world.hpp"
#include "common/future/use_future.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;  // the done callback finishes the request
  void initialize(const Services* services) { services_ = services; }

  void get() {
    auto on_done = [this](Future<http::FetchResponse> done) {
      if (done.exception()) return send_error(502, "the upstream failed");
      finish(done.result().body);
    };
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    Future<http::FetchResponse> response =
        services_->client->async_fetch(request, {}, cancel_on_close(use_future(get_executor())));
    response.add_done_callback(async_callback(on_done));
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
