#pragma once
// Exercise 07, a solution: the blocking call on the pool, its result awaited.

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
    auto call = [library = services_->library, key] { return library->lookup(key); };
    std::string value = co_await run_in_executor(*services_->pool, call, asio::use_awaitable);
    finish(value);
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<LookupHandler>("/lookup", "", &services);
}

}  // namespace exercise
