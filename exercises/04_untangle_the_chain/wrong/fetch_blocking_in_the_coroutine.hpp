#pragma once
// Mistake: a coroutine that calls fetch_blocking instead of co_await-ing async_fetch, so each
// step holds the loop's thread until its answer comes
// Fails with: two chains sent at once did not run side by side

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
    json::array steps;
    std::string previous;
    try {
      for (int step = 1; step <= 3; ++step) {
        // No co_await: the loop's thread waits here, and every other request with it.
        auto response = http::fetch_blocking(step_request(*services_, step, previous));
        auto args = response.json().at("args");
        previous = std::string(args.at("step").as_string());
        steps.push_back(args);
      }
    } catch (const http::FetchError&) {
      co_return send_error(502, "the upstream failed");
    }
    finish(json::value{{"steps", steps}});
  }

 private:
  const Services* services_ = nullptr;
};

inline void mount(http::Application& app, const Services& services) {
  app.add<CallbackChainHandler>("/callback-chain", "", &services)
      .add<ChainHandler>("/chain", "", &services);
}

}  // namespace exercise
