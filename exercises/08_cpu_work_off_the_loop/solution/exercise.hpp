#pragma once
// Exercise 08, a solution: the CPU work on the pool; the loop stays free.

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
    auto work = [library = services_->library] { return library->crunch(); };
    bool finished = co_await run_in_executor(*services_->pool, work, asio::use_awaitable);
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
