// Lesson 18: senders, the shape of C++26's std::execution (P2300), with the small library of
// senders/ written for the lesson. A sender runs nothing before connect and start; then,
// let_value and errors compose; when_all runs two at once on the loop, proved by meeting (two
// loop threads that must wait for each other) and by the upstream's barrier (two fetches on one
// thread); and /fetch written with senders answers as the coroutine style's does.

#include "tutorials/18_senders/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/http/server/server_thread.hpp"
#include "tools/diff/style_diff.hpp"
#include "tutorials/18_senders/fetch_handler.hpp"
#include "tutorials/18_senders/senders/senders.hpp"
#include "tutorials/generated/senders_fetch_handler.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

namespace parity::tutorials {
namespace {

namespace json = boost::json;
using namespace parity::senders;

// The project's Loop, run on `threads` threads in the background for the length of a step.
class LoopThreads {
 public:
  explicit LoopThreads(unsigned threads) : runner_([this, threads] { loop_.run(threads); }) {}
  ~LoopThreads() { stop(); }
  Loop& loop() { return loop_; }
  // Before what runs on the loop goes (a client): its threads then touch it no more.
  void stop() {
    loop_.stop();
    if (runner_.joinable()) runner_.join();
  }

 private:
  Loop loop_;
  std::jthread runner_;
};

// A receiver that writes down what it was told.
struct Told {
  std::vector<std::string>* lines;
  void set_value(int value) noexcept { lines->push_back(fmt::format("set_value({})", value)); }
  void set_error(std::exception_ptr) noexcept { lines->push_back("set_error(...)"); }
  void set_stopped() noexcept { lines->push_back("set_stopped()"); }
};

StepResult nothing_runs_before_start() {
  std::vector<std::string> told;
  // [excerpt: nothing-before-start]
  int calls = 0;
  auto work = just(20) | then([&calls](int x) {
                ++calls;
                return x + 1;
              });
  int after_making = calls;  // a sender describes the work: nothing ran
  auto operation = std::move(work).connect(Told{&told});
  int after_connect = calls;  // an operation state holds it all: still nothing ran
  operation.start();          // now just sends 20, then's function runs, the receiver gets 21
  // [/excerpt]
  StepResult result;
  result.output = fmt::format(
      "auto work = just(20) | then([&calls](int x) {{ ++calls; return x + 1; }});\n"
      "  calls after making the sender:   {}\n"
      "auto operation = std::move(work).connect(Told{{...}});\n"
      "  calls after connect:             {}\n"
      "operation.start();\n"
      "  calls after start:               {}\n"
      "  the receiver was told:           {}\n",
      after_making, after_connect, calls, fmt::join(told, ", "));
  result.notice =
      "a sender is a description of work, as a function not yet called: making it and "
      "connecting it to a receiver ran nothing. start() ran it, and the receiver heard once. A "
      "Future (lesson 04) is the other way round: the work is running as soon as you hold one.";
  result.figures["calls_after_making"] = after_making;
  result.figures["calls_after_connect"] = after_connect;
  result.figures["calls_after_start"] = calls;
  result.figures["told_value"] = told.size() == 1 && told[0] == "set_value(21)" ? 21 : 0;
  return result;
}

StepResult then_and_let_value_compose() {
  LoopThreads threads(1);
  auto loop = threads.loop().get_executor();
  std::thread::id let_ran_on;
  const auto step_thread = std::this_thread::get_id();
  auto [loop_thread] =
      sync_wait(schedule(loop) | then([] { return std::this_thread::get_id(); })).value();
  // [excerpt: compose]
  auto sum = just(20) | then([](int x) { return x + 1; }) | then([](int x) { return x * 2; });
  auto [doubled] = sync_wait(std::move(sum)).value();

  // let_value: the value decides which sender runs next, here one scheduled on the loop.
  auto next = just(3) | let_value([&](int n) {
                return schedule(loop) | then([&let_ran_on, n] {
                         let_ran_on = std::this_thread::get_id();
                         return n * 10;
                       });
              });
  auto [tens] = sync_wait(std::move(next)).value();
  // [/excerpt]
  StepResult result;
  auto name = [&](std::thread::id id) {
    return id == step_thread   ? "thread 1, the step's (sync_wait blocks it)"
           : id == loop_thread ? "thread 2, the loop's"
                               : "another thread (?)";
  };
  result.output = fmt::format(
      "just(20) | then(x + 1) | then(x * 2)                      sends {}\n"
      "just(3) | let_value(n => schedule(loop) | then(n * 10))  sends {}\n"
      "  sync_wait ran on:     {}\n"
      "  then(n * 10) ran on:  {}\n",
      doubled, tens, name(step_thread), name(let_ran_on));
  result.notice =
      "senders compose into one sender, still a description, and sync_wait() starts it and "
      "waits. then maps a value; let_value chains a next operation chosen by the value, as the "
      "line after a co_await would. schedule(loop) moved the rest of the work onto the loop.";
  result.figures["doubled"] = doubled;
  result.figures["tens"] = tens;
  result.figures["let_ran_on_loop"] =
      let_ran_on == loop_thread && loop_thread != step_thread ? 1 : 0;
  return result;
}

StepResult an_error_skips_then() {
  std::string what, code_what;
  // [excerpt: error]
  int later_calls = 0;
  auto failing = just(1) |
                 then([](int) -> int { throw std::runtime_error("the upstream said no"); }) |
                 then([&later_calls](int x) {
                   ++later_calls;  // never: an error passes every then by
                   return x;
                 });
  try {
    sync_wait(std::move(failing));
  } catch (const std::runtime_error& e) {
    what = e.what();  // the exception the first then threw, from set_error to sync_wait
  }
  // [/excerpt]
  int after_error = later_calls;
  try {
    sync_wait(just_error(make_error_code(boost::system::errc::timed_out)) |
              then([&later_calls] { ++later_calls; }));
  } catch (const boost::system::system_error& e) {
    code_what = e.code().message();
  }
  int after_code = later_calls;

  // The third way to end: an Asio wait, cancelled as soon as it started, on the loop's one thread
  // (let_value starts it there). operation_aborted is set_stopped(): no value, no error.
  LoopThreads threads(1);
  asio::steady_timer timer(threads.loop().context(), std::chrono::hours(1));
  // [excerpt: stopped]
  auto cancelled = from_asio<int>([&timer](auto token) {
    timer.async_wait(
        [token = std::move(token)](boost::system::error_code ec) mutable { token(ec, 0); });
    timer.cancel();  // the wait completes with operation_aborted
  });
  auto after_stop = schedule(threads.loop().get_executor()) |
                    let_value([&cancelled] { return std::move(cancelled); }) |
                    then([&later_calls](int x) {
                      ++later_calls;  // never: a stop passes every then by too
                      return x;
                    });
  std::optional<std::tuple<int>> nothing = sync_wait(std::move(after_stop));  // empty
  // [/excerpt]
  threads.stop();  // then the timer may go
  StepResult result;
  result.output = fmt::format(
      "just(1) | then(throw runtime_error) | then(++later_calls):\n"
      "  sync_wait threw:        runtime_error(\"{}\")\n"
      "  later_calls so far:     {}\n"
      "just_error(errc::timed_out) | then(++later_calls):\n"
      "  sync_wait threw:        system_error(\"{}\")\n"
      "  later_calls so far:     {}\n"
      "a timer's wait, cancelled | then(++later_calls):\n"
      "  sync_wait returned:     {}\n"
      "  later_calls so far:     {}\n",
      what, after_error, code_what, after_code,
      nothing ? "a value (?)" : "an empty optional (set_stopped)", later_calls);
  result.notice =
      "an exception thrown in then becomes set_error(exception_ptr); every later then is "
      "skipped, as the lines after a throw are, and sync_wait rethrows it. An error_code travels "
      "the same channel. A cancelled operation ends the third way, set_stopped(), which sync_wait "
      "returns as an empty optional. Each adaptor passes on the ways it does not handle.";
  result.figures["later_calls_after_error"] = after_error;
  result.figures["later_calls_after_code"] = after_code;
  result.figures["later_calls"] = later_calls;
  result.figures["rethrown"] = what == "the upstream said no" ? 1 : 0;
  result.figures["code_rethrown"] = code_what.empty() ? 0 : 1;
  result.figures["stopped_is_empty"] = nothing ? 0 : 1;
  return result;
}

// Each side holds its loop thread until the other has arrived as well, 5 s at most (ample on a
// busy machine; it bounds only a failure): both arrive only if they run at the same time.
struct Meeting {
  std::mutex mutex;
  std::condition_variable arrived;
  int count = 0;
  bool meet() {
    std::unique_lock lock(mutex);
    ++count;
    arrived.notify_all();
    return arrived.wait_for(lock, 5s, [this] { return count == 2; });
  }
};

StepResult when_all_runs_both_at_once() {
  LoopThreads threads(2);
  auto loop = threads.loop().get_executor();
  Meeting meeting;
  // [excerpt: when-all]
  auto side = [&] { return schedule(loop) | then([&meeting] { return meeting.meet(); }); };
  auto [a_met, b_met] = sync_wait(when_all(side(), side())).value();
  // [/excerpt]
  StepResult result;
  result.output = fmt::format(
      "a loop on 2 threads; when_all(schedule(loop) | then(meet), schedule(loop) | then(meet)):\n"
      "  a met b: {}\n  b met a: {}\n",
      a_met, b_met);
  result.notice =
      "each side holds its thread until the other has arrived, so they met only because "
      "when_all started both before either finished and the loop ran them on its two threads at "
      "once. A when_all that waited for a before starting b would leave a waiting alone (the "
      "exercise's wrong solutions include it). Their completions may race: when_all counts them "
      "with an atomic.";
  result.figures["both_met"] = a_met && b_met ? 1 : 0;
  return result;
}

StepResult two_fetches_on_one_thread() {
  upstream::EmbeddedUpstream upstream{upstream::Options{}};
  LoopThreads threads(1);
  http::Client client(threads.loop().get_executor());
  const std::string barrier = upstream.url() + "/barrier?n=2&timeout_ms=5000";
  // [excerpt: from-asio]
  auto fetch = [&client](std::string url) {
    return from_asio<http::FetchResponse>([&client, url](auto token) {
      client.async_fetch({"GET", url}, {}, std::move(token));
    });
  };
  auto both = when_all(fetch(barrier), fetch(barrier)) |
              then([](http::FetchResponse a, http::FetchResponse b) {
                return std::vector<unsigned>{a.status, b.status};
              });
  auto [statuses] = sync_wait(std::move(both)).value();
  // [/excerpt]
  threads.stop();  // then the client may go
  StepResult result;
  result.output = fmt::format(
      "a loop on 1 thread; when_all of two async_fetch of {}\n"
      "  (the upstream answers only once 2 requests wait there together; 504 after 5 s alone)\n"
      "  statuses: {} {}\n",
      "/barrier?n=2&timeout_ms=5000", statuses[0], statuses[1]);
  result.notice =
      "the core's async_fetch, unchanged, became a sender through its completion token: a "
      "lambda that calls the receiver. On one thread both fetches waited at once, since waiting "
      "for the network holds no thread; the barrier's 200s prove they overlapped.";
  result.figures["first_status"] = statuses[0];
  result.figures["second_status"] = statuses[1];
  return result;
}

// The lesson's /fetch on a server of its own, in front of `upstream_url`.
class SendersServer {
 public:
  explicit SendersServer(std::string upstream_url)
      : client_(server_.loop().get_executor()),
        context_{.upstream_url = std::move(upstream_url),
                 .client = &client_,
                 .pool = &pool_,
                 .pool_size = 1} {
    auto app = std::make_shared<http::Application>();
    app->add<lesson18::FetchHandler>("/senders/fetch", "senders.fetch", &context_,
                                     std::string("senders"));
    http::ServerOptions quiet;
    quiet.access_log = false;
    server_.start(app, quiet);
  }
  ~SendersServer() { server_.stop(); }  // the loop first, then the client it runs
  std::string url(const std::string& path) const { return server_.url(path); }
  unsigned short port() const { return server_.port(); }

 private:
  asio::thread_pool pool_{1};
  http::ServerThread server_;
  http::Client client_;
  demo::Context context_;
};

// A demo answer without what differs between two styles and two calls.
std::string masked(const std::string& body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return body;
  for (const char* key : {"style", "started_at", "finished_at", "upstream_seconds"})
    value.as_object().erase(key);
  return json::serialize(value);
}

// The lesson's FetchHandler, from its source compiled in, as `parity diff` reads a style's.
diff::EndpointSource senders_fetch_source() {
  std::istringstream in(kSendersFetchHandler);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  auto start = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.starts_with("class FetchHandler final");
  });
  auto end = std::find(start, lines.end(), "};");
  while (start != lines.begin() && std::prev(start)->starts_with("//") &&
         !std::prev(start)->starts_with("// [excerpt")) {
    --start;
  }
  diff::EndpointSource source;
  source.file = "tutorials/18_senders/fetch_handler.hpp";
  source.first_line = static_cast<int>(start - lines.begin()) + 1;
  if (end != lines.end()) source.lines.assign(start, std::next(end));
  return source;
}

// One of the upstream's /stats counters ("waiting", "abandoned"), polled until it reaches
// `wanted` or 5 s pass; the last value seen.
std::int64_t upstream_stat(const upstream::EmbeddedUpstream& upstream, const char* name,
                           std::int64_t wanted = 0) {
  auto read = [&] {
    auto stats = http::fetch_blocking({"GET", upstream.url() + "/stats"});
    return stats.json().at(name).to_number<std::int64_t>();
  };
  auto deadline = Clock::now() + 5s;
  auto seen = read();
  for (; seen < wanted && Clock::now() < deadline; seen = read()) std::this_thread::sleep_for(10ms);
  return seen;
}

// A client asks /senders/fetch of an upstream that takes a minute, and hangs up once the call has
// reached the upstream; how many chains ended in set_stopped() (5 s at most), and the upstream's.
struct Left {
  int stopped = 0;
  std::int64_t abandoned = 0, waiting = 0;
};
Left a_client_that_leaves() {
  upstream::EmbeddedUpstream slow{upstream::Options{.latency = 60s, .jitter = 0ms}};
  SendersServer senders(slow.url());
  const int before = lesson18::stopped_chains.load();
  asio::io_context io;
  asio::ip::tcp::socket client(io);
  client.connect({asio::ip::make_address("127.0.0.1"), senders.port()});
  asio::write(client, asio::buffer(std::string("GET /senders/fetch HTTP/1.1\r\nHost: x\r\n\r\n")));
  upstream_stat(slow, "waiting", 1);  // the call is at the upstream: there is one to cancel
  client.close();
  Left left;
  left.abandoned = upstream_stat(slow, "abandoned", 1);
  auto deadline = Clock::now() + 5s;
  while (lesson18::stopped_chains.load() == before && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  left.stopped = lesson18::stopped_chains.load() - before;
  left.waiting = upstream_stat(slow, "waiting");
  return left;
}

StepResult the_fetch_endpoint_with_senders() {
  Demo demo;
  SendersServer senders(demo.upstream.url());
  auto get = [](const std::string& url) {
    http::FetchOptions options;
    options.raise_error = false;
    return http::fetch_blocking({"GET", url}, options);
  };
  auto mine = get(senders.url("/senders/fetch?format=json"));
  auto theirs = get(demo.service.url("/coroutine/fetch?format=json"));
  auto page = get(senders.url("/senders/fetch"));

  // An upstream that refuses: a port held bound and never listening (lesson 12.3's way).
  asio::io_context io;
  asio::ip::tcp::socket refusing(io, asio::ip::tcp::v4());
  refusing.bind({asio::ip::make_address("127.0.0.1"), 0});
  SendersServer refused(fmt::format("http://127.0.0.1:{}", refusing.local_endpoint().port()));
  auto failed = get(refused.url("/senders/fetch?format=json"));

  auto coroutine =
      diff::read_endpoint(diff::find_style_sources(std::nullopt), "coroutine", "fetch");
  auto diff = diff::unified_diff(coroutine, senders_fetch_source());
  auto left = a_client_that_leaves();
  StepResult result;
  result.output = fmt::format(
      "{}\n"
      "GET /senders/fetch?format=json     HTTP {} {}\n"
      "GET /coroutine/fetch?format=json   HTTP {} {}\n"
      "  (style, timestamps and upstream_seconds left out)\n"
      "GET /senders/fetch                 HTTP {}, \"Time Cost\" page: {}\n"
      "GET /senders/fetch, upstream down  HTTP {} {}\n"
      "GET /senders/fetch, the client hangs up while the upstream takes 60 s:\n"
      "  chains that ended in set_stopped(): {}\n"
      "  the upstream's /stats: {} abandoned, {} still waiting\n",
      diff.text, mine.status, masked(mine.body), theirs.status, masked(theirs.body), page.status,
      page.body.find("Time Cost") != std::string::npos ? "yes" : "no", failed.status,
      masked(failed.body), left.stopped, left.abandoned, left.waiting);
  result.notice =
      "the same core operation, async_delay; from_asio made the call with a callback token that "
      "hands the outcome to a receiver. The body is the coroutine style's; the try/catch became the "
      "receiver's set_error, and the coroutine frame the operation state the handler holds. "
      "cancel_on_close() turned the client that left into set_stopped(), and the upstream call "
      "was cancelled.";
  result.figures["senders_status"] = mine.status;
  result.figures["same_body"] = mine.status == 200 && masked(mine.body) == masked(theirs.body);
  result.figures["page_status"] = page.status;
  result.figures["refused_status"] = failed.status;
  result.figures["lines_changed"] = diff.removed + diff.added;
  result.figures["left_stopped"] = left.stopped;
  result.figures["left_abandoned"] = static_cast<double>(left.abandoned);
  result.figures["left_waiting"] = static_cast<double>(left.waiting);
  return result;
}

}  // namespace

Lesson senders_lesson() {
  return {
      .id = "18",
      .folder = "tutorials/18_senders",
      .title = "Senders, C++26's way",
      .seeds = "none",
      .minutes = 25,
      .steps = {
          {"18.1", "a sender does nothing before connect and start", nothing_runs_before_start},
          {"18.2", "then and let_value compose; sync_wait waits", then_and_let_value_compose},
          {"18.3", "an error skips then and reaches sync_wait; a stop sends nothing",
           an_error_skips_then},
          {"18.4", "when_all runs both at once on a two-thread loop", when_all_runs_both_at_once},
          {"18.5", "the core's async_fetch as a sender: two at once on one thread",
           two_fetches_on_one_thread},
          {"18.6", "/fetch with senders, beside the coroutine style",
           the_fetch_endpoint_with_senders}}};
}

}  // namespace parity::tutorials
