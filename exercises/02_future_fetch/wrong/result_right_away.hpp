#pragma once
// Mistake: result() read right after async_fetch returned the Future, before it is done
// Fails with: Future::result() before the future is done

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
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    Future<http::FetchResponse> response =
        services_->client->async_fetch(request, {}, use_future(get_executor()));
    finish(response.result().body);
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
