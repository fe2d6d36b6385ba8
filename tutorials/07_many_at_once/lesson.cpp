// Lesson 07: many at once. Three calls awaited one after the other against three started at
// once (multi), proved by the upstream's barrier, which answers only when all three wait on it at
// the same time; multi over named results; a parallel group in a coroutine; with_timeout, which
// stops the waiting and not the work; and the cancellation of an upstream call when the client
// goes away.

#include "tutorials/07_many_at_once/lesson.hpp"

#include "common/future/multi.hpp"
#include "common/future/use_future.hpp"
#include "common/future/with_timeout.hpp"
#include "common/http/client/client.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include <thread>

namespace parity::tutorials {
namespace {

// A 504 is an answer here, not an exception: the steps print every status.
http::FetchOptions lenient() {
  http::FetchOptions options;
  options.raise_error = false;
  return options;
}

// The upstream's /barrier: it answers only once `n` requests wait on it at the same time, and
// fails one that waited `timeout_ms` alone with 504. Concurrency proved by behaviour.
std::string barrier(const upstream::EmbeddedUpstream& upstream, int n) {
  return fmt::format("{}/barrier?n={}&timeout_ms=300", upstream.url(), n);
}

std::vector<unsigned> statuses_of(const std::vector<http::FetchResponse>& responses) {
  std::vector<unsigned> statuses;
  for (const auto& response : responses) statuses.push_back(response.status);
  return statuses;
}

int count_of(const std::vector<unsigned>& statuses, unsigned status) {
  return static_cast<int>(std::count(statuses.begin(), statuses.end(), status));
}

// The coroutines are member functions (GCC 12: no capturing coroutine lambdas).
struct Calls {
  http::Client* client;
  std::string url;

  // [excerpt: one_after_the_other]
  // Each call is awaited before the next one starts.
  asio::awaitable<std::vector<unsigned>> one_after_the_other() {
    std::vector<unsigned> statuses;
    for (int i = 0; i < 3; ++i) {
      http::FetchRequest request{"GET", url};
      auto response = co_await client->async_fetch(request, lenient(), asio::use_awaitable);
      statuses.push_back(response.status);
    }
    co_return statuses;
  }
  // [/excerpt]

  // [excerpt: parallel_group]
  // Three deferred calls, started together by the group and awaited together.
  asio::awaitable<std::vector<unsigned>> in_a_parallel_group() {
    using Call = decltype(client->async_fetch({}, {}, asio::deferred));
    std::vector<Call> calls;
    for (int i = 0; i < 3; ++i) {
      http::FetchRequest request{"GET", url};
      calls.push_back(client->async_fetch(request, lenient(), asio::deferred));
    }
    auto group = asio::experimental::make_parallel_group(std::move(calls));
    auto [order, errors, responses] =
        co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    co_return statuses_of(responses);
  }
  // [/excerpt]
};

// [excerpt: multi]
// Three calls started at once, one Future for all of them.
Future<std::vector<http::FetchResponse>> all_at_once(http::Client& client, const std::string& url,
                                                     asio::any_io_executor loop) {
  std::vector<Future<http::FetchResponse>> calls;
  for (int i = 0; i < 3; ++i)
    calls.push_back(client.async_fetch({"GET", url}, lenient(), use_future(loop)));
  return multi(calls, loop);
}
// [/excerpt]

StepResult one_after_the_other_or_at_once() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  Loop loop;
  http::Client client(loop.get_executor());
  Calls calls{&client, barrier(upstream, 3)};
  auto serial = loop.run_sync([&] { return calls.one_after_the_other(); }, 5s);
  auto together = all_at_once(client, calls.url, loop.get_executor());
  run_until_done(loop, together);
  auto parallel = statuses_of(together.result());
  StepResult result;
  result.output = fmt::format(
      "GET /barrier?n=3&timeout_ms=300, three times:\n"
      "  co_await each, one after the other:  {}\n"
      "  multi over three started at once:    {}\n",
      fmt::join(serial, " "), fmt::join(parallel, " "));
  result.notice =
      "the barrier answers only when three requests wait on it together. Awaited one by one, "
      "each waited alone and got 504; started at once and gathered by multi, all three got 200. "
      "No clock decides this, only whether the calls overlapped.";
  result.figures["serial_504"] = count_of(serial, 504);
  result.figures["multi_200"] = count_of(parallel, 200);
  return result;
}

// [excerpt: multi_by_name]
// gen.multi's dict form: the results come back under the names they were asked by.
Future<std::map<std::string, http::FetchResponse>> by_name(http::Client& client,
                                                           const std::string& upstream,
                                                           asio::any_io_executor loop) {
  std::map<std::string, Future<http::FetchResponse>> calls;
  for (std::string name : {"user", "orders", "invoices"}) {
    http::FetchRequest request{"GET", upstream + "/delay?ms=50&name=" + name};
    calls.emplace(name, client.async_fetch(request, {}, use_future(loop)));
  }
  return multi(calls, loop);
}
// [/excerpt]

StepResult multi_over_named_results() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  Loop loop;
  http::Client client(loop.get_executor());
  auto results = by_name(client, upstream.url(), loop.get_executor());
  run_until_done(loop, results);
  std::string text = "multi({\"user\": ..., \"orders\": ..., \"invoices\": ...}):\n";
  int matched = 0;
  for (const auto& [name, response] : results.result()) {
    auto echoed = boost::json::parse(response.body).at("args").at("name").as_string();
    text += fmt::format("  {:<9} -> the upstream's answer for name={}\n", name,
                        std::string_view(echoed));
    matched += echoed == name;
  }
  StepResult result;
  result.output = text;
  result.notice =
      "by name instead of by position: a handler that gathers a user, their orders and their "
      "invoices reads results.at(\"orders\") and cannot mix them up when the list changes.";
  result.figures["names_matched"] = matched;
  return result;
}

StepResult a_parallel_group_in_a_coroutine() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  Loop loop;
  http::Client client(loop.get_executor());
  Calls calls{&client, barrier(upstream, 3)};
  auto statuses = loop.run_sync([&] { return calls.in_a_parallel_group(); }, 5s);
  int removed = 0, added = 0;
  auto diff = style_diff("parallel", "future", "coroutine", removed, added);
  StepResult result;
  result.output = fmt::format(
      "GET /barrier?n=3&timeout_ms=300 from one parallel group: {}\n\n"
      "The demo's /parallel in both styles:\n{}",
      fmt::join(statuses, " "), diff);
  result.notice =
      "a coroutine has no multi of its own: Asio's parallel group starts deferred operations "
      "together and waits for all of them (wait_for_all), or for the first (wait_for_one).";
  result.figures["group_200"] = count_of(statuses, 200);
  return result;
}

StepResult with_timeout_stops_the_wait_not_the_work() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  Loop loop;
  http::Client client(loop.get_executor());
  // [excerpt: with_timeout]
  http::FetchRequest request{"GET", upstream.url() + "/delay?ms=300"};
  Future<http::FetchResponse> call =
      client.async_fetch(request, {}, use_future(loop.get_executor()));
  Future<http::FetchResponse> bounded = with_timeout(call, 100ms);
  // [/excerpt]
  run_until_done(loop, bounded);
  std::string what;
  try {
    bounded.result();
  } catch (const TimeoutError& e) {
    what = e.what();
  }
  run_until_done(loop, call);
  unsigned status = call.done() && !call.exception() ? call.result().status : 0;
  StepResult result;
  result.output = fmt::format(
      "with_timeout(call, 100ms) on /delay?ms=300:\n"
      "  bounded -> TimeoutError: {}\n"
      "  call    -> HTTP {}, later: the fetch went on\n",
      what, status);
  result.notice =
      "with_timeout, like Tornado's gen.with_timeout, stops waiting and leaves the work running. "
      "To stop the work too, cancel it: the next step does, when the client goes away.";
  result.figures["timed_out"] = what.empty() ? 0 : 1;
  result.figures["call_status"] = status;
  return result;
}

// One of the upstream's /stats counters: "waiting" or "abandoned".
std::int64_t upstream_stat(const upstream::EmbeddedUpstream& upstream, const char* name) {
  auto stats = http::fetch_blocking({"GET", upstream.url() + "/stats"});
  return stats.json().at(name).to_number<std::int64_t>();
}

// Polls that counter until it reaches `wanted`, 5 s at most; returns the last value seen.
std::int64_t wait_for_stat(const upstream::EmbeddedUpstream& upstream, const char* name,
                           std::int64_t wanted) {
  auto deadline = Clock::now() + 5s;
  auto seen = upstream_stat(upstream, name);
  for (; seen < wanted && Clock::now() < deadline; seen = upstream_stat(upstream, name))
    std::this_thread::sleep_for(10ms);
  return seen;
}

StepResult the_client_goes_away() {
  Demo demo(10, 60s);  // an upstream that would take a minute
  std::string text = "a client sends GET /{style}/fetch and hangs up; the upstream takes 60 s:\n";
  std::int64_t expected = 0;
  for (std::string style : {"callback", "future", "coroutine"}) {
    asio::io_context io;
    asio::ip::tcp::socket client(io);
    client.connect({asio::ip::make_address("127.0.0.1"), demo.service.port()});
    asio::write(client, asio::buffer("GET /" + style + "/fetch HTTP/1.1\r\nHost: parity\r\n\r\n"));
    // Hang up only once the service's call has reached the upstream, so that there is a call
    // to cancel (a client that leaves sooner has its call cancelled before it starts).
    wait_for_stat(demo.upstream, "waiting", 1);
    client.close();
    auto seen = wait_for_stat(demo.upstream, "abandoned", ++expected);
    text += fmt::format("  {:<9}: the upstream's /stats says {} abandoned so far\n", style, seen);
  }
  StepResult result;
  result.output = text;
  result.notice =
      "cancel_on_close(...) in each style's /fetch ties the upstream call to the client's "
      "connection: when the client goes, the call is cancelled and its connection to the "
      "upstream closed, and the upstream stops working for nobody. The sync style cannot: its "
      "thread sits inside the blocking call until the answer comes.";
  result.figures["abandoned"] = static_cast<double>(upstream_stat(demo.upstream, "abandoned"));
  result.figures["still_waiting"] = static_cast<double>(upstream_stat(demo.upstream, "waiting"));
  return result;
}

}  // namespace

Lesson many_at_once_lesson() {
  return {.id = "07",
          .folder = "tutorials/07_many_at_once",
          .title = "Many at once",
          .seeds = "003 §3.4, 004",
          .minutes = 15,
          .steps = {{"07.1", "one after the other, or all at once with multi",
                     one_after_the_other_or_at_once},
                    {"07.2", "multi over named results", multi_over_named_results},
                    {"07.3", "a parallel group in a coroutine", a_parallel_group_in_a_coroutine},
                    {"07.4", "with_timeout stops the wait, not the work",
                     with_timeout_stops_the_wait_not_the_work},
                    {"07.5", "the client goes away: the upstream call is cancelled",
                     the_client_goes_away}}};
}

}  // namespace parity::tutorials
