#pragma once
// Mistake: the generator read to the end into a vector first, then each line written and flushed
// Fails with: line 3 reached the client only after line 4 was made

#include "exercises/support/world.hpp"

#include <boost/asio/experimental/coro.hpp>
#include <boost/asio/experimental/use_coro.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace exercise {

using namespace parity;
using asio::experimental::coro;

inline double now_ms() {
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

// The generator: `count` lines, 100 ms apart, each {"line": i, "at": when it was made}. It
// takes its executor from get_executor(). Leave it as it is.
struct Lines {
  asio::any_io_executor executor;
  asio::any_io_executor get_executor() const { return executor; }
  coro<std::string> make(int count) {
    asio::steady_timer timer(executor);
    for (int i = 1; i <= count; ++i) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(asio::experimental::use_coro);
      std::string line = boost::json::serialize(boost::json::object{{"line", i}, {"at", now_ms()}});
      co_yield line + "\n";
    }
  }
};

class LinesHandler : public http::RequestHandler {
 public:
  asio::awaitable<void> get() {
    set_header(http::field::content_type, "application/x-ndjson");
    Lines lines{get_executor()};
    auto generator = lines.make(4);
    std::vector<std::string> all;
    for (;;) {
      auto line = co_await generator.async_resume(asio::use_awaitable);
      if (!line) break;
      all.push_back(*line);
    }
    for (const auto& line : all) {  // streamed, but only once the last line is made
      write(line);
      co_await async_flush(asio::use_awaitable);
    }
  }
};

inline void mount(http::Application& app, const exercises::Services&) {
  app.add<LinesHandler>("/lines");
}

}  // namespace exercise
