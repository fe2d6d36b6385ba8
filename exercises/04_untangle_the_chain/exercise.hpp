#pragma once
// Exercise 04: untangle a chain of three callbacks into one coroutine.
// The parts are in README.md; `parity learn check 04` runs their tests.

#include "exercises/support/world.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace exercise {

using namespace parity;
using exercises::Services;
namespace json = boost::json;

// The request of step `step`: it names the step before it, as the upstream echoes back.
inline http::FetchRequest step_request(const Services& services, int step,
                                       const std::string& previous) {
  std::string url = services.upstream + "/delay?step=" + std::to_string(step);
  if (!previous.empty()) url += "&previous=" + previous;
  return {"GET", url};
}

// Three calls, each needing the answer of the one before: each callback starts the next.
// It works; it is also what seed 001 calls callback hell. Leave it as it is, to compare.
class CallbackChainHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void initialize(const Services* services) { services_ = services; }
  void get() { call(1, ""); }

 private:
  void call(int step, const std::string& previous) {
    auto on_response = [this, step](boost::system::error_code ec, http::FetchResponse response) {
      if (ec) return send_error(502, "the upstream failed");
      auto args = response.json().at("args");
      steps_.push_back(args);
      if (step == 3) return finish(json::value{{"steps", steps_}});
      call(step + 1, std::string(args.at("step").as_string()));
    };
    services_->client->async_fetch(step_request(*services_, step, previous), {},
                                   async_callback(on_response));
  }
  const Services* services_ = nullptr;
  json::array steps_;
};

// The same three calls as a coroutine: a plain loop, with co_await where each call waits.
class ChainHandler : public http::RequestHandler {
 public:
  void initialize(const Services* services) { services_ = services; }

  asio::awaitable<void> get() {
    // TODO: call step 1, 2 and 3 in turn, each with the step of the answer before it
    // (step_request), and finish with {"steps": [the "args" of each answer]}. Answer 502 if a
    // call fails.
    send_error(501, "not written yet: ChainHandler::get()");
    co_return;
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<CallbackChainHandler>("/callback-chain", "", &services)
      .add<ChainHandler>("/chain", "", &services);
}

}  // namespace exercise
