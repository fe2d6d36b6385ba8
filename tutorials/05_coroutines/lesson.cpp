// Lesson 05: coroutines. The coroutine handler next to the sync one; the chain as the sync loop
// again; siege at callback and coroutine through the same cap (the seed's 63.08 against 75.86);
// run_sync, a coroutine in a script.

#include "tutorials/05_coroutines/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/loop/loop.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

namespace parity::tutorials {
namespace {

namespace json = boost::json;

StepResult the_coroutine_handler() {
  int removed = 0, added = 0;
  StepResult result;
  result.output = style_diff("fetch", "sync", "coroutine", removed, added);
  result.notice = fmt::format(
      "{} lines removed, {} added: get() returns asio::awaitable<void>, and the blocking call "
      "becomes a co_await on the same call's asynchronous twin. The core starts the coroutine "
      "and finishes the request when it returns; errors are still exceptions.",
      removed, added);
  result.figures["lines_changed"] = removed + added;
  return result;
}

StepResult the_chain_again() {
  int removed = 0, added = 0;
  Demo demo;
  auto response = http::fetch_blocking({"GET", demo.service.url("/coroutine/chain?n=3")});
  auto body = json::parse(response.body).as_object();
  const double took =
      body.at("finished_at").to_number<double>() - body.at("started_at").to_number<double>();
  StepResult result;
  result.output = style_diff("chain", "sync", "coroutine", removed, added) +
                  fmt::format("\n$ curl .../coroutine/chain?n=3\n{}\n", response.body);
  result.notice = fmt::format(
      "the sync style's for loop, unchanged but for the co_await: no step(), no state moved into "
      "the object (lesson 03.4). The three calls still run one after the other ({:.0f} ms), "
      "because each needs the last one's answer; while they wait, the loop serves others.",
      took);
  result.figures["lines_changed"] = removed + added;
  result.figures["steps"] = static_cast<double>(body.at("steps").as_array().size());
  result.figures["took_ms"] = took;
  return result;
}

StepResult siege_callback_and_coroutine() {
  SiegeRun callback, coroutine;
  {
    Demo demo(10);
    callback = seed_siege(demo.service.url("/callback/fetch"));
  }
  {
    Demo demo(10);
    coroutine = seed_siege(demo.service.url("/coroutine/fetch"));
  }
  StepResult result;
  result.output = "Callback style, the client capped at 10:\n" + callback.text +
                  "\nCoroutine style, the same cap:\n" + coroutine.text;
  result.notice = fmt::format(
      "callback {:.2f}, coroutine {:.2f} trans/sec: the same limit (10 in flight / 0.1 s = 100) "
      "binds both. The seed measured 75.86 for callbacks and 63.08 for gen: in the Tornado of "
      "then, each yield went through gen.Task and gen's Runner in Python, work per request that "
      "a busy single-core server pays for (an inference; the seed does not profile it). Here a "
      "coroutine's suspension is a small frame and a resume, far below what the cap allows.",
      callback.summary.transaction_rate, coroutine.summary.transaction_rate);
  result.figures["callback_rate"] = callback.summary.transaction_rate;
  result.figures["coroutine_rate"] = coroutine.summary.transaction_rate;
  result.figures["coroutine_failed"] = static_cast<double>(coroutine.summary.failed);
  result.figures["limit"] = 100;
  return result;
}

// [excerpt: script]
// A script with no server: one fetch, run to completion by run_sync. The coroutine is a member
// function, as in the styles (GCC 12: no capturing coroutine lambdas, no class-type parameters).
struct Script {
  http::Client* client;
  std::string url;
  asio::awaitable<double> fetch_once() {
    http::FetchRequest request{"GET", url};
    http::FetchOptions options;
    auto response = co_await client->async_fetch(request, options, asio::use_awaitable);
    co_return response.request_time.count();
  }
};
// [/excerpt]

StepResult run_sync_a_script() {
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = kLatency, .jitter = 0ms}};
  // [excerpt: run_sync]
  Loop loop;
  http::Client client(loop.get_executor());
  Script script{&client, upstream.url() + "/delay"};
  double seconds = loop.run_sync([&] { return script.fetch_once(); }, 5s);
  // [/excerpt]
  StepResult result;
  // The run_sync region above, line for line (README 05.4 shows the region itself).
  result.output = fmt::format(
      "Loop loop;\n"
      "http::Client client(loop.get_executor());\n"
      "Script script{{&client, upstream.url() + \"/delay\"}};\n"
      "double seconds = loop.run_sync([&] {{ return script.fetch_once(); }}, 5s);\n"
      "  -> the fetch took {:.3f} s\n",
      seconds);
  result.notice =
      "run_sync (Tornado's IOLoop.run_sync) runs the loop until that one coroutine is done and "
      "hands back its value: the way to call asynchronous code from a main() or a test. Past the "
      "timeout it cancels the coroutine and throws TimeoutError.";
  result.figures["seconds"] = seconds;
  return result;
}

}  // namespace

Lesson coroutines_lesson() {
  return {.id = "05",
          .folder = "tutorials/05_coroutines",
          .title = "Coroutines",
          .seeds = "001 gen, 003 §1.2.8",
          .minutes = 15,
          .steps = {{"05.1", "The coroutine handler next to the sync one", the_coroutine_handler},
                    {"05.2", "The chain, as the sync loop again", the_chain_again},
                    {"05.3", "siege at callback and coroutine through one cap",
                     siege_callback_and_coroutine},
                    {"05.4", "run_sync: a coroutine in a script", run_sync_a_script}}};
}

}  // namespace parity::tutorials
