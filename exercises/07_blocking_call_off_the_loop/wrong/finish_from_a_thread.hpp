#pragma once
// Mistake: the blocking call moved to a std::thread of its own, which calls finish() from there
// Fails with: finish() was called outside the handler's strand

#include "exercises/support/world.hpp"

#include <thread>

namespace exercise {

using namespace parity;
using exercises::Services;

class LookupHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }

  void get() {
    std::string key = argument("key").value_or("none");
    std::thread([self = shared_from_this(), this, key] {
      finish(services_->library->lookup(key));
    }).detach();
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<LookupHandler>("/lookup", "", &services);
}

}  // namespace exercise
