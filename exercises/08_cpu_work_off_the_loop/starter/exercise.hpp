#pragma once
// Exercise 08: move CPU work off the loop.
// The parts are in README.md; `parity learn check 08` runs their tests.

#include "common/loop/run_in_executor.hpp"
#include "exercises/support/world.hpp"

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
    // TODO: crunch() never waits, so there is no co_await inside it to give the loop's thread
    // back: every other request waits until it is done. Run it on services_->pool instead.
    bool finished = services_->library->crunch();
    finish(boost::json::value{{"gave_up", !finished}});
    co_return;
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
