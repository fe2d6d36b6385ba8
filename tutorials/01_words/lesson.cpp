// Lesson 01: words first. Seed 004 defines four words; each step shows one with a few lines of
// code on a real socket or timer: synchronous (the caller waits for the result), asynchronous
// (it does not, and hears later), blocking (the call holds the thread), non-blocking (it does
// not: it answers at once, even with "nothing yet").

#include "tutorials/01_words/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/loop/loop.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>

#include <thread>

namespace parity::tutorials {
namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

StepResult synchronous() {
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = kLatency, .jitter = 0ms}};
  auto start = Clock::now();
  auto response = http::fetch_blocking({"GET", upstream.url() + "/delay"});
  double returned = ms_since(start);
  StepResult result;
  result.output = fmt::format(
      "auto response = http::fetch_blocking({{\"GET\", url}});   // returns the answer itself\n"
      "  -> returned after {:.0f} ms, with HTTP {}\n",
      returned, response.status);
  result.notice =
      "synchronous: the caller waits for the result. The next line runs only when the answer is "
      "there, and fetch_blocking hands it back as its return value.";
  result.figures["returned_ms"] = returned;
  return result;
}

StepResult asynchronous() {
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = kLatency, .jitter = 0ms}};
  Loop loop;
  http::Client client(loop.get_executor());
  auto start = Clock::now();
  double answered = -1;
  client.async_fetch({"GET", upstream.url() + "/delay"}, {},
                     [&](boost::system::error_code, http::FetchResponse) {
                       answered = ms_since(start);
                       loop.stop();
                     });
  double returned = ms_since(start);
  loop.run();
  StepResult result;
  result.output = fmt::format(
      "client.async_fetch({{\"GET\", url}}, {{}}, [](error_code, FetchResponse) {{ ... }});\n"
      "  -> async_fetch returned after {:.2f} ms; the callback had the answer after {:.0f} ms\n",
      returned, answered);
  result.notice =
      "asynchronous: the caller does not wait for the result. async_fetch returned at once, and "
      "the answer came later, to the callback, when the loop ran (Asio never calls it inline).";
  result.figures["returned_before_answer"] = returned < answered ? 1 : 0;
  return result;
}

StepResult blocking() {
  Loop loop;
  auto start = Clock::now();
  double timer_fired = 0;
  loop.call_later(10ms, [&] {
    timer_fired = ms_since(start);
    loop.stop();
  });
  loop.add_callback([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  loop.run();
  StepResult result;
  result.output = fmt::format(
      "loop.call_later(10ms, ...);                        // a timer for 10 ms from now\n"
      "loop.add_callback([] {{ std::this_thread::sleep_for(200ms); }});\n"
      "  -> the 10 ms timer fired after {:.0f} ms\n",
      timer_fired);
  result.notice =
      "blocking: the call holds its thread until it is done. sleep_for held the loop's only "
      "thread, so nothing else on that loop, not even a timer that was due, could run meanwhile.";
  result.figures["timer_fired_ms"] = timer_fired;
  return result;
}

StepResult non_blocking() {
  namespace ip = asio::ip;
  asio::io_context context;
  ip::tcp::acceptor acceptor(context, {ip::make_address("127.0.0.1"), 0});
  ip::tcp::socket client(context);
  client.connect(acceptor.local_endpoint());
  auto server = acceptor.accept();
  server.non_blocking(true);
  char byte;
  boost::system::error_code ec;
  auto start = Clock::now();
  server.read_some(asio::buffer(&byte, 1), ec);  // nothing has been sent
  double took = ms_since(start);
  StepResult result;
  result.output = fmt::format(
      "socket.non_blocking(true);\n"
      "socket.read_some(buffer, ec);   // the peer has sent nothing\n"
      "  -> returned after {:.3f} ms with \"{}\"\n",
      took, ec.message());
  result.notice =
      "non-blocking: the call does not hold the thread. With nothing to read it answers at once, "
      "\"try again later\"; an event loop is the thing that knows when later is (epoll says the "
      "socket is readable), and asynchronous code is built on exactly that.";
  result.figures["would_block"] = ec == asio::error::would_block ? 1 : 0;
  return result;
}

}  // namespace

Lesson words_lesson() {
  return {.id = "01",
          .folder = "tutorials/01_words",
          .title = "Words first",
          .seeds = "004",
          .minutes = 10,
          .steps = {{"01.1", "Synchronous: the caller waits for the result", synchronous},
                    {"01.2", "Asynchronous: the caller hears later", asynchronous},
                    {"01.3", "Blocking: the call holds the thread", blocking},
                    {"01.4", "Non-blocking: the call answers at once", non_blocking}}};
}

}  // namespace parity::tutorials
