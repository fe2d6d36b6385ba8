#pragma once
// Mistake: still fetch_blocking, with a 10 ms timeout, and on timeout an answer made up to look
// like the upstream's
// Fails with: the answer was not the upstream's: it was made up

#include "exercises/support/world.hpp"

namespace exercise {

using namespace parity;
using exercises::Services;

class FetchHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  void get() {
    http::FetchRequest request{"GET", services_->upstream + "/delay"};
    try {
      finish(http::fetch_blocking(request, {.timeout = std::chrono::milliseconds(10)}).body);
    } catch (const http::FetchError& e) {
      if (!http::is_timeout(e.code())) return send_error(502, "the upstream failed");
      finish(R"({"delay_ms":50,"args":{}})");
    }
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<FetchHandler>("/fetch", "", &services);
}

}  // namespace exercise
