#pragma once
// Mistake: co_await asio::post(pool) to move the coroutine to the pool, then the crunch; but it
// resumes on the handler's strand, so the crunch still runs on the loop's thread
// Fails with: GET /ping was answered only after the crunch gave up

#include "exercises/support/world.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;

// GET /crunch runs a CPU-bound computation (services_->library->crunch()).
class CrunchHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> get() {
    // It resumes on its own executor, the handler's strand: the loop's thread again.
    co_await asio::post(*services_->pool, asio::use_awaitable);
    bool finished = services_->library->crunch();
    finish(boost::json::value{{"gave_up", !finished}});
  }

 private:
  const Services* services_ = nullptr;
};

// GET /ping: an answer that needs nothing but the loop.
class PingHandler : public http::RequestHandler {
 public:
  void get() { finish("pong"); }
};

inline void mount(http::Application& app, const Services& services) {
  app.add<CrunchHandler>("/crunch", "", &services).add<PingHandler>("/ping");
}

}  // namespace exercise
