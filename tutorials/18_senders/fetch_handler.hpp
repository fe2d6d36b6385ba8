#pragma once
// Lesson 18's /fetch, written with the lesson's senders: the same endpoint as the five styles
// (app/demo/endpoint.hpp decides what it asks and answers), waiting in a sixth way. It lives
// here, not in styles/: the styles never include a lesson, and the lesson only uses the core.
//
// The core's async_delay is unchanged. from_asio gives it a completion token that calls a
// receiver, and async_callback() around that token runs it on the handler's strand, keeping the
// handler (and so the operation state it owns) alive until it has run.

#include "app/demo/endpoint.hpp"
#include "tutorials/18_senders/senders/senders.hpp"

#include <atomic>
#include <exception>
#include <memory>

namespace parity::tutorials::lesson18 {

using demo::UpstreamAnswer;
using namespace parity::senders;

// How many chains of FetchHandler ended in set_stopped(): lesson 18.6 counts the client that left.
inline std::atomic<int> stopped_chains{0};

// [excerpt: handler]
// The upstream call as a sender, then the answer as a `then`; the receiver at the end of the
// chain answers the error, which is the http::FetchError the other styles catch.
class FetchHandler final : public demo::Endpoint {
 public:
  static constexpr bool asynchronous = true;  // finished later, by the chain
  void get() {
    http::ArgumentList params;
    auto reply = from_asio<UpstreamAnswer>([this, params](auto token) {
      upstream().async_delay(params, cancel_on_close(async_callback(std::move(token))));
    });
    auto answered = std::move(reply) | then([this](UpstreamAnswer r) { answer_fetch(r); });
    operation_ = start_owned(std::move(answered), Answered{this});
  }

 private:
  struct Answered {
    FetchHandler* self;
    void set_value() noexcept {}  // answer_fetch() has answered
    void set_error(std::exception_ptr error) noexcept {
      try {
        std::rethrow_exception(error);
      } catch (const http::FetchError& e) {
        self->answer_upstream_error(e);
      } catch (...) {
        self->send_error(500);
      }
    }
    void set_stopped() noexcept { ++stopped_chains; }  // the client left: no one to answer
  };
  std::unique_ptr<Started> operation_;  // the chain's state, while it runs
};
// [/excerpt]

}  // namespace parity::tutorials::lesson18
