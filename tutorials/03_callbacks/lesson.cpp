// Lesson 03: callbacks. The callback style's /fetch next to the sync one; twenty requests at once
// through a client capped at 10 (two waves); siege -c100 -t3s with and without the cap, and the
// seed's 75.86; the chain that becomes callback hell; and what happens when a callback forgets
// finish().

#include "tutorials/03_callbacks/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/http/server/server_thread.hpp"
#include "common/log/log.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>

#include <mutex>

namespace parity::tutorials {
namespace {

namespace json = boost::json;

StepResult the_callback_handler() {
  int removed = 0, added = 0;
  StepResult result;
  result.output = style_diff("fetch", "sync", "callback", removed, added);
  result.notice =
      "get() now only starts the fetch and returns; the lambda answers later. The class is "
      "`asynchronous` (Tornado 5's @asynchronous), so returning does not finish the request: "
      "answer_fetch() calls finish() from inside the callback.";
  result.figures["lines_removed"] = removed;
  result.figures["lines_added"] = added;
  return result;
}

StepResult twenty_at_once() {
  Demo demo(/*max_clients=*/10);
  auto timed = at_once(demo.service.url("/callback/fetch?format=json"), 20);
  int second_wave = finished_after(timed, 200);  // they waited for a slot
  StepResult result;
  result.output = timeline("GET /callback/fetch, twenty at once, the client capped at 10", timed);
  result.notice = fmt::format(
      "nothing blocks, yet they finish in two waves: the client lets 10 fetches out at a time "
      "(--max-clients 10, as Tornado's AsyncHTTPClient), the others queue for a slot. {} of 20 "
      "waited for the second wave.",
      second_wave);
  result.figures["second_wave"] = second_wave;
  result.figures["total_ms"] = total_ms(timed);
  return result;
}

StepResult siege_with_and_without_the_cap() {
  const double latency_s = std::chrono::duration<double>(kLatency).count();
  SiegeRun capped, uncapped;
  {
    Demo demo(10);
    capped = seed_siege(demo.service.url("/callback/fetch"));
  }
  {
    Demo demo(0);
    uncapped = seed_siege(demo.service.url("/callback/fetch"));
  }
  StepResult result;
  result.output = "With the client capped at 10 (parity serve's default, as Tornado's):\n" +
                  capped.text + "\nWith no cap (parity serve --max-clients 0):\n" + uncapped.text;
  result.output += fmt::format(
      "\nLittle's law: rate = in flight / latency. Capped: 10 / {:.1f} s = {:.0f}/s. Uncapped: "
      "the 100 users / {:.1f} s = {:.0f}/s.\n",
      latency_s, 10 / latency_s, latency_s, 100 / latency_s);
  result.notice = fmt::format(
      "{:.2f} trans/sec with the cap: near its limit of {:.0f}, ten times the sync server. The "
      "seed's 75.86 was most likely the same limit reached at 76% (the seed does not say how "
      "slow its API was). Lift the cap and the same code does {:.0f}.",
      capped.summary.transaction_rate, 10 / latency_s, uncapped.summary.transaction_rate);
  result.figures["capped_rate"] = capped.summary.transaction_rate;
  result.figures["capped_limit"] = 10 / latency_s;
  result.figures["capped_failed"] = static_cast<double>(capped.summary.failed);
  result.figures["uncapped_rate"] = uncapped.summary.transaction_rate;
  result.figures["uncapped_limit"] = 100 / latency_s;
  return result;
}

StepResult callback_hell() {
  Demo demo;
  auto response = http::fetch_blocking({"GET", demo.service.url("/callback/chain?n=3")});
  auto body = json::parse(response.body).as_object();
  const double took =
      body.at("finished_at").to_number<double>() - body.at("started_at").to_number<double>();
  StepResult result;
  int removed = 0, added = 0;
  result.output = style_diff("chain", "sync", "callback", removed, added) +
                  fmt::format("\n$ curl .../callback/chain?n=3\n{}\n", response.body);
  result.notice = fmt::format(
      "three calls, each needing the one before: the sync loop becomes a step() that starts the "
      "next call from inside the last callback, with the state (steps_, length_) moved into the "
      "object. It took {:.0f} ms, three upstream round trips one after the other. Lesson 05's "
      "coroutine writes it as the sync loop again.",
      took);
  result.figures["steps"] = static_cast<double>(body.at("steps").as_array().size());
  result.figures["took_ms"] = took;
  return result;
}

// Seed 001 §3: a plain method finishes by itself; only an asynchronous one needs finish().
class PlainHandler : public http::RequestHandler {
 public:
  void get() { write("written; get() returned; the core finished it"); }
};
class ForgetfulHandler : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    timer_.emplace(get_executor(), std::chrono::milliseconds(10));
    timer_->async_wait(async_callback(
        [this](boost::system::error_code) { write("answered... but finish() is never called"); }));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

StepResult forgetting_finish() {
  std::mutex mutex;
  std::string logged;
  log::set_sink([&](std::string_view line) {
    std::lock_guard lock(mutex);
    logged += line;
  });
  auto app = std::make_shared<http::Application>();
  app->add<PlainHandler>("/plain").add<ForgetfulHandler>("/forgetful");
  http::ServerThread server;
  auto options = http::ServerOptions{};
  options.access_log = false;
  server.start(app, options);
  http::FetchOptions no_raise;
  no_raise.raise_error = false;
  auto plain = http::fetch_blocking({"GET", server.url("/plain")}, no_raise);
  auto forgetful = http::fetch_blocking({"GET", server.url("/forgetful")}, no_raise);
  server.stop();
  log::set_sink({});
  StepResult result;
  result.output = fmt::format(
      "GET /plain      (a plain void get() that only writes):   HTTP {} {}\n"
      "GET /forgetful  (asynchronous; its callback forgets):    HTTP {} {}\n"
      "the server's log:\n{}",
      plain.status, plain.body, forgetful.status, forgetful.body, logged);
  result.notice =
      "in Tornado a forgotten finish() leaves the client waiting until it gives up; Parity "
      "answers 500 at once, when the last callback lets go of the handler, and says which "
      "handler it was.";
  result.figures["plain_status"] = plain.status;
  result.figures["forgetful_status"] = forgetful.status;
  result.figures["logged_once"] =
      logged.find("without finish() being called") != std::string::npos ? 1 : 0;
  return result;
}

}  // namespace

Lesson callbacks_lesson() {
  return {.id = "03",
          .folder = "tutorials/03_callbacks",
          .title = "Callbacks",
          .seeds = "001 §2-4",
          .minutes = 20,
          .steps = {{"03.1", "The callback handler next to the sync one", the_callback_handler},
                    {"03.2", "Twenty at once through a client capped at 10", twenty_at_once},
                    {"03.3", "siege -c100 -t3s, with and without the cap",
                     siege_with_and_without_the_cap},
                    {"03.4", "Three calls in a row: callback hell", callback_hell},
                    {"03.5", "Forgetting finish()", forgetting_finish}}};
}

}  // namespace parity::tutorials
