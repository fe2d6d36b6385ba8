#pragma once
// Mistake: the call started with std::async, then .get() on the loop, which waits right there
// Fails with: the two lookups never ran at the same time

#include "exercises/support/world.hpp"

#include <future>

namespace exercise {

using namespace parity;
using exercises::Services;

class LookupHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  void get() {
    std::string key = argument("key").value_or("none");
    auto value = std::async(std::launch::async,
                            [library = services_->library, key] { return library->lookup(key); });
    finish(value.get());
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<LookupHandler>("/lookup", "", &services);
}

}  // namespace exercise
