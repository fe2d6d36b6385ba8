#pragma once
// Mistake: the blocking fetch posted to the thread pool, and finish() called from a pool thread
// Fails with: finish() was called outside the handler's strand

#include "exercises/support/world.hpp"

#include <boost/asio/post.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }

  void get() {
    asio::post(*services_->pool, [self = shared_from_this(), this] {
      try {
        finish(http::fetch_blocking({"GET", services_->upstream + "/delay"}).body);
      } catch (const http::FetchError&) {
        send_error(502, "the upstream failed");
      }
    });
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
