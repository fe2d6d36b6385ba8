// Lesson 10: streams. An async generator (Asio's experimental coro, C++'s `async for`), lazy: it
// makes a line only when asked for one; a handler that sends each line the generator yields as a
// chunk of its response, so the client reads each as it comes; and why the sync style cannot
// stream: its lines leave only once get() has returned, all together.

#include "tutorials/10_streams/lesson.hpp"

#include "app/demo/endpoint.hpp"
#include "common/http/server/server_thread.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/experimental/coro.hpp>
#include <boost/asio/experimental/use_coro.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace parity::tutorials {
namespace {

using asio::experimental::coro;
namespace json = boost::json;

// {"line": 3, "at": 1234.5}: its number and when it was made, in the demo's milliseconds.
std::string numbered_line(int number) {
  // Fixed-point milliseconds: boost::json would print 5713131.676 as 5.713131676E6.
  return fmt::format("{{\"line\":{},\"at\":{:.3f}}}\n", number, demo::monotonic_ms());
}

// [excerpt: generator]
// An async generator: each co_yield hands one line to whoever resumes it, and the generator
// sleeps until it is resumed again. It takes its executor from get_executor().
struct Ticker {
  asio::any_io_executor executor;
  int made = 0;  // lines made so far
  asio::any_io_executor get_executor() const { return executor; }

  coro<std::string> lines(int count) {
    asio::steady_timer timer(executor);
    for (int i = 1; i <= count; ++i) {
      timer.expires_after(50ms);  // waiting for the next line, as a real source would
      co_await timer.async_wait(asio::experimental::use_coro);
      ++made;
      std::string line = numbered_line(i);  // GCC 12: no class-type temporaries in co_yield
      co_yield line;
    }
  }
};
// [/excerpt]

// Reads the generator one line at a time (GCC 12: no co_await inside a loop's condition).
struct Reader {
  Ticker* ticker;
  std::string text;
  bool lazy = true;  // when the k-th line arrived, only k had been made
  // [excerpt: async_for]
  asio::awaitable<void> read_all() {
    auto lines = ticker->lines(3);
    for (int received = 1;; ++received) {
      auto line = co_await lines.async_resume(asio::use_awaitable);
      if (!line) break;  // the generator returned: no more lines
      text +=
          fmt::format("  got line {}; the generator has made {} so far\n", received, ticker->made);
      lazy = lazy && ticker->made == received;
    }
  }
  // [/excerpt]
};

StepResult an_async_generator() {
  Loop loop;
  Ticker ticker{loop.get_executor()};
  Reader reader{&ticker};
  loop.run_sync([&] { return reader.read_all(); }, 5s);
  StepResult result;
  result.output = "for each line of ticker.lines(3):\n" + reader.text;
  result.notice =
      "the generator runs only when resumed: it had made line k, and no more, when the reader got "
      "line k. That is Python's async generator and `async for`, with Asio's coro.";
  result.figures["lazy"] = reader.lazy ? 1 : 0;
  return result;
}

// [excerpt: streaming_handler]
// Each line the generator yields goes out as a chunk of the response, flushed at once.
class LinesHandler : public http::RequestHandler {
 public:
  asio::awaitable<void> get() {
    set_header(http::field::content_type, "application/x-ndjson");
    Ticker ticker{get_executor()};
    auto lines = ticker.lines(5);
    for (;;) {
      auto line = co_await lines.async_resume(asio::use_awaitable);
      if (!line) break;
      write(*line);
      co_await async_flush(asio::use_awaitable);
    }
  }
};
// [/excerpt]

// One line of a streamed answer: when the client read it, and when the server wrote it.
struct Arrival {
  double received_at = 0;
  double written_at = 0;
};

// GETs `target` on a raw socket and timestamps each {"line": ...} as its bytes arrive; the
// chunked framing around them is skipped.
std::vector<Arrival> read_stream(unsigned short port, const std::string& target) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer("GET " + target + " HTTP/1.1\r\nHost: parity\r\n\r\n"));
  std::vector<Arrival> arrivals;
  std::string data;
  std::size_t scanned = 0;
  char buffer[4096];
  for (;;) {
    boost::system::error_code ec;
    auto n = socket.read_some(asio::buffer(buffer), ec);
    double now = demo::monotonic_ms();
    data.append(buffer, n);
    for (auto at = data.find("{\"line\"", scanned); at != std::string::npos;
         at = data.find("{\"line\"", scanned)) {
      auto end = data.find('}', at);
      if (end == std::string::npos) break;
      auto line = json::parse(data.substr(at, end - at + 1)).as_object();
      arrivals.push_back({now, line.at("at").to_number<double>()});
      scanned = end + 1;
    }
    if (ec || data.find("\r\n0\r\n\r\n") != std::string::npos) break;  // the last chunk
  }
  return arrivals;
}

std::string arrivals_text(const std::string& label, const std::vector<Arrival>& arrivals) {
  std::string text = label + ":\n";
  double zero = arrivals.front().written_at;
  for (std::size_t i = 0; i < arrivals.size(); ++i)
    text += fmt::format("  line {}: written at {:4.0f} ms, read by the client at {:4.0f} ms\n",
                        i + 1, arrivals[i].written_at - zero, arrivals[i].received_at - zero);
  return text;
}

// 1 when the client had the last line but one before the server wrote the last: it streamed.
// (Not the first line: Asio tries a write as soon as it is started, so the first flush of even
// a blocking handler leaves at once; only the later ones wait for the loop.)
double streamed(const std::vector<Arrival>& arrivals) {
  if (arrivals.size() < 2) return 0;
  return arrivals[arrivals.size() - 2].received_at < arrivals.back().written_at ? 1 : 0;
}

StepResult a_generator_behind_a_chunked_response() {
  auto app = std::make_shared<http::Application>();
  app->add<LinesHandler>("/lines");
  http::ServerThread server;
  http::ServerOptions quiet;
  quiet.access_log = false;
  server.start(app, quiet);
  auto arrivals = read_stream(server.port(), "/lines");
  server.stop();
  StepResult result;
  result.output = arrivals_text("GET /lines (Transfer-Encoding: chunked)", arrivals);
  result.notice =
      "each line reached the client about when it was written, 50 ms apart: a chunked response "
      "fed by the generator, flushed line by line, with no Content-Length known in advance.";
  result.figures["lines"] = static_cast<double>(arrivals.size());
  result.figures["streamed"] = streamed(arrivals);
  return result;
}

StepResult why_sync_cannot_stream() {
  Demo demo;
  auto sync = read_stream(demo.service.port(), "/sync/stream?n=4&ms=100");
  auto coroutine = read_stream(demo.service.port(), "/coroutine/stream?n=4&ms=100");
  int removed = 0, added = 0;
  auto diff = style_diff("stream", "sync", "coroutine", removed, added);
  StepResult result;
  result.output = arrivals_text("GET /sync/stream?n=4&ms=100", sync) +
                  arrivals_text("GET /coroutine/stream?n=4&ms=100", coroutine) + "\n" + diff;
  result.notice =
      "the sync handler writes and flushes each line too, but a flush is asynchronous: the first "
      "is tried at once, and the rest wait for the loop, whose thread is inside get() until the "
      "last line is written. So they leave at the end, together. The coroutine's co_await "
      "async_flush gives the thread back, and each line leaves when written.";
  result.figures["sync_streamed"] = streamed(sync);
  result.figures["coroutine_streamed"] = streamed(coroutine);
  return result;
}

}  // namespace

Lesson streams_lesson() {
  return {.id = "10",
          .folder = "tutorials/10_streams",
          .title = "Streams",
          .seeds = "003 §3.6",
          .minutes = 10,
          .steps = {{"10.1", "an async generator, read one line at a time", an_async_generator},
                    {"10.2", "a generator behind a chunked response",
                     a_generator_behind_a_chunked_response},
                    {"10.3", "why the sync style cannot stream", why_sync_cannot_stream}}};
}

}  // namespace parity::tutorials
