#pragma once
// Exercise 07: move a blocking library call off the loop.
// The parts are in README.md; `parity learn check 07` runs their tests.

#include "common/loop/run_in_executor.hpp"
#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;

class LookupHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  // GET /lookup?key=K answers the library's value for K.
  asio::awaitable<void> get() {
    std::string key = argument("key").value_or("none");
    // TODO: lookup() blocks the thread it runs on, here the loop's, and every other request
    // waits for it: being a coroutine does not change that. Run it on services_->pool and
    // co_await its result.
    std::string value = services_->library->lookup(key);
    finish(value);
    co_return;
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<LookupHandler>("/lookup", "", &services);
}

}  // namespace exercise
