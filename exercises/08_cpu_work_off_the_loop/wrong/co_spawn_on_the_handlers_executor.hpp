#pragma once
// Mistake: the crunch made a coroutine of its own, co_spawn-ed on get_executor(): the handler's
// strand, on the loop's thread, as before
// Fails with: GET /ping was answered only after the crunch gave up

#include "exercises/support/world.hpp"

#include <boost/asio/co_spawn.hpp>
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
    auto loop = get_executor();
    auto work = crunch(services_->library);
    bool finished = co_await asio::co_spawn(loop, std::move(work), asio::use_awaitable);
    finish(boost::json::value{{"gave_up", !finished}});
  }

 private:
  static asio::awaitable<bool> crunch(exercises::SlowLibrary* library) {
    co_return library->crunch();
  }
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
