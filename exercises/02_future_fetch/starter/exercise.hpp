#pragma once
// Exercise 02: make the blocking fetch handler asynchronous, with a Future.
// The parts are in README.md; `parity learn check 02` runs their tests.

#include "exercises/support/world.hpp"
#include "common/future/use_future.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  // TODO: fetch_blocking holds the loop's thread until the upstream answers, and every other
  // request waits. Have services_->client->async_fetch(...) return a Future (use_future) and
  // answer from the Future's done callback instead.
  void get() {
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    auto response = http::fetch_blocking(request);
    finish(response.body);
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
